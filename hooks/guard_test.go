package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// TestDisabledPersonIsLockedOut: a staff member or client whose account is
// disabled loses access at once: a token minted before (a lost phone's)
// gets 401 on the REST API, and logging in with the right password gets
// 403 (the collection's auth rule, "disabled = false", checked before
// PocketBase asks staff for their second factor).
func TestDisabledPersonIsLockedOut(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)

	for _, p := range []struct {
		name     string
		person   *core.Record
		identity string
	}{
		{"begeleider", w.BegA, w.BegA.Email()},
		{"client", w.ClientA, w.ClientA.GetString("username")},
	} {
		t.Run(p.name, func(t *testing.T) {
			collection := p.person.Collection().Name
			token := servertest.Token(t, p.person)
			if got, want := servertest.Call(t, srv.URL, token, http.MethodGet, "/api/collections/teams/records", nil), http.StatusOK; got != want {
				t.Fatalf("before: list status=%d, want %d", got, want)
			}
			login := map[string]any{"identity": p.identity, "password": servertest.Password}
			servertest.LogIn(t, srv.URL, collection, p.identity, servertest.Password) // staff: password and code

			r := mustFind(t, app, collection, p.person.Id)
			r.Set(schema.FieldDisabled, true)
			if err := app.Save(r); err != nil {
				t.Fatal(err)
			}

			if got, want := servertest.Call(t, srv.URL, token, http.MethodGet, "/api/collections/teams/records", nil), http.StatusUnauthorized; got != want {
				t.Errorf("disabled: list status=%d, want %d", got, want)
			}
			if got, want := servertest.Call(t, srv.URL, token, http.MethodPatch, "/api/collections/"+collection+"/records/"+p.person.Id,
				map[string]any{schema.FieldDisabled: false}), http.StatusUnauthorized; got != want {
				t.Errorf("disabled: re-enable status=%d, want %d", got, want)
			}
			if got, want := servertest.Call(t, srv.URL, token, http.MethodPost, "/api/collections/"+collection+"/auth-refresh", nil), http.StatusUnauthorized; got != want {
				t.Errorf("disabled: auth-refresh status=%d, want %d", got, want)
			}
			if got, want := servertest.Call(t, srv.URL, "", http.MethodPost, "/api/collections/"+collection+"/auth-with-password", login), http.StatusForbidden; got != want {
				t.Errorf("disabled: login status=%d, want %d", got, want)
			}
			if !mustFind(t, app, collection, p.person.Id).GetBool(schema.FieldDisabled) {
				t.Errorf("account is enabled again")
			}
		})
	}
}

// TestRealtimeGuard: a realtime subscription's filter is checked like a
// list filter: @collection, plans for team advisers, and plain operators
// on several related records are refused with 400.
func TestRealtimeGuard(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)

	cases := []struct {
		who           *core.Record
		topic, filter string
		want          int
	}{
		{w.ClientA, "teams/*", `clients_via_team.name != "Fatima"`, http.StatusBadRequest},
		{w.ClientA, "teams/*", `clients_via_team.name ?= "Fatima"`, http.StatusNoContent},
		{w.AdvA, "observations/*", `safari.clients.name ?= "Jan"`, http.StatusBadRequest},
		{w.AdvA, "observations/*", `safari.title ~ "Knutsel"`, http.StatusNoContent},
		{w.BegA, "goals/*", `@collection.goals.title ?~ "geld"`, http.StatusBadRequest},
		{w.BegA, "goals/*", `client.name = "Jan"`, http.StatusNoContent},
	}
	for _, c := range cases {
		t.Run(c.who.GetString("name")+"/"+c.filter, func(t *testing.T) {
			t.Parallel()
			clientID, _ := servertest.RealtimeConnect(t, srv.URL)
			opts, _ := json.Marshal(map[string]any{"query": map[string]string{"filter": c.filter}})
			sub := c.topic + "?options=" + url.QueryEscape(string(opts))
			got := servertest.Call(t, srv.URL, servertest.Token(t, c.who), http.MethodPost, "/api/realtime",
				map[string]any{"clientId": clientID, "subscriptions": []string{sub}})
			if got != c.want {
				t.Errorf("subscribe status=%d, want %d", got, c.want)
			}
		})
	}
}

// TestRealtimeGuardOddOptions: PocketBase reads a subscription's options
// leniently (values of any JSON type, decoding errors ignored), so the
// guard must read them the same way: an extra non-string value next to
// the filter, or odd headers, do not let a probing filter through.
func TestRealtimeGuardOddOptions(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)

	probe := `safari.clients.name ?= "Jan"`
	for name, opts := range map[string]map[string]any{
		"number in query":     {"query": map[string]any{"filter": probe, "page": 1}},
		"object in query":     {"query": map[string]any{"filter": probe, "x": map[string]any{"y": true}}},
		"number in headers":   {"query": map[string]any{"filter": probe}, "headers": map[string]any{"x": 1}},
		"headers not object":  {"query": map[string]any{"filter": probe}, "headers": 1},
		"extra top-level key": {"query": map[string]any{"filter": probe}, "extra": []int{1}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clientID, _ := servertest.RealtimeConnect(t, srv.URL)
			raw, _ := json.Marshal(opts)
			sub := "observations/*?options=" + url.QueryEscape(string(raw))
			got := servertest.Call(t, srv.URL, servertest.Token(t, w.AdvA), http.MethodPost, "/api/realtime",
				map[string]any{"clientId": clientID, "subscriptions": []string{sub}})
			if got, want := got, http.StatusBadRequest; got != want {
				t.Errorf("subscribe status=%d, want %d", got, want)
			}
		})
	}
}
