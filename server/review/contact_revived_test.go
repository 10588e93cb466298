package review_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// send makes a JSON request to a served app with an Authorization header
// and decodes the answer into out (if not nil), failing on another status.
func send(tb testing.TB, srv *httptest.Server, method, path, auth string, body any, want int, out any) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

// patchContact writes a contact through the REST API as a person.
func patchContact(tb testing.TB, srv *httptest.Server, person *core.Record, id string, body map[string]any, want int) map[string]any {
	tb.Helper()
	var out map[string]any
	send(tb, srv, http.MethodPatch, "/api/collections/network_contacts/records/"+id, servertest.Token(tb, person), body, want, &out)
	return out
}

// phone registers a device for a person and returns its sync token.
func phone(tb testing.TB, srv *httptest.Server, person *core.Record, deviceID string) string {
	tb.Helper()
	var reg struct {
		Token string `json:"token"`
	}
	send(tb, srv, http.MethodPost, "/api/sync/v1/devices", servertest.Token(tb, person),
		map[string]any{"device_id": deviceID, "platform": "test", "app_version": "1", "schema_version": 1}, 200, &reg)
	return "Bearer " + reg.Token
}

type pushResult struct {
	Status string `json:"status"`
	Error  *struct {
		Code string         `json:"code"`
		Data map[string]any `json:"data"`
	} `json:"error"`
}

// push sends one update mutation and returns its result.
func push(tb testing.TB, srv *httptest.Server, token, mutationID string, contact *core.Record, data, base map[string]any) pushResult {
	tb.Helper()
	var out struct {
		Results []pushResult `json:"results"`
	}
	send(tb, srv, http.MethodPost, "/api/sync/v1/push", token, map[string]any{"mutations": []map[string]any{{
		"mutation_id": mutationID, "collection": schema.NetworkContacts, "id": contact.Id, "op": "update",
		"base_version": contact.GetInt(schema.FieldVersion), "data": data, "base": base,
	}}}, 200, &out)
	if len(out.Results) != 1 {
		tb.Fatalf("push %s: %d results", mutationID, len(out.Results))
	}
	return out.Results[0]
}

func revivedAt(tb testing.TB, app core.App, id string) time.Time {
	tb.Helper()
	r, err := app.FindRecordById(schema.NetworkContacts, id)
	if err != nil {
		tb.Fatal(err)
	}
	return r.GetDateTime(schema.FieldRevivedAt).Time()
}

// TestContactRevived: a dormant contact turned active gets revived_at,
// through the REST API and through the sync push alike; other status
// changes do not; a person cannot set it by hand (REST: 400 naming the
// field; push: rejected and kept). Five revived contacts show as 5 in the
// team review, four as "<5", and a revival before the period not at all.
func TestContactRevived(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	contact := func(client *core.Record, status string) *core.Record {
		return mustSave(t, app, schema.NetworkContacts, map[string]any{"client": client.Id, "name": "Oud-collega",
			"relation": "friend", "circle": 2, "status": status}, time.Time{})
	}
	before := time.Now().Add(-time.Second)

	// REST, as begeleider: dormant -> active stamps; the others do not.
	var revived []*core.Record
	for range 2 {
		c := contact(w.ClientA, schema.ContactDormant)
		got := patchContact(t, srv, w.BegA, c.Id, map[string]any{"status": "active"}, 200)
		if got[schema.FieldRevivedAt] == "" || got[schema.FieldRevivedAt] == nil {
			t.Fatalf("REST answer has no revived_at: %v", got)
		}
		revived = append(revived, c)
	}
	for _, c := range []struct{ from, to string }{{"wished", "active"}, {"dormant", "wished"}, {"active", "dormant"}, {"dormant", "dormant"}} {
		r := contact(w.ClientA, c.from)
		patchContact(t, srv, w.BegA, r.Id, map[string]any{"status": c.to, "note": "bijgewerkt"}, 200)
		if at := revivedAt(t, app, r.Id); !at.IsZero() {
			t.Errorf("%s -> %s stamped revived_at %v", c.from, c.to, at)
		}
	}
	// By hand: refused for people, on update and on create.
	bad := patchContact(t, srv, w.BegA, revived[0].Id, map[string]any{schema.FieldRevivedAt: "2020-01-01 10:00:00.000Z"}, 400)
	if got := fmt.Sprint(at(t, bad, "data", schema.FieldRevivedAt, "code")); got != "validation_forbidden" {
		t.Errorf("REST revived_at by hand: code %s, want validation_forbidden", got)
	}
	send(t, srv, http.MethodPost, "/api/collections/network_contacts/records", servertest.Token(t, w.ClientA), map[string]any{
		"client": w.ClientA.Id, "name": "Nieuw", "relation": "friend", "circle": 1, "revived_at": "2026-01-01 10:00:00.000Z"}, 400, nil)

	// Sync push, as the client on their own phone.
	token := phone(t, srv, w.ClientA, "phone-jan")
	c := contact(w.ClientA, schema.ContactDormant)
	if res := push(t, srv, token, "jan-1", c, map[string]any{"status": "active"}, map[string]any{"status": "dormant"}); res.Status != "applied" {
		t.Fatalf("push dormant -> active: %+v", res)
	}
	revived = append(revived, c)
	c = contact(w.ClientA, schema.ContactDormant)
	res := push(t, srv, token, "jan-2", c, map[string]any{"status": "active", schema.FieldRevivedAt: "2026-11-01 10:00:00.000Z"},
		map[string]any{"status": "dormant", schema.FieldRevivedAt: ""})
	if res.Status != "rejected" || res.Error == nil || res.Error.Code != "invalid_request" ||
		!strings.Contains(fmt.Sprint(res.Error.Data[schema.FieldRevivedAt]), "The server sets revived_at") {
		t.Fatalf("push revived_at by hand: %+v %+v, want rejected invalid_request with the validator's message on revived_at", res, res.Error)
	}
	if at := revivedAt(t, app, c.Id); !at.IsZero() {
		t.Fatalf("a rejected push stamped revived_at %v", at)
	}
	for _, r := range revived {
		if at := revivedAt(t, app, r.Id); at.Before(before) || at.After(time.Now()) {
			t.Errorf("contact %s revived_at %v, want between %v and now", r.Id, at, before)
		}
	}

	// Go code (the system) stamps it too.
	c, err := app.FindRecordById(schema.NetworkContacts, contact(w.ClientA2, schema.ContactDormant).Id)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("status", schema.ContactActive)
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	if at := revivedAt(t, app, c.Id); at.Before(before) {
		t.Errorf("app.Save dormant -> active: revived_at %v", at)
	}
	revived = append(revived, c)

	// The system may set it (imports): a revival in 2024, before the period.
	old, err := app.FindRecordById(schema.NetworkContacts, contact(w.ClientA2, schema.ContactActive).Id)
	if err != nil {
		t.Fatal(err)
	}
	old.Set(schema.FieldRevivedAt, "2024-05-01 10:00:00.000Z")
	if err := app.Save(old); err != nil {
		t.Fatal(err)
	}

	// Four revived (2 by REST, 1 by push, 1 by Go): "<5"; one more: 5. The
	// rejected push counts as a rejected mutation of the team.
	adv := servertest.Token(t, w.AdvA)
	status, body := get(t, srv, adv, w.TeamA.Id, "")
	if status != 200 {
		t.Fatalf("summary: %d %s", status, body)
	}
	if got := at(t, decode(t, body), "dormant_revived"); got != "<5" {
		t.Errorf("4 revived: dormant_revived = %v, want <5", got)
	}
	s := mustCompute(t, app, w.TeamA.Id, mustPeriod(t, "", ""), time.Now())
	if got, want := fmt.Sprint(s.DormantRevived.Value(), s.SyncHealth.RejectedMutations.Value()), "4 1"; got != want {
		t.Errorf("revived, rejected = %s, want %s", got, want)
	}
	c = contact(w.ClientA2, schema.ContactDormant)
	patchContact(t, srv, w.ClientA2, c.Id, map[string]any{"status": "active"}, 200)
	_, body = get(t, srv, adv, w.TeamA.Id, "")
	if got := at(t, decode(t, body), "dormant_revived"); got != 5.0 {
		t.Errorf("5 revived: dormant_revived = %v, want 5", got)
	}
	s = mustCompute(t, app, w.TeamA.Id, mustPeriod(t, "2024-01-01", "2024-12-31"), time.Now())
	if got := s.DormantRevived.Value(); got != 1 {
		t.Errorf("2024: revived = %d, want 1 (the imported one)", got)
	}
}
