package audit_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/audit"
)

// A begeleider lists goals: one entry per client, not per record, and a
// list with a filter is a search.
func TestRESTListIsOneEntryPerClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	for range 3 {
		e.save(schema.Goals, map[string]any{"client": w.ClientA.Id, "title": "Nog een doel", "status": "idea"})
	}
	e.mustOK(e.do("GET", "/api/collections/goals/records", e.token(w.BegA), nil), "list goals")
	e.mustOK(e.do("GET", "/api/collections/goals/records?filter="+url.QueryEscape("status='active'"), e.token(w.BegA), nil), "search goals")

	got := e.by(w.BegA)
	if want := sorted(w.ClientA.Id, w.ClientA2.Id); !slices.Equal(clientsOf(got), want) {
		t.Fatalf("clients %v, want %v (not ClientB)", clientsOf(got), want)
	}
	a := find(t, got, w.ClientA.Id, accesslog.ActionRead)
	if a.Count != 4 || a.Collections != "goals" || a.Path != accesslog.PathREST || a.Role != schema.RoleBegeleider || a.PersonName != "Anouk" || a.IP == "" {
		t.Fatalf("entry %+v", a)
	}
	find(t, got, w.ClientA2.Id, accesslog.ActionRead)
	if s := find(t, got, w.ClientA.Id, accesslog.ActionSearch); s.Count != 1 {
		t.Fatalf("search entry %+v", s)
	}
	if len(got) != 3 {
		t.Fatalf("%d entries, want 3: %+v", len(got), got)
	}
}

// Expanded relations count: steps with their goal expanded are a read of
// the goal's client.
func TestRESTViewWithExpand(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	e.mustOK(e.do("GET", "/api/collections/feedback/records/"+w.FeedbackA.Id+"?expand=safari", e.token(w.BegA), nil), "view feedback")
	got := e.by(w.BegA)
	en := find(t, got, w.ClientA.Id, accesslog.ActionRead)
	if en.Collections != "safaris" {
		t.Fatalf("entry %+v", en)
	}
}

func TestRESTWritesAreLogged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	tok := e.token(w.BegA)
	r := e.do("POST", "/api/collections/goal_steps/records", tok, map[string]any{"goal": w.GoalA.Id, "description": "Bellen", "carried_by": "client"})
	e.mustOK(r, "create step")
	var step struct{ ID string }
	_ = json.Unmarshal(r.body, &step)
	e.mustOK(e.do("PATCH", "/api/collections/goal_steps/records/"+step.ID, tok, map[string]any{"status": "done"}), "update step")
	if r := e.do("DELETE", "/api/collections/goal_steps/records/"+step.ID, tok, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	got := e.by(w.BegA)
	for _, action := range []string{accesslog.ActionCreate, accesslog.ActionUpdate, accesslog.ActionDelete} {
		if en := find(t, got, w.ClientA.Id, action); en.Collections != "goal_steps" || en.Count != 1 {
			t.Fatalf("%s: %+v", action, en)
		}
	}
}

// A sync pull logs the clients whose records reached the device, none
// other; a push logs its writes per client.
func TestSyncPullAndPush(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	dev := e.register(w.BegA, "phone-anouk")
	e.mustOK(e.do("GET", "/api/sync/v1/pull", dev, nil), "pull")
	got := e.by(w.BegA)
	// Team A's data: ClientA (account, goal, step, contact, safari,
	// their observation, a conflict) and ClientA2 (account, goal).
	if want := sorted(w.ClientA.Id, w.ClientA2.Id); !slices.Equal(clientsOf(got), want) {
		t.Fatalf("pull logged clients %v, want %v", clientsOf(got), want)
	}
	a := find(t, got, w.ClientA.Id, accesslog.ActionRead)
	if a.Path != accesslog.PathSync || a.Device != "phone-anouk" ||
		a.Collections != "clients,goal_steps,goals,network_contacts,observations,safaris,sync_conflicts" || a.Count != 8 {
		t.Fatalf("pull entry %+v", a)
	}

	newGoal := "goalnew00000001"
	r := e.do("POST", "/api/sync/v1/push", dev, map[string]any{"mutations": []map[string]any{
		{"mutation_id": "m1", "collection": "goals", "id": newGoal, "op": "create", "data": map[string]any{"client": w.ClientA2.Id, "title": "Fietsen"}},
		{"mutation_id": "m2", "collection": "goals", "id": w.GoalA.Id, "op": "update", "base_version": 1, "data": map[string]any{"progress": 3}},
		{"mutation_id": "m3", "collection": "network_contacts", "id": w.ContactA.Id, "op": "update", "base_version": 1, "data": map[string]any{"note": "belt op zondag"}},
	}})
	e.mustOK(r, "push")
	if !strings.Contains(string(r.body), `"applied"`) || strings.Contains(string(r.body), "rejected") {
		t.Fatalf("push results: %s", r.body)
	}
	got = e.by(w.BegA)
	if c := find(t, got, w.ClientA2.Id, accesslog.ActionCreate); c.Collections != "goals" || c.Count != 1 {
		t.Fatalf("create entry %+v", c)
	}
	if u := find(t, got, w.ClientA.Id, accesslog.ActionUpdate); u.Collections != "goals,network_contacts" || u.Count != 2 || u.Device != "phone-anouk" {
		t.Fatalf("update entry %+v", u)
	}
	// A replay writes nothing and logs nothing.
	before := len(got)
	e.mustOK(e.do("POST", "/api/sync/v1/push", dev, map[string]any{"mutations": []map[string]any{
		{"mutation_id": "m1", "collection": "goals", "id": newGoal, "op": "create", "data": map[string]any{"client": w.ClientA2.Id, "title": "Fietsen"}},
	}}), "replay")
	if got := e.by(w.BegA); len(got) != before {
		t.Fatalf("replay logged %d entries", len(got)-before)
	}
}

// The client's own pages are logged, and the client sees, in Dutch, who
// else looked: not themselves.
func TestMePagesAndWhoLooked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	tok := e.token(w.ClientA)
	e.mustOK(e.do("GET", "/api/me/v1/overview", tok, nil), "overview")
	e.mustOK(e.do("GET", "/api/me/v1/export", tok, nil), "export")
	got := e.by(w.ClientA)
	if en := find(t, got, w.ClientA.Id, accesslog.ActionExport); en.Path != accesslog.PathMe || en.Role != "client" || en.PersonName != "" {
		t.Fatalf("export entry %+v", en)
	}
	find(t, got, w.ClientA.Id, accesslog.ActionRead)

	e.mustOK(e.do("GET", "/api/collections/goals/records/"+w.GoalA.Id, e.token(w.BegA), nil), "begeleider views goal")
	r := e.do("GET", audit.MeAccess, tok, nil)
	e.mustOK(r, "who looked")
	var page audit.AccessPage
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	// Newest first: the begeleider's read, then the coordinator reading
	// the client's entries above (by e.by); not the client's own.
	if len(page.Items) != 2 || !strings.HasPrefix(page.Items[1].Text, "Carla (coördinator) bekeek op ") ||
		!strings.Contains(page.Items[1].Text, "wie er in je gegevens keek") {
		t.Fatalf("items %+v, want the begeleider's read and the coordinator's", page.Items)
	}
	it := page.Items[0]
	if it.Name != "Anouk" || it.Role != "begeleider" || it.Via != "de website" || !slices.Equal(it.What, []string{"je doelen"}) ||
		!strings.HasPrefix(it.Text, "Anouk (begeleider) bekeek op ") || !strings.HasSuffix(it.Text, " je doelen, via de website.") {
		t.Fatalf("item %+v", it)
	}
	for _, p := range []*core.Record{w.BegA, w.Coord} {
		if r := e.do("GET", audit.MeAccess, e.token(p), nil); r.status != http.StatusForbidden {
			t.Fatalf("staff on /me/ access: %d", r.status)
		}
	}
}

// A superuser's reads are the dashboard's.
func TestSuperuserIsDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	su := e.save(core.CollectionNameSuperusers, map[string]any{"email": "admin@example.nl", "password": "een-lang-wachtwoord"})
	e.mustOK(e.do("GET", "/api/collections/network_contacts/records", e.token(su), nil), "superuser lists contacts")
	got := e.by(su)
	en := find(t, got, e.w.ClientB.Id, accesslog.ActionRead)
	if en.Path != accesslog.PathDashboard || en.Role != "superuser" || en.PersonCollection != core.CollectionNameSuperusers {
		t.Fatalf("entry %+v", en)
	}
}

// Only coordinators read the log; reading it is logged; no PocketBase
// route reaches it.
func TestOnlyCoordinatorsReadTheLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	su := e.save(core.CollectionNameSuperusers, map[string]any{"email": "admin@example.nl", "password": "een-lang-wachtwoord"})
	for _, p := range []*core.Record{w.BegA, w.ClientA, w.AdvA, su} {
		r := e.do("GET", audit.EntriesPath, e.token(p), nil)
		var body struct{ Code string }
		_ = json.Unmarshal(r.body, &body)
		if r.status != http.StatusForbidden || body.Code != "forbidden" {
			t.Fatalf("%s reads the log: %d %s", p.Collection().Name, r.status, r.body)
		}
	}
	if r := e.do("GET", audit.EntriesPath, "", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", r.status)
	}
	for _, path := range []string{"/api/collections/access_log/records", "/api/collections/entries/records", "/api/collections/access_log"} {
		if r := e.do("GET", path, e.token(su), nil); r.status != http.StatusNotFound {
			t.Fatalf("superuser GET %s: %d %s", path, r.status, r.body)
		}
	}
	if r := e.do("DELETE", audit.EntriesPath, e.token(w.Coord), nil); r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE entries: %d", r.status)
	}

	e.mustOK(e.do("GET", "/api/collections/clients/records/"+w.ClientB.Id, e.token(w.BegB), nil), "view client")
	e.entries(url.Values{"client": {w.ClientB.Id}})
	r := e.do("GET", audit.EntriesPath+"?"+url.Values{"person": {w.Coord.Id}}.Encode(), e.token(w.Coord), nil)
	var p audit.Page
	_ = json.Unmarshal(r.body, &p)
	read := 0
	for _, en := range p.Entries {
		if en.Collections == accesslog.CollectionAccessLog && en.Client == w.ClientB.Id && en.Action == accesslog.ActionRead {
			read++
		}
	}
	if read != 1 {
		t.Fatalf("the coordinator's reading of ClientB's entries is logged %d times: %+v", read, p.Entries)
	}
	if r := e.do("GET", audit.EntriesPath+"?from=gisteren", e.token(w.Coord), nil); r.status != http.StatusBadRequest {
		t.Fatalf("bad from: %d", r.status)
	}
}

func TestAuditPageHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res, err := http.Get(e.url + audit.PagePath)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("page: %d, CSP %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
}
