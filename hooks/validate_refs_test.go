package hooks_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
)

// TestCrossTeamReferences: relations stay inside the team, whoever writes.
func TestCrossTeamReferences(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	w := servertest.NewWorld(t, app)

	cases := []struct {
		name   string
		record *core.Record
		field  string
		value  any
		ok     bool
	}{
		{"safari begeleider of own team", w.SafariA, "begeleiders", []string{w.BegA.Id}, true},
		{"safari begeleider of another team", w.SafariA, "begeleiders", []string{w.BegB.Id}, false},
		{"safari begeleider who is an adviser", w.SafariA, "begeleiders", []string{w.AdvA.Id}, false},
		{"safari moved with a participant of the old team", w.SafariA, "team", w.TeamB.Id, false},
		{"observation with its own photo", w.ObsA, "photos", []string{w.MediaA.Id}, true},
		{"observation with another team's photo", w.ObsA, "photos", []string{w.MediaB.Id}, false},
		{"step using the team's observation", w.StepA, "observation", w.ObsA.Id, true},
		{"step using another team's observation", w.StepA, "observation", w.ObsB.Id, false},
	}
	for _, c := range cases {
		r, err := app.FindRecordById(c.record.Collection(), c.record.Id)
		if err != nil {
			t.Fatal(err)
		}
		before := r.GetInt("version")
		r.Set(c.field, c.value)
		err = app.Save(r)
		if got := err == nil; got != c.ok {
			t.Fatalf("%s: saved=%v, want %v (err %v)", c.name, got, c.ok, err)
		}
		fresh, _ := app.FindRecordById(c.record.Collection(), c.record.Id)
		if !c.ok && fresh.GetInt("version") != before {
			t.Fatalf("%s: refused write changed the record", c.name)
		}
	}
}
