package schema_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

var writeSnapshot = flag.String("rules.snapshot", "", "write schema.Rules() to rules_snapshots/`NAME`.json, for a new migration to apply")

// TestRulesAreMigrated holds the rules a database has after all migrations
// to schema.Rules(): the matrix tests the rules the app really enforces,
// and they are the ones written in rules.go. The migrations write rule text
// fixed when they were written (rules_snapshots), so a change to rules.go
// fails here until a new migration writes it.
func TestRulesAreMigrated(t *testing.T) {
	t.Parallel()
	if *writeSnapshot != "" {
		b, err := schema.EncodeRulesSnapshot(schema.Rules())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("rules_snapshots", *writeSnapshot+".json")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		// The test binary embeds the snapshots it was built with.
		t.Fatalf("wrote %s; run the test again without -rules.snapshot to check it", path)
	}
	app, _ := servertest.NewWorldApp(t)
	str := func(p *string) string {
		if p == nil {
			return "<superusers only>"
		}
		return *p
	}
	for name, want := range schema.Rules() {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatalf("collection %s: %v", name, err)
		}
		got := []*string{c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule}
		for i, w := range []*string{want.List, want.View, want.Create, want.Update, want.Delete} {
			if str(got[i]) != str(w) {
				t.Errorf("%s %s rule after all migrations = %s, rules.go says %s", name, ruleNames[i], str(got[i]), str(w))
			}
		}
	}
	if t.Failed() {
		t.Log("rules.go changed without a migration: add one that calls applyRulesSnapshot with a snapshot written by\n" +
			"\tgo test ./schema -run TestRulesAreMigrated -rules.snapshot <migration file name without .go>\nand run the test again")
	}
}

var ruleNames = []string{"list", "view", "create", "update", "delete"}

// TestMigrationsDoNotReadRules: no code of package schema calls Rules(), so
// no migration writes the rules of rules.go as they are at run time, and
// TestRulesAreMigrated cannot pass by construction.
func TestMigrationsDoNotReadRules(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "Rules" {
					t.Errorf("%s calls Rules(): a migration must write a snapshot of the rules (rules_snapshot.go)", fset.Position(call.Pos()))
				}
			}
			return true
		})
	}
}

// mustMatrix checks the matrix itself: every person has an entry for every
// collection, and every name in it is a record (or create body) of that
// collection. A gap would silently test nothing.
func mustMatrix(t *testing.T, f *fixture) {
	t.Helper()
	for c := range schema.Rules() {
		if matrix[c] == nil || creates[c] == nil || patches[c] == nil {
			t.Fatalf("matrix, creates or patches lack collection %s", c)
		}
		for _, p := range persons {
			entry, ok := matrix[c][p]
			if !ok {
				t.Fatalf("matrix lacks %s for %s", c, p)
			}
			for _, list := range []string{entry.read, entry.update, entry.del} {
				for _, name := range strings.Fields(strings.ReplaceAll(list, everything, "")) {
					if got := f.rec(t, name).Collection().Name; got != c {
						t.Fatalf("matrix %s/%s names %s, a record of %s", c, p, name, got)
					}
				}
			}
			for _, name := range strings.Fields(strings.ReplaceAll(entry.create, everything, "")) {
				if creates[c][name] == nil {
					t.Fatalf("matrix %s/%s names unknown create body %s", c, p, name)
				}
			}
		}
	}
}

// TestRulesRead lists every collection as every person and checks that
// exactly the matrix's records come back, then views every record of the
// collection: 200 for those, 404 for the rest. Reads change nothing, so all
// of them share one app, over real HTTP.
func TestRulesRead(t *testing.T) {
	t.Parallel()
	app, f := newFixtureApp(t)
	mustMatrix(t, f)
	srv := servertest.Serve(t, app)

	for c := range schema.Rules() {
		for _, p := range persons {
			t.Run(c+"/"+p, func(t *testing.T) {
				t.Parallel()
				token, entry := f.token(t, p), matrix[c][p]
				var want []string
				for _, name := range f.names(c) {
					if allows(entry.read, name) {
						want = append(want, name)
					}
				}
				slices.Sort(want)

				status, body := get(t, srv.URL, token, "/api/collections/"+c+"/records?perPage=500")
				if status != http.StatusOK {
					t.Fatalf("list status=%d, want 200: %s", status, body)
				}
				var page struct {
					TotalItems int `json:"totalItems"`
					Items      []struct {
						ID string `json:"id"`
					} `json:"items"`
				}
				if err := json.Unmarshal(body, &page); err != nil {
					t.Fatalf("list body: %v", err)
				}
				var got []string
				for _, it := range page.Items {
					got = append(got, f.nameOf(it.ID))
				}
				slices.Sort(got)
				if !slices.Equal(got, want) || page.TotalItems != len(want) {
					t.Errorf("list=%v (total %d), want %v", got, page.TotalItems, want)
				}

				for _, name := range f.names(c) {
					status, body := get(t, srv.URL, token, "/api/collections/"+c+"/records/"+f.rec(t, name).Id)
					wantStatus := http.StatusNotFound
					if allows(entry.read, name) {
						wantStatus = http.StatusOK
					}
					if status != wantStatus {
						t.Errorf("view %s status=%d, want %d: %s", name, status, wantStatus, body)
					}
				}
			})
		}
	}
}

// get does a GET with an optional token and returns status and body.
func get(tb testing.TB, base, token, path string) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode, body
}

// TestRulesWrite tries every create body, and a PATCH and a DELETE of every
// record, as every person, each on a fresh copy of the fixture. Permitted
// writes must take effect; refused ones must answer as PocketBase answers a
// failed rule (403 for superusers-only, 400 for create, 404 for update and
// delete) and change nothing: no row of any collection, no version, no
// change-feed position.
func TestRulesWrite(t *testing.T) {
	t.Parallel()
	_, f := newFixtureApp(t) // names, ids and tokens; every scenario gets its own copy
	mustMatrix(t, f)

	rules := schema.Rules()
	var n int
	for c, rs := range rules {
		for _, p := range persons {
			entry, by := matrix[c][p], f.rec(t, p)
			headers := map[string]string{}
			if p != anon {
				headers["Authorization"] = f.token(t, p)
			}
			for name, build := range creates[c] {
				w := write{collection: c, op: "create", by: p, target: name, headers: headers,
					body: build(f, by), allowed: allows(entry.create, name), rule: rs.Create}
				n++
				t.Run(w.name(), func(t *testing.T) { t.Parallel(); w.scenario(f).Test(t) })
			}
			for _, name := range f.names(c) {
				up := write{collection: c, op: "update", by: p, target: name, id: f.rec(t, name).Id, headers: headers,
					body: patches[c], allowed: allows(entry.update, name), rule: rs.Update}
				del := write{collection: c, op: "delete", by: p, target: name, id: f.rec(t, name).Id, headers: headers,
					allowed: allows(entry.del, name), rule: rs.Delete, pinned: pinned[name]}
				n += 2
				t.Run(up.name(), func(t *testing.T) { t.Parallel(); up.scenario(f).Test(t) })
				t.Run(del.name(), func(t *testing.T) { t.Parallel(); del.scenario(f).Test(t) })
			}
		}
	}
	t.Logf("%d write scenarios over %d collections x %d persons", n, len(rules), len(persons))
}

// write is one write scenario of the matrix.
type write struct {
	collection, op, by, target, id string
	headers                        map[string]string
	body                           map[string]any
	allowed, pinned                bool
	rule                           *string
}

func (w write) name() string { return w.collection + "/" + w.by + "/" + w.op + "/" + w.target }

// status is the answer PocketBase gives this write.
func (w write) status() int {
	switch {
	case !w.allowed && w.rule == nil:
		return http.StatusForbidden
	case !w.allowed && w.op == "create":
		return http.StatusBadRequest
	case !w.allowed:
		return http.StatusNotFound
	case w.op == "delete" && w.pinned:
		return http.StatusBadRequest
	case w.op == "delete":
		return http.StatusNoContent
	}
	return http.StatusOK
}

func (w write) scenario(f *fixture) *tests.ApiScenario {
	status := w.status()
	s := &tests.ApiScenario{
		Name:           fmt.Sprintf("want_%d", status),
		URL:            "/api/collections/" + w.collection + "/records",
		Headers:        w.headers,
		ExpectedStatus: status,
	}
	switch w.op {
	case "create":
		s.Method = http.MethodPost
	case "update":
		s.Method, s.URL = http.MethodPatch, s.URL+"/"+w.id
	case "delete":
		s.Method, s.URL = http.MethodDelete, s.URL+"/"+w.id
	}
	if w.body != nil {
		raw, _ := json.Marshal(w.body)
		s.Body = bytes.NewReader(raw)
	}
	switch {
	case status >= 400:
		s.ExpectedContent = []string{fmt.Sprintf(`"status":%d`, status)}
	case w.op == "create":
		s.ExpectedContent = []string{`"collectionName":"` + w.collection + `"`}
	case w.op == "update":
		s.ExpectedContent = []string{`"id":"` + w.id + `"`}
	}
	if !w.allowed {
		// refused by a rule: not even an attempt to write
		s.ExpectedEvents = map[string]int{"OnModelCreate": 0, "OnModelUpdate": 0, "OnModelDelete": 0}
	}

	var before dbState
	var seq int64
	s.TestAppFactory = func(tb testing.TB) *tests.TestApp {
		app, _ := newUncleanedFixtureApp(tb)
		before, seq = mustDBState(tb, app), feedSeq(tb, app)
		return app
	}
	s.AfterTestFunc = func(tb testing.TB, app *tests.TestApp, res *http.Response) {
		after, seqAfter := mustDBState(tb, app), feedSeq(tb, app)
		if status >= 400 {
			if d := before.diff(after); d != "" {
				tb.Errorf("refused write changed the database: %s", d)
			}
			if seqAfter != seq {
				tb.Errorf("refused write moved the change feed: seq %d -> %d", seq, seqAfter)
			}
			if w.id != "" && schema.IsSynced(w.collection) {
				if got, want := mustRecord(tb, app, w.collection, w.id).GetInt(schema.FieldVersion), versionIn(before, w.collection, w.id); got != want {
					tb.Errorf("refused write: version=%d, want %d", got, want)
				}
			}
			return
		}
		w.checkEffect(tb, app, res, before, seq, seqAfter, after)
	}
	return s
}

// checkEffect asserts that a permitted write did what it said.
func (w write) checkEffect(tb testing.TB, app core.App, res *http.Response, before dbState, seq, seqAfter int64, after dbState) {
	tb.Helper()
	synced := schema.IsSynced(w.collection)
	if synced && seqAfter <= seq {
		tb.Errorf("write did not advance the change feed (seq %d)", seq)
	}
	switch w.op {
	case "create":
		var created struct {
			ID string `json:"id"`
		}
		if err := json.NewDecoder(res.Body).Decode(&created); err != nil || created.ID == "" {
			tb.Fatalf("create response: %v", err)
		}
		if got, want := len(after[w.collection]), len(before[w.collection])+1; got != want {
			tb.Errorf("%s rows=%d, want %d", w.collection, got, want)
		}
		r := mustRecord(tb, app, w.collection, created.ID)
		if synced && r.GetInt(schema.FieldVersion) != 1 {
			tb.Errorf("new record version=%d, want 1", r.GetInt(schema.FieldVersion))
		}
	case "update":
		r := mustRecord(tb, app, w.collection, w.id)
		for k, v := range w.body {
			if got, want := fmt.Sprint(r.Get(k)), fmt.Sprint(v); got != want {
				tb.Errorf("%s=%s after update, want %s", k, got, want)
			}
		}
		if synced {
			if got, want := r.GetInt(schema.FieldVersion), versionIn(before, w.collection, w.id)+1; got != want {
				tb.Errorf("version=%d after update, want %d", got, want)
			}
		}
	case "delete":
		if _, err := app.FindRecordById(w.collection, w.id); err == nil {
			tb.Errorf("%s still exists after delete", w.target)
		}
	}
}

func mustRecord(tb testing.TB, app core.App, collection, id string) *core.Record {
	tb.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		tb.Fatalf("find %s/%s: %v", collection, id, err)
	}
	return r
}

// versionIn reads a record's version from a database state.
func versionIn(s dbState, collection, id string) int {
	for _, kv := range strings.Split(s[collection][id], ";") {
		if v, ok := strings.CutPrefix(kv, schema.FieldVersion+"="); ok {
			var n int
			fmt.Sscan(v, &n)
			return n
		}
	}
	return -1
}
