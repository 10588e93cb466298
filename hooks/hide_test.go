package hooks_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// get sends a GET and returns the status and body.
func get(tb testing.TB, base, token, path string) (int, string) {
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
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// clientIDs are the ids of every client of the World.
func clientIDs(w *servertest.World) []string {
	return []string{w.ClientA.Id, w.ClientA2.Id, w.ClientB.Id}
}

// TestAdvisersGetNoClientIDs: a teamadviseur reads the safaris,
// observations, feedback and conflicts of the teams they advise through
// every REST path (list, view, expand from observations and feedback),
// and no response holds a client id; a begeleider still gets them.
func TestAdvisersGetNoClientIDs(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	adv := servertest.Token(t, w.AdvAB)
	paths := []string{
		"/api/collections/safaris/records",
		"/api/collections/safaris/records/" + w.SafariA.Id,
		"/api/collections/safaris/records?expand=clients,begeleiders",
		"/api/collections/observations/records",
		"/api/collections/observations/records/" + w.ObsByClientA.Id,
		"/api/collections/observations/records?expand=safari,author_client,safari.clients",
		"/api/collections/feedback/records?expand=safari,observation,safari.clients",
		"/api/collections/media/records?expand=observation,observation.safari",
		"/api/collections/sync_conflicts/records",
		"/api/collections/teams/records?expand=clients_via_team",
	}
	for _, p := range paths {
		status, body := get(t, srv.URL, adv, p)
		if status != http.StatusOK {
			t.Errorf("%s: status %d: %s", p, status, body)
			continue
		}
		for _, id := range clientIDs(w) {
			if strings.Contains(body, id) {
				t.Errorf("%s: the adviser gets client id %s: %s", p, id, body)
			}
		}
		if strings.Contains(body, `"clients"`) || strings.Contains(body, `"author_client"`) {
			t.Errorf("%s: the adviser gets a client field: %s", p, body)
		}
	}
	// The adviser does see the records themselves, safari included.
	if _, body := get(t, srv.URL, adv, "/api/collections/observations/records?expand=safari"); !strings.Contains(body, w.SafariA.Id) || !strings.Contains(body, `"expand"`) {
		t.Errorf("the adviser does not get observations with their safari: %s", body)
	}
	if _, body := get(t, srv.URL, adv, "/api/collections/sync_conflicts/records"); !strings.Contains(body, w.ConflictSafariA.Id) {
		t.Errorf("the adviser does not see the conflict about a safari's title: %s", body)
	}
	// A begeleider of the team still gets who took part.
	_, body := get(t, srv.URL, servertest.Token(t, w.BegA), "/api/collections/safaris/records/"+w.SafariA.Id)
	if !strings.Contains(body, w.ClientA.Id) {
		t.Errorf("the begeleider does not see the safari's clients: %s", body)
	}
	_, body = get(t, srv.URL, servertest.Token(t, w.BegA), "/api/collections/observations/records/"+w.ObsByClientA.Id)
	if !strings.Contains(body, w.ClientA.Id) {
		t.Errorf("the begeleider does not see the observation's author: %s", body)
	}
}

// TestAdvisersCannotProbeClientIDs: filters and sorts that name a field
// hidden from advisers are refused with 400, on lists and realtime
// subscriptions, so they cannot ask "is client X on this safari?".
func TestAdvisersCannotProbeClientIDs(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	adv := servertest.Token(t, w.AdvA)
	x := w.ClientA.Id
	for _, q := range []string{
		"safaris/records?filter=" + url.QueryEscape(`clients.id ?= "`+x+`"`),
		"safaris/records?filter=" + url.QueryEscape(`clients ?= "`+x+`"`),
		"safaris/records?filter=" + url.QueryEscape(`clients:length > 0`),
		"safaris/records?sort=clients",
		"observations/records?filter=" + url.QueryEscape(`author_client = "`+x+`"`),
		"observations/records?filter=" + url.QueryEscape(`author_client != ""`),
		"observations/records?filter=" + url.QueryEscape(`safari.clients ?= "`+x+`"`),
		"observations/records?sort=-author_client",
		"feedback/records?filter=" + url.QueryEscape(`safari.clients ?= "`+x+`"`),
		"teams/records?filter=" + url.QueryEscape(`safaris_via_team.clients ?= "`+x+`"`),
		"sync_conflicts/records?filter=" + url.QueryEscape(`clients ?= "`+x+`"`),
	} {
		if status, body := get(t, srv.URL, adv, "/api/collections/"+q); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", q, status, body)
		}
	}
	// What the adviser may ask is still answered.
	for _, q := range []string{
		"safaris/records?filter=" + url.QueryEscape(`title ~ "Knutsel"`),
		"observations/records?filter=" + url.QueryEscape(`safari.title ~ "Knutsel"`) + "&sort=-created",
	} {
		if status, body := get(t, srv.URL, adv, "/api/collections/"+q); status != http.StatusOK {
			t.Errorf("%s: status %d, want 200: %s", q, status, body)
		}
	}
	for _, sub := range []struct{ topic, filter string }{
		{"safaris/*", `clients ?= "` + x + `"`},
		{"observations/*", `author_client = "` + x + `"`},
	} {
		clientID, _ := servertest.RealtimeConnect(t, srv.URL)
		opts, _ := json.Marshal(map[string]any{"query": map[string]string{"filter": sub.filter}})
		got := servertest.Call(t, srv.URL, adv, http.MethodPost, "/api/realtime",
			map[string]any{"clientId": clientID, "subscriptions": []string{sub.topic + "?options=" + url.QueryEscape(string(opts))}})
		if got != http.StatusBadRequest {
			t.Errorf("realtime %s %s: status %d, want 400", sub.topic, sub.filter, got)
		}
	}
}

// TestAdvisersRealtimeHidesClientIDs: a teamadviseur subscribed to
// safaris and observations gets the changes, without client ids, while a
// begeleider's subscription carries them.
func TestAdvisersRealtimeHidesClientIDs(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	adv := servertest.Subscribe(t, srv.URL, servertest.Token(t, w.AdvA), "safaris/*", "observations/*")
	beg := servertest.Subscribe(t, srv.URL, servertest.Token(t, w.BegA), "safaris/*")

	safari := mustFind(t, app, schema.Safaris, w.SafariA.Id)
	safari.Set(schema.FieldClients, []string{w.ClientA.Id, w.ClientA2.Id})
	if err := app.Save(safari); err != nil {
		t.Fatal(err)
	}
	obs := mustFind(t, app, schema.Observations, w.ObsByClientA.Id)
	obs.Set("note", "Elke dinsdag open")
	if err := app.Save(obs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{w.SafariA.Id, w.ObsByClientA.Id} {
		msg := servertest.NextMessage(t, adv)
		if !strings.Contains(msg, want) {
			t.Errorf("adviser got %s, want a message about %s", msg, want)
		}
		for _, id := range clientIDs(w) {
			if strings.Contains(msg, id) {
				t.Errorf("adviser's realtime message holds client id %s: %s", id, msg)
			}
		}
	}
	if msg := servertest.NextMessage(t, beg); !strings.Contains(msg, w.ClientA2.Id) {
		t.Errorf("begeleider's realtime message lacks the new participant: %s", msg)
	}
}

// TestConflictsNamingClientsSkipAdvisers: a conflict that names a client
// (about a safari's participants, or with a client's words) is for the
// plans audience: the team's begeleiders see it, its advisers do not.
func TestConflictsNamingClientsSkipAdvisers(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	col, _ := app.FindCachedCollectionByNameOrId(schema.SyncConflicts)
	save := func(target *core.Record, field, keptBy string, kept any) *core.Record {
		scope, err := schema.ScopeOf(app.DB(), target.Collection().Name, target.Id)
		if err != nil {
			t.Fatal(err)
		}
		c := core.NewRecord(col)
		c.Set("collection", target.Collection().Name)
		c.Set("record", target.Id)
		c.Set("field", field)
		c.Set("kept_value", kept)
		c.Set("lost_value", []string{})
		c.Set("kept_by", keptBy)
		c.Set("reason", "same_field")
		schema.SetConflictScope(c, scope)
		if err := app.Save(c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	participants := save(w.SafariA, "clients", "users:"+w.BegA.Id, []string{w.ClientA.Id})
	author := save(w.ObsByClientA, "author_client", "users:"+w.BegA.Id, w.ClientA.Id)
	words := save(w.ObsByClientA, "title", "clients:"+w.ClientA.Id, "Repair café De Kei")
	wholeRecord := save(w.ObsByClientA, "_record", "users:"+w.BegA.Id, w.ObsByClientA.PublicExport())
	title := save(w.SafariA, "title", "users:"+w.BegA.Id, "Rondje Knutselwijk")
	hidden := []*core.Record{participants, author, words, wholeRecord}

	_, advBody := get(t, srv.URL, servertest.Token(t, w.AdvA), "/api/collections/sync_conflicts/records?perPage=500")
	_, begBody := get(t, srv.URL, servertest.Token(t, w.BegA), "/api/collections/sync_conflicts/records?perPage=500")
	for _, c := range hidden {
		if strings.Contains(advBody, c.Id) {
			t.Errorf("adviser sees conflict on %s.%s", c.GetString("collection"), c.GetString("field"))
		}
		if !strings.Contains(begBody, c.Id) {
			t.Errorf("begeleider does not see conflict on %s.%s", c.GetString("collection"), c.GetString("field"))
		}
	}
	if !strings.Contains(advBody, title.Id) {
		t.Errorf("adviser does not see the conflict on a safari's title")
	}
	for _, id := range clientIDs(w) {
		if strings.Contains(advBody, id) {
			t.Errorf("adviser's conflicts hold client id %s: %s", id, advBody)
		}
	}
}

// TestClientsSeeTheirBegeleidersByName: a client lists and views the
// begeleiders of their own team, with id, name and role only; no other
// staff, no other field, no filter or sort on the hidden fields.
func TestClientsSeeTheirBegeleidersByName(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	tok := servertest.Token(t, w.ClientA)

	status, body := get(t, srv.URL, tok, "/api/collections/users/records")
	if status != http.StatusOK {
		t.Fatalf("list users: %d %s", status, body)
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0]["id"] != w.BegA.Id {
		t.Fatalf("client lists users %s, want only their begeleider %s", body, w.BegA.Id)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range list.Items[0] {
			if !yield(k) {
				return
			}
		}
	})
	if got, want := strings.Join(keys, ","), "collectionId,collectionName,id,name,role"; got != want {
		t.Errorf("client sees fields %s of a begeleider, want %s", got, want)
	}
	if list.Items[0]["name"] != "Anouk" || list.Items[0]["role"] != schema.RoleBegeleider {
		t.Errorf("client sees %v", list.Items[0])
	}
	if status, body := get(t, srv.URL, tok, "/api/collections/users/records/"+w.BegA.Id); status != http.StatusOK || strings.Contains(body, "bega@example.nl") {
		t.Errorf("view own begeleider: %d %s", status, body)
	}
	for _, other := range []*core.Record{w.BegB, w.AdvA, w.AdvAB, w.Coord} {
		if status, _ := get(t, srv.URL, tok, "/api/collections/users/records/"+other.Id); status != http.StatusNotFound {
			t.Errorf("view %s (%s): status %d, want 404", other.GetString("name"), other.GetString("role"), status)
		}
	}
	// Through a safari: the expanded begeleiders show name and role only.
	_, body = get(t, srv.URL, tok, "/api/collections/safaris/records/"+w.SafariA.Id+"?expand=begeleiders")
	if !strings.Contains(body, `"Anouk"`) || strings.Contains(body, "bega@example.nl") || strings.Contains(body, w.TeamA.Id+`"]`) {
		t.Errorf("safari with begeleiders expanded: %s", body)
	}
	for _, q := range []string{
		"users/records?filter=" + url.QueryEscape(`email ~ "bega"`),
		"users/records?filter=" + url.QueryEscape(`teams ?= "`+w.TeamA.Id+`"`),
		"users/records?filter=" + url.QueryEscape(`verified = true`),
		"users/records?sort=email",
		"users/records?sort=-created",
		"safaris/records?filter=" + url.QueryEscape(`begeleiders.email ?~ "bega"`),
		"teams/records?filter=" + url.QueryEscape(`users_via_teams.email ?~ "bega"`),
	} {
		if status, body := get(t, srv.URL, tok, "/api/collections/"+q); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", q, status, body)
		}
	}
	for _, q := range []string{
		"users/records?filter=" + url.QueryEscape(`name = "Anouk" && role = "begeleider"`) + "&sort=name",
		"users/records?filter=" + url.QueryEscape(`id = "`+w.BegA.Id+`"`),
	} {
		if status, body := get(t, srv.URL, tok, "/api/collections/"+q); status != http.StatusOK || !strings.Contains(body, w.BegA.Id) {
			t.Errorf("%s: status %d, want 200 with the begeleider: %s", q, status, body)
		}
	}
	// Staff are untouched: a begeleider still sees a colleague's e-mail
	// rules as before, a coordinator everything.
	if _, body := get(t, srv.URL, servertest.Token(t, w.Coord), "/api/collections/users/records/"+w.BegA.Id); !strings.Contains(body, "bega@example.nl") {
		t.Errorf("coordinator does not see the begeleider's e-mail: %s", body)
	}
}
