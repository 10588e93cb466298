package schema_test

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// The permission matrix: what each person of the fixture may do in each
// collection, written once. It is docs/domain.md's "Who sees and writes what"
// plus the choices of rules.go; the tests in rules_test.go turn it into
// several hundred REST calls. Every person has an entry for every
// collection; an empty entry means: sees nothing, writes nothing.
//
// Names are fixture names (servertest.World plus fixture). Per entry:
//
//	read    the records the person lists (exactly these) and views
//	create  the create bodies below that succeed; the others are refused
//	update  the records the person may PATCH (with the collection's patch)
//	del     the records the person may DELETE
//
// everything ("*") is the superuser's entry: all of it.

const (
	anon       = "anon"
	everything = "*"
)

// persons are the people the matrix is about: one of each role, and the
// ones whose differences matter (AdvAB advises both teams; ClientA2 is in
// team A but not on SafariA and has their own plan).
var persons = []string{anon, "Super", "Coord", "BegA", "AdvA", "AdvAB", "ClientA", "ClientA2"}

type perms struct{ read, create, update, del string }

var all = perms{read: everything, create: everything, update: everything, del: everything}

var matrix = map[string]map[string]perms{
	schema.Teams: {
		anon: {}, "Super": all,
		"Coord":   {read: "TeamA TeamB TeamC", create: "TeamNew", update: "TeamA TeamB TeamC", del: "TeamA TeamB TeamC"},
		"BegA":    {read: "TeamA"},
		"AdvA":    {read: "TeamA"},
		"AdvAB":   {read: "TeamA TeamB"},
		"ClientA": {read: "TeamA"}, "ClientA2": {read: "TeamA"},
	},
	schema.Users: {
		anon: {}, "Super": all,
		"Coord": {read: "BegA BegB BegAB AdvA AdvB AdvAB Coord", create: "BegNew",
			update: "BegA BegB BegAB AdvA AdvB AdvAB Coord", del: "BegA BegB BegAB AdvA AdvB AdvAB Coord"},
		"BegA":  {read: "BegA BegAB", update: "BegA"}, // colleagues sharing a team
		"AdvA":  {read: "AdvA", update: "AdvA"},
		"AdvAB": {read: "AdvAB", update: "AdvAB"},
		// Clients read their own team's begeleiders (name and role only:
		// the other fields are hidden, see hooks/hide_test.go).
		"ClientA": {read: "BegA BegAB"}, "ClientA2": {read: "BegA BegAB"},
	},
	schema.Clients: {
		anon: {}, "Super": all,
		"Coord": {read: "ClientA ClientA2 ClientB", create: "ClientInA ClientInB",
			update: "ClientA ClientA2 ClientB", del: "ClientA ClientA2 ClientB"},
		"BegA":     {read: "ClientA ClientA2", create: "ClientInA", update: "ClientA ClientA2", del: "ClientA ClientA2"},
		"AdvA":     {},
		"AdvAB":    {},
		"ClientA":  {read: "ClientA", update: "ClientA"},
		"ClientA2": {read: "ClientA2", update: "ClientA2"},
	},
	schema.Safaris: {
		anon: {}, "Super": all,
		"Coord":    {read: "SafariA SafariB"},
		"BegA":     {read: "SafariA", create: "SafariInA", update: "SafariA", del: "SafariA"},
		"AdvA":     {read: "SafariA"},
		"AdvAB":    {read: "SafariA SafariB"},
		"ClientA":  {read: "SafariA"},
		"ClientA2": {}, // in team A, but not on SafariA
	},
	schema.Observations: {
		anon: {}, "Super": all,
		"Coord": {read: "ObsA ObsB ObsByClientA"},
		"BegA": {read: "ObsA ObsByClientA", create: "ObsOnSafariA",
			update: "ObsA ObsByClientA", del: "ObsA ObsByClientA"},
		"AdvA":     {read: "ObsA ObsByClientA"},
		"AdvAB":    {read: "ObsA ObsB ObsByClientA"},
		"ClientA":  {read: "ObsA ObsByClientA", create: "ObsOnSafariA", update: "ObsByClientA", del: "ObsByClientA"},
		"ClientA2": {},
	},
	schema.Media: {
		anon: {}, "Super": all,
		"Coord": {read: "MediaA MediaB MediaByClientA"},
		"BegA": {read: "MediaA MediaByClientA", create: "PhotoOnObsA PhotoOnObsByClientA",
			update: "MediaA MediaByClientA", del: "MediaA MediaByClientA"},
		"AdvA":  {read: "MediaA MediaByClientA"},
		"AdvAB": {read: "MediaA MediaB MediaByClientA"},
		"ClientA": {read: "MediaA MediaByClientA", create: "PhotoOnObsByClientA",
			update: "MediaByClientA", del: "MediaByClientA"}, // photos on their own observations
		"ClientA2": {},
	},
	schema.Goals: {
		anon: {}, "Super": all,
		"Coord": {read: "GoalA GoalA2 GoalB"},
		"BegA": {read: "GoalA GoalA2", create: "GoalForClientA GoalForClientA2",
			update: "GoalA GoalA2", del: "GoalA GoalA2"},
		"AdvA": {}, "AdvAB": {}, // aggregates only
		"ClientA":  {read: "GoalA", create: "GoalForClientA", update: "GoalA", del: "GoalA"},
		"ClientA2": {read: "GoalA2", create: "GoalForClientA2", update: "GoalA2", del: "GoalA2"},
	},
	schema.GoalSteps: {
		anon: {}, "Super": all,
		"Coord":    {read: "StepA StepB"},
		"BegA":     {read: "StepA", create: "StepOnGoalA StepOnGoalA2", update: "StepA", del: "StepA"},
		"AdvA":     {},
		"AdvAB":    {},
		"ClientA":  {read: "StepA", create: "StepOnGoalA", update: "StepA", del: "StepA"},
		"ClientA2": {create: "StepOnGoalA2"},
	},
	schema.NetworkContacts: {
		anon: {}, "Super": all,
		"Coord": {read: "ContactA ContactB"},
		"BegA": {read: "ContactA", create: "ContactForClientA ContactForClientA2",
			update: "ContactA", del: "ContactA"},
		"AdvA":     {},
		"AdvAB":    {},
		"ClientA":  {read: "ContactA", create: "ContactForClientA", update: "ContactA", del: "ContactA"},
		"ClientA2": {create: "ContactForClientA2"},
	},
	// Begeleiders answer their team's notes and change only their own
	// answers; teamadviseurs write notes and answer, in advised teams.
	schema.Feedback: {
		anon: {}, "Super": all,
		"Coord": {read: "FeedbackA FeedbackB FeedbackAB AnswerA"},
		"BegA": {read: "FeedbackA FeedbackAB AnswerA", create: "AnswerToFeedbackA AnswerToFeedbackAB",
			update: "AnswerA", del: "AnswerA"},
		"AdvA": {read: "FeedbackA FeedbackAB AnswerA", create: "FeedbackOnTeamA AnswerToFeedbackA AnswerToFeedbackAB",
			update: "FeedbackA", del: "FeedbackA"},
		"AdvAB": {read: "FeedbackA FeedbackB FeedbackAB AnswerA",
			create: "FeedbackOnTeamA FeedbackOnTeamB AnswerToFeedbackA AnswerToFeedbackAB AnswerToFeedbackB",
			update: "FeedbackAB", del: "FeedbackAB"}, // only their own
		"ClientA": {}, "ClientA2": {},
	},
	// Whoever sees a conflict may mark it resolved; nobody creates or
	// deletes one through the API.
	schema.SyncConflicts: {
		anon: {}, "Super": all,
		"Coord": {read: "ConflictGoalA ConflictSafariA ConflictTeamA ConflictSafariB",
			update: "ConflictGoalA ConflictSafariA ConflictTeamA ConflictSafariB"},
		"BegA": {read: "ConflictGoalA ConflictSafariA ConflictTeamA",
			update: "ConflictGoalA ConflictSafariA ConflictTeamA"},
		"AdvA": {read: "ConflictSafariA ConflictTeamA", update: "ConflictSafariA ConflictTeamA"},
		"AdvAB": {read: "ConflictSafariA ConflictTeamA ConflictSafariB",
			update: "ConflictSafariA ConflictTeamA ConflictSafariB"},
		"ClientA": {read: "ConflictGoalA ConflictSafariA ConflictTeamA",
			update: "ConflictGoalA ConflictSafariA ConflictTeamA"},
		"ClientA2": {read: "ConflictTeamA", update: "ConflictTeamA"},
	},
	schema.SyncDevices: {
		anon: {}, "Super": all,
		"Coord":   {read: "DeviceBegA DeviceClientA"},
		"BegA":    {read: "DeviceBegA"},
		"AdvA":    {},
		"AdvAB":   {},
		"ClientA": {read: "DeviceClientA"}, "ClientA2": {},
	},
	schema.SyncRejections: {
		anon: {}, "Super": all,
		"Coord":   {read: "RejectionBegA RejectionClientA"},
		"BegA":    {read: "RejectionBegA"},
		"AdvA":    {},
		"AdvAB":   {},
		"ClientA": {read: "RejectionClientA"}, "ClientA2": {},
	},
}

// pinned records cannot be deleted by anyone while a required relation
// points at them (clients at their team, feedback and answers at their
// author): a permitted delete of one answers 400 and changes nothing.
var pinned = map[string]bool{"TeamA": true, "TeamB": true, "AdvA": true, "AdvB": true, "AdvAB": true, "BegA": true}

// body builds a create request body for the person creating it (nil for
// anonymous), honest about authorship: the author is the creator.
type body func(f *fixture, by *core.Record) map[string]any

// creates are the create bodies of each collection, by name.
var creates = map[string]map[string]body{
	schema.Teams: {"TeamNew": func(*fixture, *core.Record) map[string]any { return map[string]any{"name": "Team West"} }},
	schema.Users: {"BegNew": func(f *fixture, _ *core.Record) map[string]any {
		return map[string]any{"email": "nieuw@example.nl", "password": "wachtwoord123", "passwordConfirm": "wachtwoord123",
			"name": "Nina", "role": schema.RoleBegeleider, "teams": []string{f.TeamA.Id}}
	}},
	schema.Clients: {
		"ClientInA": newClient("TeamA"),
		"ClientInB": newClient("TeamB"),
	},
	schema.Safaris: {
		"SafariInA": func(f *fixture, _ *core.Record) map[string]any {
			return map[string]any{"team": f.TeamA.Id, "title": "Rondje markt"}
		},
		"SafariInB": func(f *fixture, _ *core.Record) map[string]any {
			return map[string]any{"team": f.TeamB.Id, "title": "Rondje haven"}
		},
	},
	schema.Observations: {
		"ObsOnSafariA": newObservation("SafariA"),
		"ObsOnSafariB": newObservation("SafariB"),
	},
	schema.Media: {
		"PhotoOnObsA":         newPhoto("ObsA"),
		"PhotoOnObsB":         newPhoto("ObsB"),
		"PhotoOnObsByClientA": newPhoto("ObsByClientA"),
	},
	schema.Goals: {
		"GoalForClientA":  newPlanItem("ClientA", "title", "Elke week zwemmen"),
		"GoalForClientA2": newPlanItem("ClientA2", "title", "Elke week zwemmen"),
		"GoalForClientB":  newPlanItem("ClientB", "title", "Elke week zwemmen"),
	},
	schema.NetworkContacts: {
		"ContactForClientA":  newPlanItem("ClientA", "name", "Oom Henk", "relation", "family", "circle", 2),
		"ContactForClientA2": newPlanItem("ClientA2", "name", "Oom Henk", "relation", "family", "circle", 2),
		"ContactForClientB":  newPlanItem("ClientB", "name", "Oom Henk", "relation", "family", "circle", 2),
	},
	schema.GoalSteps: {
		"StepOnGoalA":  newStep("GoalA"),
		"StepOnGoalA2": newStep("GoalA2"),
		"StepOnGoalB":  newStep("GoalB"),
	},
	schema.Feedback: {
		"FeedbackOnTeamA": newFeedback("TeamA"),
		"FeedbackOnTeamB": newFeedback("TeamB"),
		// An answer's team is the note's: honest bodies, so what decides
		// is who may answer where.
		"AnswerToFeedbackA":  newAnswer("FeedbackA"),
		"AnswerToFeedbackAB": newAnswer("FeedbackAB"),
		"AnswerToFeedbackB":  newAnswer("FeedbackB"),
	},
	schema.SyncConflicts: {"ConflictNew": func(f *fixture, _ *core.Record) map[string]any {
		return map[string]any{"collection": schema.Goals, "record": f.GoalA.Id, "field": "title", "lost_value": "x",
			"team": f.TeamA.Id, "audience": schema.AudiencePlans, "clients": []string{f.ClientA.Id}}
	}},
	schema.SyncDevices: {"DeviceNew": func(f *fixture, _ *core.Record) map[string]any {
		return map[string]any{"device_id": "phone-new", "owner_collection": schema.Users, "owner": f.BegA.Id, "schema_version": 1}
	}},
	schema.SyncRejections: {"RejectionNew": func(f *fixture, _ *core.Record) map[string]any {
		return map[string]any{"device_id": "phone-new", "mutation_id": "m9", "person_collection": schema.Users, "person": f.BegA.Id}
	}},
}

// patches are the harmless changes each collection's update scenarios send.
var patches = map[string]map[string]any{
	schema.Teams:           {"name": "Team Noord-Oost"},
	schema.Users:           {"name": "Nieuwe Naam"},
	schema.Clients:         {"name": "Nieuwe Naam"},
	schema.Safaris:         {"title": "Nieuwe titel"},
	schema.Observations:    {"note": "Open op dinsdag"},
	schema.Media:           {"status": "pending"}, // bytes and status are the server's; people may only resave
	schema.Goals:           {"why": "Zelfstandig blijven"},
	schema.GoalSteps:       {"status": "doing"},
	schema.NetworkContacts: {"note": "Belt op zondag"},
	schema.Feedback:        {"text": "Nieuwe tekst"},
	schema.SyncConflicts:   {"resolved": true},
	schema.SyncDevices:     {"platform": "android"},
	schema.SyncRejections:  {"handled": true},
}

func newClient(team string) body {
	return func(f *fixture, _ *core.Record) map[string]any {
		return map[string]any{"username": "nieuw-" + strings.ToLower(team), "password": "wachtwoord123",
			"passwordConfirm": "wachtwoord123", "name": "Nieuw", "team": f.byName[team].Id}
	}
}

// author sets the author of an observation to its creator; a superuser or
// anonymous caller writes in BegA's name.
func author(f *fixture, by *core.Record, fields map[string]any) map[string]any {
	switch {
	case by != nil && by.Collection().Name == schema.Clients:
		fields[schema.FieldAuthorClient] = by.Id
	case by != nil && by.Collection().Name == schema.Users:
		fields[schema.FieldAuthorUser] = by.Id
	default:
		fields[schema.FieldAuthorUser] = f.BegA.Id
	}
	return fields
}

func newObservation(safari string) body {
	return func(f *fixture, by *core.Record) map[string]any {
		return author(f, by, map[string]any{"safari": f.byName[safari].Id, "kind": "place", "title": "Bankje in het park"})
	}
}

func newPhoto(observation string) body {
	return func(f *fixture, _ *core.Record) map[string]any {
		return map[string]any{"observation": f.byName[observation].Id, "sha256": strings.Repeat("cd", 32), "size": 30, "status": "pending"}
	}
}

func newPlanItem(client string, kv ...any) body {
	return func(f *fixture, _ *core.Record) map[string]any {
		m := map[string]any{"client": f.byName[client].Id}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
}

func newStep(goal string) body {
	return func(f *fixture, _ *core.Record) map[string]any {
		return map[string]any{"goal": f.byName[goal].Id, "description": "Zwembad bellen", "carried_by": "client"}
	}
}

func newFeedback(team string) body {
	return func(f *fixture, by *core.Record) map[string]any {
		writer := f.AdvA.Id
		if by != nil && by.Collection().Name == schema.Users {
			writer = by.Id
		}
		return map[string]any{"team": f.byName[team].Id, "author": writer, "kind": "question", "text": "Hoe ging het?"}
	}
}

// newAnswer answers a note, in the note's team, written by its creator
// (BegA for a superuser or anonymous caller).
func newAnswer(note string) body {
	return func(f *fixture, by *core.Record) map[string]any {
		writer := f.BegA.Id
		if by != nil && by.Collection().Name == schema.Users {
			writer = by.Id
		}
		n := f.byName[note]
		return map[string]any{"team": n.GetString("team"), "author": writer, "answer_to": n.Id, "text": "Goed idee, doen we."}
	}
}

// allows reports whether a matrix field (space-separated names or
// everything) includes name.
func allows(list, name string) bool {
	if list == everything {
		return true
	}
	for _, n := range strings.Fields(list) {
		if n == name {
			return true
		}
	}
	return false
}
