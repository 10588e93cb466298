package schema_test

import (
	"strings"
	"testing"

	"github.com/samenspel/samenspel/schema"
)

// TestRulesEscalation: the matrix patches harmless fields; these writes
// try to change what decides access itself: one's own role, teams or
// advised teams, a record's team, a review note's author. Each refused one
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
		}
		t.Run(wr.name(), func(t *testing.T) { t.Parallel(); wr.scenario(f).Test(t) })
	}
}
