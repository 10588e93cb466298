package audit_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server/audit"
)

type env struct {
	t   *testing.T
	app *tests.TestApp
	w   *servertest.World
	url string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	return &env{t: t, app: app, w: w, url: srv.URL}
}

type response struct {
	status int
	body   []byte
}

// do sends a request; auth is an Authorization value ("" for none).
func (e *env) do(method, path, auth string, body any) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, raw}
}

func (e *env) token(p *core.Record) string { return servertest.Token(e.t, p) }

func (e *env) mustOK(r response, what string) {
	e.t.Helper()
	if r.status != http.StatusOK {
		e.t.Fatalf("%s: %d %s", what, r.status, r.body)
	}
}

// entries reads the access log as the coordinator, everything but the
// coordinator's own reading of the log, oldest first.
func (e *env) entries(q url.Values) []accesslog.Entry {
	e.t.Helper()
	r := e.do("GET", audit.EntriesPath+"?"+q.Encode(), e.token(e.w.Coord), nil)
	e.mustOK(r, "read access log")
	var p audit.Page
	if err := json.Unmarshal(r.body, &p); err != nil {
		e.t.Fatal(err)
	}
	var out []accesslog.Entry
	for _, en := range p.Entries {
		if en.Collections != accesslog.CollectionAccessLog {
			out = append(out, en)
		}
	}
	slices.Reverse(out)
	return out
}

// by is the entries of one person.
func (e *env) by(p *core.Record) []accesslog.Entry {
	return e.entries(url.Values{"person": {p.Id}})
}

func (e *env) register(person *core.Record, deviceID string) string {
	e.t.Helper()
	r := e.do("POST", "/api/sync/v1/devices", e.token(person),
		map[string]any{"device_id": deviceID, "platform": "android", "app_version": "1.0", "schema_version": 1})
	var out struct {
		Token string `json:"token"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || out.Token == "" {
		e.t.Fatalf("register %s: %d %s", deviceID, r.status, r.body)
	}
	return "Bearer " + out.Token
}

func (e *env) save(collection string, fields map[string]any) *core.Record {
	e.t.Helper()
	c, err := e.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		e.t.Fatal(err)
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := e.app.Save(r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// find is the entry of client with action, failing unless exactly one.
func find(t *testing.T, list []accesslog.Entry, client, action string) accesslog.Entry {
	t.Helper()
	var got []accesslog.Entry
	for _, en := range list {
		if en.Client == client && en.Action == action {
			got = append(got, en)
		}
	}
	if len(got) != 1 {
		t.Fatalf("entries of client %s, %s: %d, want 1; all: %+v", client, action, len(got), list)
	}
	return got[0]
}

func clientsOf(list []accesslog.Entry) []string {
	var out []string
	for _, en := range list {
		if !slices.Contains(out, en.Client) {
			out = append(out, en.Client)
		}
	}
	slices.Sort(out)
	return out
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
