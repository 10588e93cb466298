package servertest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// World is a small organisation with two teams, A and B, and one record of
// every kind per team, named so tests read like the domain table:
//
//	team A: begeleider BegA, teamadviseur AdvA, clients ClientA (in SafariA)
//	        and ClientA2 (not in SafariA); coordinator Coord sees all.
//	team B: the same with B. AdvAB advises both teams.
type World struct {
	TeamA, TeamB                         *core.Record
	BegA, BegB, AdvA, AdvB, AdvAB, Coord *core.Record
	ClientA, ClientA2, ClientB           *core.Record
	SafariA, SafariB                     *core.Record
	ObsA, ObsB                           *core.Record // by BegA / BegB
	ObsByClientA                         *core.Record // on SafariA, by ClientA
	MediaA, MediaB                       *core.Record
	GoalA, GoalA2, GoalB                 *core.Record // of ClientA, ClientA2, ClientB
	StepA, StepB                         *core.Record
	ContactA, ContactB                   *core.Record
	FeedbackA, FeedbackB                 *core.Record // by AdvA / AdvB
	ConflictGoalA, ConflictSafariA       *core.Record
}

// Password is the password of every person in the World.
const Password = "wachtwoord123"

// NewWorld fills app with the World. Every record is saved through the
// normal path, so versions and the change feed are as in production.
func NewWorld(tb testing.TB, app core.App) *World {
	tb.Helper()
	w := &World{}
	save := func(collection string, fields map[string]any) *core.Record {
		tb.Helper()
		c, err := app.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			tb.Fatalf("collection %s: %v", collection, err)
		}
		r := core.NewRecord(c)
		for k, v := range fields {
			r.Set(k, v)
		}
		if c.IsAuth() {
			r.SetPassword(Password)
		}
		if err := app.Save(r); err != nil {
			tb.Fatalf("save %s %v: %v", collection, fields, err)
		}
		return r
	}
	staff := func(email, name, role string, teams, advises []string) *core.Record {
		return save(schema.Users, map[string]any{"email": email, "name": name, "role": role, "teams": teams, "advises": advises})
	}

	w.TeamA = save(schema.Teams, map[string]any{"name": "Team Noord", "area": "Deventer-Noord"})
	w.TeamB = save(schema.Teams, map[string]any{"name": "Team Zuid", "area": "Deventer-Zuid"})
	a, b := w.TeamA.Id, w.TeamB.Id

	w.BegA = staff("bega@example.nl", "Anouk", schema.RoleBegeleider, []string{a}, nil)
	w.BegB = staff("begb@example.nl", "Bram", schema.RoleBegeleider, []string{b}, nil)
	w.AdvA = staff("adva@example.nl", "Ada", schema.RoleTeamadviseur, nil, []string{a})
	w.AdvB = staff("advb@example.nl", "Bert", schema.RoleTeamadviseur, nil, []string{b})
	w.AdvAB = staff("advab@example.nl", "Cees", schema.RoleTeamadviseur, nil, []string{a, b})
	w.Coord = staff("coord@example.nl", "Carla", schema.RoleCoordinator, nil, nil)

	client := func(username, name, team string) *core.Record {
		return save(schema.Clients, map[string]any{"username": username, "name": name, "team": team})
	}
	w.ClientA = client("jan", "Jan", a)
	w.ClientA2 = client("fatima", "Fatima", a)
	w.ClientB = client("piet", "Piet", b)

	w.SafariA = save(schema.Safaris, map[string]any{"team": a, "title": "Rondje Knutselwijk", "clients": []string{w.ClientA.Id},
		"begeleiders": []string{w.BegA.Id}, "questions": []string{"Waar kun je gratis koffie drinken?"}, "status": "done"})
	w.SafariB = save(schema.Safaris, map[string]any{"team": b, "title": "Langs de IJssel", "clients": []string{w.ClientB.Id}, "status": "planned"})

	w.ObsA = save(schema.Observations, map[string]any{"safari": w.SafariA.Id, "kind": "meeting_place", "title": "Buurthuis De Kei", "threshold": "low", "author_user": w.BegA.Id})
	w.ObsB = save(schema.Observations, map[string]any{"safari": w.SafariB.Id, "kind": "facility", "title": "Bibliotheek", "author_user": w.BegB.Id})
	w.ObsByClientA = save(schema.Observations, map[string]any{"safari": w.SafariA.Id, "kind": "initiative", "title": "Repair café", "author_client": w.ClientA.Id})

	sha := "0000000000000000000000000000000000000000000000000000000000000000"
	w.MediaA = save(schema.Media, map[string]any{"observation": w.ObsA.Id, "sha256": sha, "size": 10, "content_type": "image/jpeg", "status": "pending"})
	w.MediaB = save(schema.Media, map[string]any{"observation": w.ObsB.Id, "sha256": sha, "size": 10, "content_type": "image/jpeg", "status": "pending"})

	w.GoalA = save(schema.Goals, map[string]any{"client": w.ClientA.Id, "title": "Weer zelf boodschappen doen", "life_domain": "living", "status": "active"})
	w.GoalA2 = save(schema.Goals, map[string]any{"client": w.ClientA2.Id, "title": "Vrijwilligerswerk vinden", "life_domain": "daytime_activity", "status": "idea"})
	w.GoalB = save(schema.Goals, map[string]any{"client": w.ClientB.Id, "title": "Mijn schulden op een rij", "life_domain": "finances", "status": "active"})

	w.ContactA = save(schema.NetworkContacts, map[string]any{"client": w.ClientA.Id, "name": "Zus Marieke", "relation": "family", "circle": 1, "status": "active"})
	w.ContactB = save(schema.NetworkContacts, map[string]any{"client": w.ClientB.Id, "name": "Buurman Kees", "relation": "neighbour", "circle": 2, "status": "dormant"})

	w.StepA = save(schema.GoalSteps, map[string]any{"goal": w.GoalA.Id, "description": "Samen met Marieke naar de markt", "carried_by": "network", "contact": w.ContactA.Id})
	w.StepB = save(schema.GoalSteps, map[string]any{"goal": w.GoalB.Id, "description": "Afspraak bij schuldhulp maken", "carried_by": "client"})

	w.FeedbackA = save(schema.Feedback, map[string]any{"team": a, "author": w.AdvA.Id, "kind": "appreciation", "text": "Mooie route!", "safari": w.SafariA.Id})
	w.FeedbackB = save(schema.Feedback, map[string]any{"team": b, "author": w.AdvB.Id, "kind": "question", "text": "Wie kent de bibliothecaris?"})

	conflict := func(target *core.Record, field string) *core.Record {
		scope, err := schema.ScopeOf(app.DB(), target.Collection().Name, target.Id)
		if err != nil {
			tb.Fatalf("scope of %s: %v", target.Id, err)
		}
		c, _ := app.FindCachedCollectionByNameOrId(schema.SyncConflicts)
		r := core.NewRecord(c)
		r.Set("collection", target.Collection().Name)
		r.Set("record", target.Id)
		r.Set("field", field)
		r.Set("kept_value", target.Get(field))
		r.Set("lost_value", "oude tekst")
		r.Set("reason", "same_field")
		schema.SetConflictScope(r, scope)
		if err := app.Save(r); err != nil {
			tb.Fatalf("save conflict: %v", err)
		}
		return r
	}
	w.ConflictGoalA = conflict(w.GoalA, "title")
	w.ConflictSafariA = conflict(w.SafariA, "title")
	return w
}

// Token returns a PocketBase auth token for a person of the World.
func Token(tb testing.TB, person *core.Record) string {
	tb.Helper()
	tok, err := person.NewAuthToken()
	if err != nil {
		tb.Fatalf("token for %s: %v", person.Id, err)
	}
	return tok
}
