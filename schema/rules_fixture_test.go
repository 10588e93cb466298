package schema_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// fixture is the World plus the few records the permission matrix needs
// and the World lacks: an empty team a coordinator can delete, a colleague
// of BegA in both teams, a superuser, a photo on ClientA's own
// observation, feedback by AdvAB, BegA's answer to AdvA's feedback,
// conflicts about a team and about team B's safari, devices and rejected pushes of a staff member and a client.
// StepA also uses ObsA, so goal_steps_via_observation has something to leak.
type fixture struct {
	*servertest.World
	TeamC, BegAB, Super             *core.Record
	MediaByClientA, FeedbackAB      *core.Record
	AnswerA                         *core.Record // BegA's answer to FeedbackA
	ConflictTeamA, ConflictSafariB  *core.Record
	DeviceBegA, DeviceClientA       *core.Record
	RejectionBegA, RejectionClientA *core.Record

	byName map[string]*core.Record
}

// MustFixture adds the fixture's records to an app that holds w. They are
// saved without passwords being hashed again (bcrypt is slow): BegAB and
// Super get Coord's password hash.
func MustFixture(tb testing.TB, app core.App, w *servertest.World) *fixture {
	tb.Helper()
	f := &fixture{World: w}
	// Ids (and the superuser's token key) are fixed, so scenarios can be
	// written down before the app they run against exists.
	save := func(name, collection string, fields map[string]any) *core.Record {
		tb.Helper()
		c, err := app.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			tb.Fatalf("collection %s: %v", collection, err)
		}
		r := core.NewRecord(c)
		r.Id = fixtureID(name)
		for k, v := range fields {
			r.Set(k, v)
		}
		if c.IsAuth() {
			r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: w.Coord.GetString(core.FieldNamePassword + ":hash")})
			r.SetTokenKey("fixture-token-key-" + r.Id + "-0123456789")
		}
		if err := app.Save(r); err != nil {
			tb.Fatalf("save %s %v: %v", collection, fields, err)
		}
		return r
	}
	conflict := func(name string, target *core.Record, field string) *core.Record {
		tb.Helper()
		scope, err := schema.ScopeOf(app.DB(), target.Collection().Name, target.Id)
		if err != nil {
			tb.Fatalf("scope of %s: %v", target.Id, err)
		}
		c, _ := app.FindCachedCollectionByNameOrId(schema.SyncConflicts)
		r := core.NewRecord(c)
		r.Id = fixtureID(name)
		r.Load(map[string]any{"collection": target.Collection().Name, "record": target.Id, "field": field,
			"kept_value": target.Get(field), "lost_value": "oud", "reason": "same_field"})
		schema.SetConflictScope(r, scope)
		if err := app.Save(r); err != nil {
			tb.Fatalf("save conflict: %v", err)
		}
		return r
	}
	a, b := w.TeamA.Id, w.TeamB.Id

	f.TeamC = save("TeamC", schema.Teams, map[string]any{"name": "Team Oost"})
	f.BegAB = save("BegAB", schema.Users, map[string]any{"email": "begab@example.nl", "name": "Daan", "role": schema.RoleBegeleider, "teams": []string{a, b}})
	f.Super = save("Super", core.CollectionNameSuperusers, map[string]any{"email": "super@example.nl"})
	f.MediaByClientA = save("MediaByClientA", schema.Media, map[string]any{"observation": w.ObsByClientA.Id, "sha256": strings.Repeat("ab", 32), "size": 20, "status": "pending"})
	f.FeedbackAB = save("FeedbackAB", schema.Feedback, map[string]any{"team": a, "author": w.AdvAB.Id, "observation": w.ObsA.Id, "kind": "suggestion", "text": "Vraag de buurtsportcoach mee."})
	f.AnswerA = save("AnswerA", schema.Feedback, map[string]any{"team": a, "author": w.BegA.Id, "answer_to": w.FeedbackA.Id, "text": "Dank je, we gaan er weer heen."})
	f.ConflictTeamA = conflict("ConflictTeamA", w.TeamA, "name")
	f.ConflictSafariB = conflict("ConflictSafariB", w.SafariB, "title")
	f.DeviceBegA = save("DeviceBegA", schema.SyncDevices, map[string]any{"device_id": "phone-bega", "owner_collection": schema.Users, "owner": w.BegA.Id, "schema_version": 1})
	f.DeviceClientA = save("DeviceClientA", schema.SyncDevices, map[string]any{"device_id": "phone-jan", "owner_collection": schema.Clients, "owner": w.ClientA.Id, "schema_version": 1})
	f.RejectionBegA = save("RejectionBegA", schema.SyncRejections, map[string]any{"device_id": "phone-bega", "mutation_id": "m1", "person_collection": schema.Users, "person": w.BegA.Id})
	f.RejectionClientA = save("RejectionClientA", schema.SyncRejections, map[string]any{"device_id": "phone-jan", "mutation_id": "m1", "person_collection": schema.Clients, "person": w.ClientA.Id})

	w.StepA.Set(schema.FieldObservation, w.ObsA.Id)
	if err := app.Save(w.StepA); err != nil {
		tb.Fatalf("step uses observation: %v", err)
	}

	f.byName = map[string]*core.Record{}
	for _, v := range []reflect.Value{reflect.ValueOf(w).Elem(), reflect.ValueOf(f).Elem()} {
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if r, ok := v.Field(i).Interface().(*core.Record); ok && r != nil {
				f.byName[v.Type().Field(i).Name] = r
			}
		}
	}
	return f
}

// The fixture is built once per test binary and copied for every test and
// scenario (its saves cost as much as copying the data dir).
var fixtureTemplate struct {
	once sync.Once
	dir  string
	f    *fixture
	err  error
}

// newUncleanedFixtureApp returns a fresh app holding the fixture, for
// tests.ApiScenario factories, and the fixture: its ids and tokens are
// valid in the app (its records belong to the closed template app; read
// current values from the app).
func newUncleanedFixtureApp(tb testing.TB) (*tests.TestApp, *fixture) {
	tb.Helper()
	fixtureTemplate.once.Do(func() {
		// MustFixture fails with tb.Fatalf, which ends this goroutine inside Do.
		fixtureTemplate.err = errors.New("building the fixture template failed (see the first test that asked for it)")
		app, w := servertest.NewUncleanedWorldApp(tb)
		f := MustFixture(tb, app, w)
		dir := app.DataDir()
		if err := app.ResetBootstrapState(); err != nil {
			fixtureTemplate.err = err
			return
		}
		fixtureTemplate.dir, fixtureTemplate.f, fixtureTemplate.err = dir, f, nil
	})
	if fixtureTemplate.err != nil {
		tb.Fatalf("fixture template: %v", fixtureTemplate.err)
	}
	return servertest.NewUncleanedAppFrom(tb, fixtureTemplate.dir), fixtureTemplate.f
}

// newFixtureApp is newUncleanedFixtureApp, cleaned up when the test ends.
func newFixtureApp(tb testing.TB) (*tests.TestApp, *fixture) {
	tb.Helper()
	app, f := newUncleanedFixtureApp(tb)
	tb.Cleanup(app.Cleanup)
	return app, f
}

// fixtureID makes a valid, stable record id from a fixture name.
func fixtureID(name string) string {
	return (strings.ToLower(name) + strings.Repeat("0", 15))[:15]
}

// rec returns the record of a fixture name ("BegA", "GoalA2"); "anon" is
// nobody (nil).
func (f *fixture) rec(tb testing.TB, name string) *core.Record {
	tb.Helper()
	if name == anon {
		return nil
	}
	r, ok := f.byName[name]
	if !ok {
		tb.Fatalf("no record named %q in the fixture", name)
	}
	return r
}

// names returns the names of the fixture's records of one collection.
func (f *fixture) names(collection string) []string {
	var out []string
	for name, r := range f.byName {
		if r.Collection().Name == collection {
			out = append(out, name)
		}
	}
	return out
}

// nameOf maps a record id back to its fixture name, for readable failures.
func (f *fixture) nameOf(id string) string {
	for name, r := range f.byName {
		if r.Id == id {
			return name
		}
	}
	return id
}

// token returns the Authorization header value for a person ("" for anon).
func (f *fixture) token(tb testing.TB, name string) string {
	tb.Helper()
	if name == anon {
		return ""
	}
	return servertest.Token(tb, f.rec(tb, name))
}

// feedSeq is the change feed's position (sync_state.seq).
func feedSeq(tb testing.TB, app core.App) int64 {
	tb.Helper()
	var seq int64
	if err := app.DB().NewQuery("SELECT seq FROM sync_state WHERE id = 1").Row(&seq); err != nil {
		tb.Fatalf("feed seq: %v", err)
	}
	return seq
}

// dbState is every row of every collection of ours, so a refused write can
// be shown to have changed nothing at all.
type dbState map[string]map[string]string // collection -> id -> row

func mustDBState(tb testing.TB, app core.App) dbState {
	tb.Helper()
	s := dbState{}
	for name := range schema.Rules() {
		rows := []dbx.NullStringMap{}
		if err := app.DB().NewQuery("SELECT * FROM " + name).All(&rows); err != nil {
			tb.Fatalf("read %s: %v", name, err)
		}
		s[name] = map[string]string{}
		for _, row := range rows {
			var b strings.Builder
			for _, col := range sortedKeys(row) {
				b.WriteString(col + "=" + row[col].String + ";")
			}
			s[name][row["id"].String] = b.String()
		}
	}
	return s
}

// diff names the first difference between two states, "" if none.
func (s dbState) diff(other dbState) string {
	for c, rows := range s {
		if len(rows) != len(other[c]) {
			return c + ": row count changed"
		}
		for id, row := range rows {
			if other[c][id] != row {
				return c + "/" + id + " changed"
			}
		}
	}
	return ""
}

func sortedKeys(m dbx.NullStringMap) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
