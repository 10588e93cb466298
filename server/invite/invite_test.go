package invite_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server"
	"github.com/samenspel/samenspel/server/invite"
)

// env is a served World and a way to call it over real HTTP.
type env struct {
	t   *testing.T
	app *tests.TestApp
	w   *servertest.World
	url string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	app, w := servertest.NewWorldApp(t)
	return &env{t: t, app: app, w: w, url: servertest.Serve(t, app).URL}
}

// reply is an HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body is nil, a string, or a value to marshal; auth
// is an Authorization header value or "".
func (e *env) do(method, path, auth string, body any) reply {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{res.StatusCode, res.Header, raw}
}

// token is a PocketBase auth token of a person, fresh from the database.
func (e *env) token(person *core.Record) string {
	e.t.Helper()
	fresh, err := e.app.FindRecordById(person.Collection().Name, person.Id)
	if err != nil {
		e.t.Fatal(err)
	}
	return servertest.Token(e.t, fresh)
}

// invite makes an invite for client as by, and fails the test otherwise.
func (e *env) invite(by, client *core.Record) invite.CreateResponse {
	e.t.Helper()
	r := e.do("POST", "/api/invites/v1", e.token(by), map[string]any{"client": client.Id})
	var out invite.CreateResponse
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || out.Code == "" {
		e.t.Fatalf("invite %s by %s: %d %s", client.Id, by.Id, r.status, r.body)
	}
	return out
}

// mustError checks the error shape {status, code, message, data} with the
// HTTP status, and returns data.
func mustError(t *testing.T, r reply, status int, code string) map[string]any {
	t.Helper()
	var e struct {
		Status  int            `json:"status"`
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Data    map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not JSON (%v): %d %s", err, r.status, r.body)
	}
	if r.status != status || e.Status != status || e.Code != code || e.Message == "" || e.Data == nil {
		t.Fatalf("got %d %s, want %d with code %s, a message and data", r.status, r.body, status, code)
	}
	return e.Data
}

// invites returns the invites of a client, oldest first.
func invitesOf(t *testing.T, app core.App, client string) []*core.Record {
	t.Helper()
	var out []*core.Record
	err := app.RecordQuery(schema.Invites).Where(dbx.HashExp{schema.FieldClient: client}).OrderBy("created ASC", "rowid ASC").All(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCreateWhoMayInvite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	cases := []struct {
		name   string
		auth   string
		client string
		status int
		code   string
	}{
		{"begeleider of the client's team", e.token(w.BegA), w.ClientA.Id, 200, ""},
		{"coordinator", e.token(w.Coord), w.ClientB.Id, 200, ""},
		{"begeleider of another team", e.token(w.BegB), w.ClientA.Id, 403, "forbidden"},
		{"teamadviseur of the team", e.token(w.AdvA), w.ClientA.Id, 403, "forbidden"},
		{"the client themselves", e.token(w.ClientA), w.ClientA.Id, 403, "forbidden"},
		{"another client", e.token(w.ClientA2), w.ClientA.Id, 403, "forbidden"},
		{"anonymous", "", w.ClientA.Id, 401, "unauthorized"},
		{"a forged token", "eyJhbGciOiJIUzI1NiJ9.e30.x", w.ClientA.Id, 401, "unauthorized"},
		{"a client that does not exist", e.token(w.BegA), "aaaaaaaaaaaaaaa", 404, "not_found"},
		{"no client", e.token(w.BegA), "", 400, "invalid_request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(invitesOf(t, e.app, c.client))
			r := e.do("POST", "/api/invites/v1", c.auth, map[string]any{"client": c.client})
			if c.status == 200 {
				var out invite.CreateResponse
				if r.status != 200 || json.Unmarshal(r.body, &out) != nil {
					t.Fatalf("got %d %s, want 200", r.status, r.body)
				}
				if !strings.HasPrefix(out.Link, e.url+"/invite/#") || !strings.HasSuffix(out.Link, "#"+out.Code) {
					t.Errorf("link=%q, want %s/invite/#<code>", out.Link, e.url)
				}
				if got, want := time.Until(out.ExpiresAt).Round(time.Hour), 7*24*time.Hour; got != want {
					t.Errorf("expires in %s, want %s", got, want)
				}
				if !strings.HasPrefix(out.QRSVG, "<svg") {
					t.Errorf("qr_svg=%.40q, want an SVG image", out.QRSVG)
				}
				return
			}
			if c.status == 401 && c.auth != "" {
				// PocketBase itself refuses a bad token before us; its shape has no code.
				if r.status != 401 {
					t.Fatalf("got %d %s, want 401", r.status, r.body)
				}
			} else {
				mustError(t, r, c.status, c.code)
			}
			if got := len(invitesOf(t, e.app, c.client)); got != before {
				t.Errorf("a refused invite changed the invites: %d -> %d", before, got)
			}
		})
	}
}

func TestCreateBadBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.token(e.w.BegA)
	for name, body := range map[string]string{
		"not JSON":      `{"client":`,
		"empty":         ``,
		"unknown field": `{"client":"` + e.w.ClientA.Id + `","team":"x"}`,
		"wrong type":    `{"client":7}`,
		"two values":    `{"client":"` + e.w.ClientA.Id + `"}{}`,
	} {
		t.Run(name, func(t *testing.T) {
			mustError(t, e.do("POST", "/api/invites/v1", tok, body), 400, "invalid_request")
		})
	}
	if got := len(invitesOf(t, e.app, e.w.ClientA.Id)); got != 0 {
		t.Errorf("bad bodies made %d invites", got)
	}
}

func TestCreateDisabledClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _ := e.app.FindRecordById(schema.Clients, e.w.ClientA.Id)
	c.Set(schema.FieldDisabled, true)
	if err := e.app.Save(c); err != nil {
		t.Fatal(err)
	}
	mustError(t, e.do("POST", "/api/invites/v1", e.token(e.w.BegA), map[string]any{"client": c.Id}), 403, apierr.CodeAccountDisabled)
}

// A new invite for the same client revokes the open older ones; the
// invites of other clients stay.
func TestCreateRevokesOlder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.invite(e.w.BegA, e.w.ClientA)
	other := e.invite(e.w.BegA, e.w.ClientA2)
	second := e.invite(e.w.Coord, e.w.ClientA)

	all := invitesOf(t, e.app, e.w.ClientA.Id)
	if got, want := len(all), 2; got != want {
		t.Fatalf("%d invites, want %d", got, want)
	}
	if all[0].GetDateTime(schema.FieldRevokedAt).IsZero() || !all[1].GetDateTime(schema.FieldRevokedAt).IsZero() {
		t.Errorf("revoked_at = %v, %v; want the older revoked and the newer open", all[0].Get(schema.FieldRevokedAt), all[1].Get(schema.FieldRevokedAt))
	}
	if got, want := all[0].GetString(schema.FieldCreatedBy), e.w.BegA.Id; got != want {
		t.Errorf("created_by=%s, want %s", got, want)
	}
	mustError(t, e.do("GET", "/api/invites/v1/"+first.Code, "", nil), 410, apierr.CodeInviteRevoked)
	for _, c := range []string{second.Code, other.Code} {
		if r := e.do("GET", "/api/invites/v1/"+c, "", nil); r.status != 200 {
			t.Errorf("newest invite: %d %s, want 200", r.status, r.body)
		}
	}
}

// Coordinators may list invites (and superusers); nobody writes them
// through the REST API, and nobody else reads them.
func TestInvitesCollectionRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv := e.invite(e.w.BegA, e.w.ClientA)
	list := func(person *core.Record) int {
		r := e.do("GET", "/api/collections/invites/records", e.token(person), nil)
		var out struct {
			Items []map[string]any `json:"items"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &out) != nil {
			t.Fatalf("list as %s: %d %s", person.Id, r.status, r.body)
		}
		return len(out.Items)
	}
	if got, want := list(e.w.Coord), 1; got != want {
		t.Errorf("coordinator lists %d invites, want %d", got, want)
	}
	for _, p := range []*core.Record{e.w.BegA, e.w.AdvA, e.w.ClientA} {
		if got := list(p); got != 0 {
			t.Errorf("%s lists %d invites, want none", p.Id, got)
		}
	}
	id, _, _ := strings.Cut(inv.Code, ".")
	for _, p := range []*core.Record{e.w.BegA, e.w.Coord, e.w.ClientA} {
		if r := e.do("PATCH", "/api/collections/invites/records/"+id, e.token(p), map[string]any{"used_at": "", "attempts": 0}); r.status < 400 {
			t.Errorf("%s patched an invite: %d", p.Id, r.status)
		}
		if r := e.do("POST", "/api/collections/invites/records", e.token(p), map[string]any{"client": e.w.ClientA.Id, "expires_at": "2999-01-01 00:00:00.000Z"}); r.status < 400 {
			t.Errorf("%s created an invite: %d", p.Id, r.status)
		}
	}
}

// Without a public URL the link follows the origin of the request; with
// one, the public URL.
func TestLinkBase(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	cfg.PublicURL = "https://samenspel.example.nl"
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	e := &env{t: t, app: app, w: w, url: servertest.Serve(t, app).URL}
	out := e.invite(w.BegA, w.ClientA)
	if got, want := out.Link, "https://samenspel.example.nl/invite/#"+out.Code; got != want {
		t.Errorf("link=%q, want %q", got, want)
	}
}
