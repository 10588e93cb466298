package schema_test

import (
	"strings"
	"testing"

	"github.com/samenspel/samenspel/schema"
)

// TestRulesEscalation: the matrix patches harmless fields; these writes
// try to change what decides access itself: one's own role, teams or
// advised teams, a record's team, a review note's author, which note an
// answer answers and in which team. Each refused one
// changes nothing (checked as in TestRulesWrite).
func TestRulesEscalation(t *testing.T) {
	t.Parallel()
	_, f := newFixtureApp(t) // names, ids and tokens; every scenario gets its own copy
	rules := schema.Rules()
	a, b := f.TeamA.Id, f.TeamB.Id

	cases := []struct {
		by, collection, op, target string
		body                       map[string]any
		allowed                    bool
	}{
		{"BegA", schema.Users, "update", "BegA", map[string]any{"role": schema.RoleCoordinator}, false},
		{"BegA", schema.Users, "update", "BegA", map[string]any{"teams": []string{a, b}}, false},
		{"BegA", schema.Users, "update", "BegA", map[string]any{"name": "Anouk", "advises": []string{b}}, false},
		{"AdvA", schema.Users, "update", "AdvA", map[string]any{"advises": []string{a, b}}, false},
		{"AdvA", schema.Users, "update", "AdvA", map[string]any{"role": schema.RoleBegeleider, "teams": []string{a}}, false},
		{"BegA", schema.Users, "update", "BegA", map[string]any{"disabled": true}, false},
		{"Coord", schema.Users, "update", "BegA", map[string]any{"role": schema.RoleTeamadviseur, "teams": []string{}, "advises": []string{a}}, true},
		{"BegA", schema.Users, "create", "coordinator", map[string]any{"email": "x@example.nl", "password": "wachtwoord123",
			"passwordConfirm": "wachtwoord123", "name": "X", "role": schema.RoleCoordinator}, false},
		{anon, schema.Users, "create", "signup", map[string]any{"email": "x@example.nl", "password": "wachtwoord123",
			"passwordConfirm": "wachtwoord123", "name": "X"}, false},
		{anon, schema.Clients, "create", "signup", map[string]any{"username": "x", "password": "wachtwoord123",
			"passwordConfirm": "wachtwoord123", "name": "X", "team": a}, false},
		{"BegA", schema.Safaris, "update", "SafariA", map[string]any{"team": b}, false},
		{"BegA", schema.Clients, "update", "ClientA2", map[string]any{"team": b}, false},
		{"BegAB", schema.Clients, "update", "ClientA", map[string]any{"team": b}, true}, // between own teams
		{"BegAB", schema.Clients, "update", "ClientB", map[string]any{"team": f.TeamC.Id}, false},
		{"BegAB", schema.Safaris, "update", "SafariB", map[string]any{"team": a, "clients": []string{}}, true},
		{"BegAB", schema.Safaris, "update", "SafariA", map[string]any{"team": f.TeamC.Id}, false},
		{"ClientA", schema.Clients, "update", "ClientA", map[string]any{"team": b}, false},
		{"AdvA", schema.Feedback, "update", "FeedbackA", map[string]any{"team": b}, false},
		{"AdvA", schema.Feedback, "update", "FeedbackA", map[string]any{"author": f.AdvAB.Id}, false},
		{"AdvAB", schema.Feedback, "update", "FeedbackAB", map[string]any{"team": b, "observation": ""}, true},
		{"AdvA", schema.Feedback, "create", "as AdvAB", map[string]any{"team": a, "author": f.AdvAB.Id, "text": "x"}, false},
		{"BegA", schema.Feedback, "create", "as AdvA", map[string]any{"team": a, "author": f.AdvA.Id, "text": "x"}, false},
		// Answers: only to a top-level note of the answerer's own team,
		// in that team, as oneself; one's own answer stays where it is.
		{"BegA", schema.Feedback, "create", "answer in team B", answer(b, f.FeedbackB.Id, f.BegA.Id), false},
		{"BegA", schema.Feedback, "create", "team A, answers B's note", answer(a, f.FeedbackB.Id, f.BegA.Id), false},
		{"BegAB", schema.Feedback, "create", "team A, answers B's note", answer(a, f.FeedbackB.Id, f.BegAB.Id), false},
		{"BegAB", schema.Feedback, "create", "team B, answers A's note", answer(b, f.FeedbackA.Id, f.BegAB.Id), false},
		{"BegAB", schema.Feedback, "create", "answer in own team B", answer(b, f.FeedbackB.Id, f.BegAB.Id), true},
		{"BegA", schema.Feedback, "create", "answer_to a list", answer(a, []string{f.FeedbackA.Id, f.FeedbackB.Id}, f.BegA.Id), false},
		{"BegA", schema.Feedback, "create", "answer_to a list, own note last", answer(a, []string{f.FeedbackB.Id, f.FeedbackA.Id}, f.BegA.Id), false},
		{"BegA", schema.Feedback, "create", "answer_to repeated", answer(a, []string{f.FeedbackA.Id, f.FeedbackA.Id}, f.BegA.Id), false},
		{"BegA", schema.Feedback, "create", "answer as BegAB", answer(a, f.FeedbackA.Id, f.BegAB.Id), false},
		{"BegA", schema.Feedback, "create", "answer as AdvA", answer(a, f.FeedbackA.Id, f.AdvA.Id), false},
		{"BegA", schema.Feedback, "create", "answer to an answer", answer(a, f.AnswerA.Id, f.BegA.Id), false},
		{"AdvA", schema.Feedback, "create", "answer to an answer", answer(a, f.AnswerA.Id, f.AdvA.Id), false},
		{"AdvA", schema.Feedback, "create", "answer in team B", answer(b, f.FeedbackB.Id, f.AdvA.Id), false},
		{"AdvA", schema.Feedback, "create", "team A, answers B's note", answer(a, f.FeedbackB.Id, f.AdvA.Id), false},
		{"ClientA", schema.Feedback, "create", "answer as BegA", answer(a, f.FeedbackA.Id, f.BegA.Id), false},
		{"ClientA", schema.Feedback, "create", "answer as self", answer(a, f.FeedbackA.Id, f.ClientA.Id), false},
		{"BegA", schema.Feedback, "update", "FeedbackA", map[string]any{"text": "Niet mooi"}, false},
		{"BegA", schema.Feedback, "update", "FeedbackAB", map[string]any{"answer_to": f.FeedbackA.Id}, false},
		{"BegAB", schema.Feedback, "update", "AnswerA", map[string]any{"text": "Anders"}, false},
		{"BegAB", schema.Feedback, "delete", "AnswerA", nil, false},
		{"AdvA", schema.Feedback, "update", "AnswerA", map[string]any{"text": "Anders"}, false},
		{"AdvA", schema.Feedback, "delete", "AnswerA", nil, false},
		{"BegA", schema.Feedback, "update", "AnswerA", map[string]any{"team": b}, false},
		{"BegA", schema.Feedback, "update", "AnswerA", map[string]any{"team": b, "answer_to": f.FeedbackB.Id}, false},
		{"BegA", schema.Feedback, "update", "AnswerA", map[string]any{"answer_to": f.FeedbackAB.Id}, false},
		{"BegA", schema.Feedback, "update", "AnswerA", map[string]any{"answer_to": ""}, false},
		{"BegA", schema.Feedback, "update", "AnswerA", map[string]any{"author": f.BegAB.Id}, false},
		{"BegA", schema.Feedback, "update", "AnswerA", map[string]any{"team": a, "author": f.BegA.Id, "answer_to": f.FeedbackA.Id, "text": "Zelfde plek"}, true},
		{"AdvA", schema.Feedback, "update", "FeedbackA", map[string]any{"answer_to": f.FeedbackAB.Id}, false},
		{"ClientA", schema.Feedback, "update", "AnswerA", map[string]any{"text": "x"}, false},
		{"ClientA", schema.Goals, "create", "for ClientA2", map[string]any{"client": f.ClientA2.Id, "title": "x"}, false},
		{"ClientA2", schema.Observations, "create", "on SafariA", map[string]any{"safari": f.SafariA.Id, "kind": "place",
			"title": "x", "author_client": f.ClientA2.Id}, false},
		{"ClientA", schema.Media, "create", "on BegA's observation", map[string]any{"observation": f.ObsA.Id,
			"sha256": strings.Repeat("cd", 32), "size": 1}, false},
		{"Coord", schema.Safaris, "update", "SafariA", map[string]any{"title": "x"}, false},
		{"Coord", schema.Goals, "update", "GoalA", map[string]any{"title": "x"}, false},
		{"AdvA", schema.SyncConflicts, "update", "ConflictGoalA", map[string]any{"resolved": true}, false},
	}
	for _, c := range cases {
		rs := rules[c.collection]
		wr := write{collection: c.collection, op: c.op, by: c.by, target: c.target, body: c.body, allowed: c.allowed,
			headers: map[string]string{}}
		if c.by != anon {
			wr.headers["Authorization"] = f.token(t, c.by)
		}
		switch c.op {
		case "create":
			wr.rule = rs.Create
		case "update":
			wr.rule, wr.id = rs.Update, f.rec(t, c.target).Id
		case "delete":
			wr.rule, wr.id = rs.Delete, f.rec(t, c.target).Id
		}
		t.Run(wr.name(), func(t *testing.T) { t.Parallel(); wr.scenario(f).Test(t) })
	}
}

// answer is the body of an answer to note (an id, or a list to try), in
// team, by author.
func answer(team string, note any, author string) map[string]any {
	return map[string]any{"team": team, "answer_to": note, "author": author, "text": "Goed punt."}
}
