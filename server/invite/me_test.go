package invite_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/invite"
)

func ids(records []map[string]any) []string {
	out := []string{}
	for _, r := range records {
		out = append(out, fmt.Sprint(r["id"]))
	}
	slices.Sort(out)
	return out
}

func TestOverview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	r := e.do("GET", "/api/me/v1/overview", e.token(w.ClientA), nil)
	var o invite.Overview
	if r.status != 200 || json.Unmarshal(r.body, &o) != nil {
		t.Fatalf("overview: %d %s", r.status, r.body)
	}
	if got, want := o.Account, (invite.Account{ID: w.ClientA.Id, Name: "Jan", Username: "jan", Team: w.TeamA.Id, TeamName: "Team Noord"}); got != want {
		t.Errorf("account=%+v, want %+v", got, want)
	}
	if got, want := ids(o.Goals), []string{w.GoalA.Id}; !slices.Equal(got, want) {
		t.Fatalf("goals=%v, want %v", got, want)
	}
	steps, _ := json.Marshal(o.Goals[0]["steps"])
	var stepList []map[string]any
	_ = json.Unmarshal(steps, &stepList)
	if got, want := ids(stepList), []string{w.StepA.Id}; !slices.Equal(got, want) {
		t.Errorf("steps of GoalA=%v, want %v", got, want)
	}
	if got, want := ids(o.NetworkContacts), []string{w.ContactA.Id}; !slices.Equal(got, want) {
		t.Errorf("contacts=%v, want %v", got, want)
	}
	if got, want := ids(o.Safaris), []string{w.SafariA.Id}; !slices.Equal(got, want) {
		t.Fatalf("safaris=%v, want %v", got, want)
	}
	raw, _ := json.Marshal(o.Safaris[0]["observations"])
	var obs []map[string]any
	_ = json.Unmarshal(raw, &obs)
	want := []string{w.ObsA.Id, w.ObsByClientA.Id}
	slices.Sort(want)
	if got := ids(obs); !slices.Equal(got, want) {
		t.Errorf("observations on SafariA=%v, want %v", got, want)
	}
	if strings.Contains(string(r.body), "authorship") || strings.Contains(string(r.body), "tokenKey") {
		t.Errorf("the overview shows hidden fields: %s", r.body)
	}
	if got, want := r.header.Get("Cache-Control"), "no-store"; got != want {
		t.Errorf("Cache-Control=%q, want %q", got, want)
	}

	// ClientA2 joined no safari and has their own goal only.
	r = e.do("GET", "/api/me/v1/overview", e.token(w.ClientA2), nil)
	o = invite.Overview{}
	if r.status != 200 || json.Unmarshal(r.body, &o) != nil {
		t.Fatalf("overview A2: %d %s", r.status, r.body)
	}
	if len(o.Safaris) != 0 || !slices.Equal(ids(o.Goals), []string{w.GoalA2.Id}) || len(o.NetworkContacts) != 0 {
		t.Errorf("ClientA2 sees safaris %v, goals %v, contacts %v; want none, only GoalA2, none", ids(o.Safaris), ids(o.Goals), ids(o.NetworkContacts))
	}
}

// Staff, superusers and anonymous callers have no "me" here.
func TestMeRefusesOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	su := superuser(t, e.app)
	for _, path := range []string{"/api/me/v1/overview", "/api/me/v1/export"} {
		for _, p := range []*core.Record{e.w.BegA, e.w.AdvA, e.w.Coord} {
			mustError(t, e.do("GET", path, e.token(p), nil), 403, "forbidden")
		}
		mustError(t, e.do("GET", path, e.token(su), nil), 403, "forbidden")
		mustError(t, e.do("GET", path, "", nil), 401, "unauthorized")
	}
	// A disabled client is refused before us (the guard), with 401.
	c, _ := e.app.FindRecordById(schema.Clients, e.w.ClientA.Id)
	tok := e.token(c)
	c.Set(schema.FieldDisabled, true)
	if err := e.app.Save(c); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/api/me/v1/export", tok, nil); r.status != 401 {
		t.Errorf("disabled client: %d, want 401", r.status)
	}
}

func superuser(t *testing.T, app core.App) *core.Record {
	t.Helper()
	c, _ := app.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
	r := core.NewRecord(c)
	r.SetEmail("root@example.nl")
	r.SetPassword("wachtwoord123")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// The export holds, for every collection, exactly what the REST API lists
// for the client: checked for three clients, after ClientA registered a
// phone, had a mutation refused and authored an observation.
func TestExportIsWhatRulesShow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	dev := e.register(w.ClientA, "jan-telefoon")
	res := e.push(dev, map[string]any{"mutation_id": "m1", "collection": schema.Goals, "id": w.GoalB.Id, "op": "update",
		"base_version": 1, "data": map[string]any{"title": "niet van mij"}})
	if res[0]["status"] != "rejected" {
		t.Fatalf("push of another's goal: %v, want rejected", res[0])
	}

	all, err := e.app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, client := range []*core.Record{w.ClientA, w.ClientA2, w.ClientB} {
		tok := e.token(client)
		r := e.do("GET", "/api/me/v1/export", tok, nil)
		if r.status != 200 {
			t.Fatalf("export %s: %d %s", client.Id, r.status, r.body)
		}
		if got, want := r.header.Get("Content-Disposition"), `attachment; filename="mijn-gegevens.json"`; got != want {
			t.Errorf("Content-Disposition=%q, want %q", got, want)
		}
		if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
			t.Errorf("Content-Type=%q", got)
		}
		for _, hidden := range []string{`"password"`, `"tokenKey"`, `"authorship"`, `"object_key"`} {
			if strings.Contains(string(r.body), hidden) {
				t.Errorf("export of %s holds %s", client.Id, hidden)
			}
		}
		var ex invite.Export
		if err := json.Unmarshal(r.body, &ex); err != nil {
			t.Fatal(err)
		}
		if ex.Format != invite.ExportFormat || ex.Client != client.Id {
			t.Errorf("format=%q client=%q", ex.Format, ex.Client)
		}
		for _, c := range all {
			if c.System || strings.HasPrefix(c.Name, "_") {
				continue
			}
			rest := e.do("GET", "/api/collections/"+c.Name+"/records?perPage=500", tok, nil)
			got, inExport := ex.Collections[c.Name]
			if rest.status == 403 {
				if inExport {
					t.Errorf("%s: export has %s, which only superusers may list", client.Id, c.Name)
				}
				continue
			}
			var list struct {
				Items      []map[string]any `json:"items"`
				TotalItems int              `json:"totalItems"`
			}
			if rest.status != 200 || json.Unmarshal(rest.body, &list) != nil || list.TotalItems != len(list.Items) {
				t.Fatalf("%s REST list %s: %d %s", client.Id, c.Name, rest.status, rest.body)
			}
			if !inExport {
				t.Errorf("%s: export lacks %s", client.Id, c.Name)
				continue
			}
			if g, wnt := ids(got), ids(list.Items); !slices.Equal(g, wnt) {
				t.Errorf("%s %s: export %v, REST lists %v", client.Id, c.Name, g, wnt)
			}
		}
	}

	// And the facts the brief names, so that an export of nothing cannot
	// pass the comparison above.
	r := e.do("GET", "/api/me/v1/export", e.token(w.ClientA), nil)
	var ex invite.Export
	_ = json.Unmarshal(r.body, &ex)
	has := func(collection string, want ...string) {
		t.Helper()
		got := ids(ex.Collections[collection])
		for _, id := range want {
			if !slices.Contains(got, id) {
				t.Errorf("ClientA's export of %s = %v, lacks %s", collection, got, id)
			}
		}
	}
	has(schema.Clients, w.ClientA.Id)
	has(schema.Teams, w.TeamA.Id)
	has(schema.Goals, w.GoalA.Id)
	has(schema.GoalSteps, w.StepA.Id)
	has(schema.NetworkContacts, w.ContactA.Id)
	has(schema.Safaris, w.SafariA.Id)
	has(schema.Observations, w.ObsA.Id, w.ObsByClientA.Id)
	has(schema.Media, w.MediaA.Id)
	has(schema.SyncConflicts, w.ConflictGoalA.Id)
	if got := len(ex.Collections[schema.SyncDevices]); got != 1 {
		t.Errorf("ClientA's export has %d devices, want 1", got)
	}
	if got := len(ex.Collections[schema.SyncRejections]); got != 1 {
		t.Errorf("ClientA's export has %d rejections, want 1", got)
	}
	// (GoalB's id is in it: ClientA's own refused mutation named it.)
	for _, other := range []string{w.GoalA2.Id, w.ClientB.Id, w.ClientA2.Id, w.SafariB.Id, w.ObsB.Id, w.ContactB.Id, w.FeedbackA.Id, w.BegB.Id} {
		if strings.Contains(string(r.body), other) {
			t.Errorf("ClientA's export mentions %s, which is not theirs", other)
		}
	}
}
