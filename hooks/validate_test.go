package hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// validation is one REST write against a fresh copy of the World. A
// refused one (status >= 400) names the field and code the API reports,
// and must change nothing: the target's version, the collection's row
// count and the change feed's position stay as they were.
type validation struct {
	name               string
	who                string // a person of the World
	method, collection string
	target             string // World record to PATCH; "" for POST
	body               func(w *servertest.World) map[string]any
	setup              func(tb testing.TB, app core.App, w *servertest.World) // before the request, as the system
	status             int
	field, code        string                                                 // for 400: the field error
	check              func(tb testing.TB, app core.App, w *servertest.World) // after a permitted write
}

func runValidations(t *testing.T, cases []validation) {
	t.Helper()
	_, w0 := servertest.NewWorldApp(t) // ids and tokens; every case runs on its own copy
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.scenario(t, w0).Test(t)
		})
	}
}

func (c validation) scenario(t *testing.T, w0 *servertest.World) *tests.ApiScenario {
	raw, err := json.Marshal(c.body(w0))
	if err != nil {
		t.Fatal(err)
	}
	url := "/api/collections/" + c.collection + "/records"
	targetID := ""
	if c.target != "" {
		targetID = record(t, w0, c.target).Id
		url += "/" + targetID
	}
	s := &tests.ApiScenario{
		Name:           fmt.Sprintf("want_%d", c.status),
		Method:         c.method,
		URL:            url,
		Body:           bytes.NewReader(raw),
		Headers:        map[string]string{"Authorization": servertest.Token(t, record(t, w0, c.who))},
		ExpectedStatus: c.status,
	}
	switch {
	case c.status == http.StatusBadRequest && c.field != "":
		s.ExpectedContent = []string{fmt.Sprintf(`"%s":{"code":"%s"`, c.field, c.code)}
	case c.status >= 400:
		s.ExpectedContent = []string{fmt.Sprintf(`"status":%d`, c.status)}
	default:
		s.ExpectedContent = []string{`"collectionName":"` + c.collection + `"`}
	}

	var w *servertest.World
	var version, rows int
	var seq int64
	s.TestAppFactory = func(tb testing.TB) *tests.TestApp {
		app, world := servertest.NewUncleanedWorldApp(tb)
		w = world
		if c.setup != nil {
			c.setup(tb, app, w)
		}
		seq, rows = feedSeq(tb, app), countRows(tb, app, c.collection)
		if targetID != "" {
			version = mustFind(tb, app, c.collection, targetID).GetInt(schema.FieldVersion)
		}
		return app
	}
	s.AfterTestFunc = func(tb testing.TB, app *tests.TestApp, res *http.Response) {
		if c.status < 400 {
			if c.check != nil {
				c.check(tb, app, w)
			}
			return
		}
		if got := feedSeq(tb, app); got != seq {
			tb.Errorf("refused write moved the change feed: %d -> %d", seq, got)
		}
		if got := countRows(tb, app, c.collection); got != rows {
			tb.Errorf("refused write: %s rows %d -> %d", c.collection, rows, got)
		}
		if targetID != "" {
			if got := mustFind(tb, app, c.collection, targetID).GetInt(schema.FieldVersion); got != version {
				tb.Errorf("refused write: version %d -> %d", version, got)
			}
		}
	}
	return s
}

// record returns the World's record by field name ("BegA", "GoalA2").
func record(tb testing.TB, w *servertest.World, name string) *core.Record {
	tb.Helper()
	v := reflect.ValueOf(w).Elem().FieldByName(name)
	r, ok := v.Interface().(*core.Record)
	if !v.IsValid() || !ok || r == nil {
		tb.Fatalf("the World has no record %q", name)
	}
	return r
}

func mustFind(tb testing.TB, app core.App, collection, id string) *core.Record {
	tb.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		tb.Fatalf("find %s/%s: %v", collection, id, err)
	}
	return r
}

// mustSave saves fields onto a World record as the system (no person).
func mustSave(tb testing.TB, app core.App, r *core.Record, fields map[string]any) {
	tb.Helper()
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		tb.Fatalf("save %s: %v", r.Id, err)
	}
}

func feedSeq(tb testing.TB, app core.App) int64 {
	tb.Helper()
	var seq int64
	if err := app.DB().NewQuery("SELECT seq FROM sync_state WHERE id = 1").Row(&seq); err != nil {
		tb.Fatalf("feed seq: %v", err)
	}
	return seq
}

func countRows(tb testing.TB, app core.App, collection string) int {
	tb.Helper()
	var n int
	if err := app.DB().Select("count(*)").From(collection).Row(&n); err != nil {
		tb.Fatalf("count %s: %v", collection, err)
	}
	return n
}

// fieldIs asserts a stored field value after a permitted write.
func fieldIs(collection, target, field string, want any) func(tb testing.TB, app core.App, w *servertest.World) {
	return func(tb testing.TB, app core.App, w *servertest.World) {
		tb.Helper()
		r := mustFind(tb, app, collection, record(tb, w, target).Id)
		if got := r.Get(field); fmt.Sprint(got) != fmt.Sprint(want) {
			tb.Errorf("%s.%s=%v, want %v", target, field, got, want)
		}
	}
}

// obs is an observation on a safari with the given author fields.
func obs(safari string, authors map[string]string) func(w *servertest.World) map[string]any {
	return func(w *servertest.World) map[string]any {
		m := map[string]any{"safari": recordID(w, safari), "kind": "place", "title": "Bankje"}
		for field, person := range authors {
			m[field] = recordID(w, person)
		}
		return m
	}
}

func recordID(w *servertest.World, name string) string {
	return reflect.ValueOf(w).Elem().FieldByName(name).Interface().(*core.Record).Id
}

// ids is a body builder for fields that name World records.
func ids(kv ...string) func(w *servertest.World) map[string]any {
	return func(w *servertest.World) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = recordID(w, kv[i+1])
		}
		return m
	}
}

// with adds literal fields to a body builder.
func with(b func(w *servertest.World) map[string]any, kv ...any) func(w *servertest.World) map[string]any {
	return func(w *servertest.World) map[string]any {
		m := b(w)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
}

func literal(kv ...any) func(w *servertest.World) map[string]any { return with(ids(), kv...) }

const agreed = "2026-05-01 10:00:00.000Z"

func TestObservationAuthor(t *testing.T) {
	t.Parallel()
	post, patch, o := http.MethodPost, http.MethodPatch, schema.Observations
	runValidations(t, []validation{
		{name: "begeleider logs as a colleague", who: "BegA", method: post, collection: o,
			body: obs("SafariA", map[string]string{"author_user": "BegB"}), status: 400, field: "author_user", code: "validation_author"},
		{name: "begeleider logs as themselves", who: "BegA", method: post, collection: o,
			body: obs("SafariA", map[string]string{"author_user": "BegA"}), status: 200},
		{name: "two authors", who: "BegA", method: post, collection: o,
			body: obs("SafariA", map[string]string{"author_user": "BegA", "author_client": "ClientA"}), status: 400, field: "author_user", code: "validation_author"},
		{name: "no author", who: "BegA", method: post, collection: o,
			body: obs("SafariA", nil), status: 400, field: "author_user", code: "validation_author"},
		{name: "client logs as themselves", who: "ClientA", method: post, collection: o,
			body: obs("SafariA", map[string]string{"author_client": "ClientA"}), status: 200},
		{name: "client logs as their begeleider", who: "ClientA", method: post, collection: o,
			body: obs("SafariA", map[string]string{"author_user": "BegA"}), status: 400, field: "author_user", code: "validation_author"},
		{name: "client logs as another client", who: "ClientA", method: post, collection: o,
			body: obs("SafariA", map[string]string{"author_client": "ClientA2"}), status: 400, field: "author_client", code: "validation_author"},
		{name: "author changed", who: "BegA", method: patch, collection: o, target: "ObsA",
			body: ids("author_user", "BegB"), status: 400, field: "author_user", code: "validation_immutable"},
		{name: "author swapped from client to staff", who: "BegA", method: patch, collection: o, target: "ObsByClientA",
			body: with(ids("author_user", "BegA"), "author_client", ""), status: 400, field: "author_user", code: "validation_immutable"},
		{name: "safari changed", who: "BegA", method: patch, collection: o, target: "ObsA",
			body: ids("safari", "SafariB"), status: 400, field: "safari", code: "validation_immutable"},
		{name: "other fields change", who: "ClientA", method: patch, collection: o, target: "ObsByClientA",
			body: literal("note", "Elke zaterdag"), status: 200, check: fieldIs(o, "ObsByClientA", "note", "Elke zaterdag")},
	})
}

func TestContactConsent(t *testing.T) {
	t.Parallel()
	post, patch, n := http.MethodPost, http.MethodPatch, schema.NetworkContacts
	contact := with(ids("client", "ClientA"), "name", "Buurvrouw Els", "relation", "neighbour", "circle", 2)
	consented := func(tb testing.TB, app core.App, w *servertest.World) {
		mustSave(tb, app, w.ContactA, map[string]any{"involve_consent": true, "phone": "0612345678", "email": "marieke@example.nl"})
	}
	erased := func(tb testing.TB, app core.App, w *servertest.World) {
		fieldIs(n, "ContactA", "phone", "")(tb, app, w)
		fieldIs(n, "ContactA", "email", "")(tb, app, w)
		fieldIs(n, "ContactA", "involve_consent", false)(tb, app, w)
	}
	runValidations(t, []validation{
		{name: "phone without consent", who: "BegA", method: post, collection: n,
			body: with(contact, "phone", "0612345678"), status: 400, field: "phone", code: "validation_consent"},
		{name: "email without consent", who: "ClientA", method: post, collection: n,
			body: with(contact, "email", "els@example.nl"), status: 400, field: "email", code: "validation_consent"},
		{name: "phone and email with consent", who: "BegA", method: post, collection: n,
			body: with(contact, "involve_consent", true, "phone", "0612345678", "email", "els@example.nl"), status: 200},
		{name: "phone added later without consent", who: "BegA", method: patch, collection: n, target: "ContactA",
			body: literal("phone", "0612345678"), status: 400, field: "phone", code: "validation_consent"},
		{name: "withdrawn consent erases details", who: "ClientA", method: patch, collection: n, target: "ContactA",
			setup: consented, body: literal("involve_consent", false), status: 200, check: erased},
		{name: "withdrawing while setting a phone", who: "BegA", method: patch, collection: n, target: "ContactA",
			setup: consented, body: literal("involve_consent", false, "phone", "0687654321"), status: 400, field: "phone", code: "validation_consent"},
		{name: "contact moved to another client", who: "BegA", method: patch, collection: n, target: "ContactA",
			body: ids("client", "ClientA2"), status: 400, field: "client", code: "validation_immutable"},
	})
}

func TestClientTeam(t *testing.T) {
	t.Parallel()
	patch, c := http.MethodPatch, schema.Clients
	runValidations(t, []validation{
		// The update rule refuses first (404); the hook below is the second line.
		{name: "client moves themselves", who: "ClientA", method: patch, collection: c, target: "ClientA",
			body: ids("team", "TeamB"), status: 404},
		{name: "client renames themselves, team as it was", who: "ClientA", method: patch, collection: c, target: "ClientA",
			body: with(ids("team", "TeamA"), "name", "Jan B."), status: 200, check: fieldIs(c, "ClientA", "name", "Jan B.")},
		{name: "begeleider moves a client out of their teams", who: "BegA", method: patch, collection: c, target: "ClientA",
			body: ids("team", "TeamB"), status: 404},
		{name: "coordinator moves a client", who: "Coord", method: patch, collection: c, target: "ClientA",
			body: ids("team", "TeamB"), status: 200, check: func(tb testing.TB, app core.App, w *servertest.World) {
				fieldIs(c, "ClientA", "team", w.TeamB.Id)(tb, app, w)
			}},
	})
}

// TestClientTeamHook saves as a client (the way the sync push does) and
// checks the hook itself refuses the move, whatever the rules said.
func TestClientTeamHook(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	version := w.ClientA.GetInt(schema.FieldVersion)
	w.ClientA.Set(schema.FieldTeam, w.TeamB.Id)
	schema.SetAuthor(w.ClientA, schema.AuthorOf(w.ClientA))
	err := app.Save(w.ClientA)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("team")) {
		t.Fatalf("save err=%v, want a team error", err)
	}
	if got := mustFind(t, app, schema.Clients, w.ClientA.Id); got.GetString(schema.FieldTeam) != w.TeamA.Id || got.GetInt(schema.FieldVersion) != version {
		t.Fatalf("client team=%s version=%d after refused move", got.GetString(schema.FieldTeam), got.GetInt(schema.FieldVersion))
	}
}
