package invite_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/invite"
)

const newPassword = "mijn-eigen-wachtwoord"

func accept(username string) map[string]any {
	return map[string]any{"password": newPassword, "password_confirm": newPassword, "username": username}
}

// newClient saves a client of team A without a username, as a begeleider
// registers someone before they have an account of their own.
func newClient(t *testing.T, e *env, name string) *core.Record {
	t.Helper()
	c, _ := e.app.FindCachedCollectionByNameOrId(schema.Clients)
	r := core.NewRecord(c)
	r.Set(schema.FieldName, name)
	r.Set(schema.FieldTeam, e.w.TeamA.Id)
	r.SetRandomPassword()
	if err := e.app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// login logs in with PocketBase's own endpoint and returns the status.
func (e *env) login(identity, password string) int {
	e.t.Helper()
	return e.do("POST", "/api/collections/clients/auth-with-password", "", map[string]any{"identity": identity, "password": password}).status
}

// snapshot is what a refused accept must leave alone.
type snapshot struct {
	password, tokenKey, username string
	version                      int
	usedAt                       string
}

func snap(t *testing.T, e *env, client, inviteID string) snapshot {
	t.Helper()
	c, err := e.app.FindRecordById(schema.Clients, client)
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{password: c.GetString("password"), tokenKey: c.TokenKey(), username: c.GetString("username"), version: c.GetInt(schema.FieldVersion)}
	if inviteID != "" {
		inv, err := e.app.FindRecordById(schema.Invites, inviteID)
		if err != nil {
			t.Fatal(err)
		}
		s.usedAt = inv.GetString(schema.FieldUsedAt)
	}
	return s
}

func inviteID(code string) string { id, _, _ := strings.Cut(code, "."); return id }

func TestAcceptNewClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	client := newClient(t, e, "Sanne")
	inv := e.invite(e.w.BegA, client)

	r := e.do("GET", "/api/invites/v1/"+inv.Code, "", nil)
	var info invite.InfoResponse
	if r.status != 200 || json.Unmarshal(r.body, &info) != nil {
		t.Fatalf("info: %d %s", r.status, r.body)
	}
	if info.ClientName != "Sanne" || info.TeamName != "Team Noord" || info.Username != "" || !info.ExpiresAt.Equal(inv.ExpiresAt) {
		t.Errorf("info=%+v, want Sanne of Team Noord without a username, expiring %s", info, inv.ExpiresAt)
	}

	r = e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("  Sanne.V "))
	var out struct {
		Token  string         `json:"token"`
		Record map[string]any `json:"record"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &out) != nil || out.Token == "" {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if got, want := out.Record["username"], "sanne.v"; got != want {
		t.Errorf("username=%v, want %v (trimmed, lower case)", got, want)
	}
	for _, hidden := range []string{"password", "tokenKey", "authorship"} {
		if _, ok := out.Record[hidden]; ok {
			t.Errorf("the accept answer shows %s", hidden)
		}
	}
	// The token works: it is the client's own PocketBase token.
	if r := e.do("GET", "/api/collections/clients/records/"+client.Id, out.Token, nil); r.status != 200 {
		t.Errorf("the token does not work: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/me/v1/overview", out.Token, nil); r.status != 200 {
		t.Errorf("overview with the accept token: %d %s", r.status, r.body)
	}
	// From now on they log in as anyone does.
	if got := e.login("sanne.v", newPassword); got != 200 {
		t.Errorf("login with the new username and password: %d", got)
	}
	saved, _ := e.app.FindRecordById(schema.Clients, client.Id)
	if got, want := saved.GetInt(schema.FieldVersion), 2; got != want {
		t.Errorf("version=%d, want %d (one write, seen by the sync feed)", got, want)
	}
	if got, _ := schema.ReadAuthorship(saved).Of("username"); got != "clients:"+client.Id {
		t.Errorf("username written by %q, want the client", got)
	}
	used, _ := e.app.FindRecordById(schema.Invites, inviteID(inv.Code))
	if used.GetDateTime(schema.FieldUsedAt).IsZero() {
		t.Error("the invite is not marked used")
	}

	// Single use.
	before := snap(t, e, client.Id, "")
	mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", map[string]any{"password": "een-ander-wachtwoord", "password_confirm": "een-ander-wachtwoord"}), 410, apierr.CodeInviteUsed)
	mustError(t, e.do("GET", "/api/invites/v1/"+inv.Code, "", nil), 410, apierr.CodeInviteUsed)
	if after := snap(t, e, client.Id, ""); after != before {
		t.Errorf("a reused code changed the client: %+v -> %+v", before, after)
	}
	if got := e.login("sanne.v", "een-ander-wachtwoord"); got == 200 {
		t.Error("a reused code set a new password")
	}
}

// A client with a username keeps it; sending another one is refused.
func TestAcceptKeepsUsername(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv := e.invite(e.w.BegA, e.w.ClientA)
	r := e.do("GET", "/api/invites/v1/"+inv.Code, "", nil)
	if !strings.Contains(string(r.body), `"username":"jan"`) {
		t.Errorf("info %s, want username jan", r.body)
	}
	data := mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("janneman")), 400, "invalid_request")
	if _, ok := data["username"]; !ok {
		t.Errorf("data=%v, want username named", data)
	}
	if r := e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("")); r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if got := e.login("jan", newPassword); got != 200 {
		t.Errorf("login as jan with the new password: %d", got)
	}
	if got := e.login("jan", servertest.Password); got == 200 {
		t.Error("the old password still works")
	}
}

// Every refused accept names the field, counts as an attempt and changes
// nothing.
func TestAcceptValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	client := newClient(t, e, "Mo")
	before := snap(t, e, client.Id, "")
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"short password", map[string]any{"password": "kort", "password_confirm": "kort", "username": "mo"}, "password"},
		{"seven characters in more bytes", map[string]any{"password": "ééééééé", "password_confirm": "ééééééé", "username": "mo"}, "password"},
		{"long password", map[string]any{"password": strings.Repeat("x", 72), "password_confirm": strings.Repeat("x", 72), "username": "mo"}, "password"},
		{"no password", map[string]any{"username": "mo"}, "password"},
		{"confirm differs", map[string]any{"password": newPassword, "password_confirm": newPassword + "!", "username": "mo"}, "password_confirm"},
		{"no username", accept(""), "username"},
		{"username with a space", accept("mo ali"), "username"},
		{"username with an accent", accept("moé"), "username"},
		{"username too short", accept("m"), "username"},
		{"username taken", accept("jan"), "username"},
		{"username taken, in capitals", accept("JAN"), "username"},
		{"not JSON", `{"password":`, ""},
		{"unknown field", map[string]any{"password": newPassword, "password_confirm": newPassword, "username": "mo", "team": e.w.TeamB.Id}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := e.invite(e.w.BegA, client)
			data := mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", c.body), 400, "invalid_request")
			if _, ok := data[c.field]; c.field != "" && !ok {
				t.Errorf("data=%v, want %s named", data, c.field)
			}
			rec, _ := e.app.FindRecordById(schema.Invites, inviteID(inv.Code))
			if got, want := rec.GetInt(schema.FieldAttempts), 1; got != want {
				t.Errorf("attempts=%d, want %d", got, want)
			}
			if !rec.GetDateTime(schema.FieldUsedAt).IsZero() {
				t.Error("a refused accept used the invite")
			}
		})
	}
	if after := snap(t, e, client.Id, ""); after != before {
		t.Errorf("refused accepts changed the client: %+v -> %+v", before, after)
	}

	// Refused accepts count towards the lock like wrong codes do.
	inv := e.invite(e.w.BegA, client)
	for i := 0; i < invite.MaxAttempts; i++ {
		mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("m")), 400, "invalid_request")
	}
	mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("mo")), 429, apierr.CodeInviteLocked)
	if after := snap(t, e, client.Id, ""); after != before {
		t.Errorf("a locked invite changed the client: %+v -> %+v", before, after)
	}
}

// Forged codes: a tampered MAC, a MAC of another invite, a made-up id, a
// code of the right shape for another client; all not_found, all alike.
func TestAcceptForged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv := e.invite(e.w.BegA, e.w.ClientA)
	other := e.invite(e.w.BegA, e.w.ClientA2)
	id, mac, _ := strings.Cut(inv.Code, ".")
	_, otherMAC, _ := strings.Cut(other.Code, ".")
	flip := func(s string, i int) string {
		c := byte('A')
		if s[i] == 'A' {
			c = 'B'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	forged := map[string]string{
		"first MAC character":  id + "." + flip(mac, 0),
		"last MAC character":   id + "." + flip(mac, len(mac)-1),
		"another invite's MAC": id + "." + otherMAC,
		"made-up id":           "abcdefghijklmno." + mac,
		"no MAC":               id,
		"MAC too long":         inv.Code + "A",
		"id with capitals":     strings.ToUpper(id) + "." + mac,
		"empty MAC":            id + ".",
		"padding":              inv.Code + "==",
	}
	before := snap(t, e, e.w.ClientA.Id, id)
	for name, code := range forged {
		t.Run(name, func(t *testing.T) {
			mustError(t, e.do("GET", "/api/invites/v1/"+code, "", nil), 404, "not_found")
			mustError(t, e.do("POST", "/api/invites/v1/"+code+"/accept", "", accept("")), 404, "not_found")
			mustError(t, e.do("GET", "/api/invites/v1/"+code+"/qr.svg", "", nil), 404, "not_found")
		})
	}
	if after := snap(t, e, e.w.ClientA.Id, id); after != before {
		t.Errorf("forged codes changed something: %+v -> %+v", before, after)
	}
	// The genuine code still works after the forgeries (they counted, but
	// fewer than the limit: three wrong MACs, three requests each).
	if r := e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("")); r.status != 200 {
		t.Fatalf("genuine code after forgeries: %d %s", r.status, r.body)
	}
}

// After MaxAttempts refused tries the code is locked, even for the right
// MAC and a valid body: guessing costs the guesser the invite.
func TestAcceptLocked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv := e.invite(e.w.BegA, e.w.ClientA)
	id, mac, _ := strings.Cut(inv.Code, ".")
	wrong := id + "." + strings.Repeat("A", len(mac))
	for i := 0; i < invite.MaxAttempts; i++ {
		mustError(t, e.do("POST", "/api/invites/v1/"+wrong+"/accept", "", accept("")), 404, "not_found")
	}
	before := snap(t, e, e.w.ClientA.Id, id)
	mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("")), 429, apierr.CodeInviteLocked)
	mustError(t, e.do("GET", "/api/invites/v1/"+inv.Code, "", nil), 429, apierr.CodeInviteLocked)
	if after := snap(t, e, e.w.ClientA.Id, id); after != before {
		t.Errorf("a locked code changed something: %+v -> %+v", before, after)
	}
	// A new invite works.
	fresh := e.invite(e.w.BegA, e.w.ClientA)
	if r := e.do("POST", "/api/invites/v1/"+fresh.Code+"/accept", "", accept("")); r.status != 200 {
		t.Fatalf("a new invite after a lock: %d %s", r.status, r.body)
	}
}

func TestAcceptExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	invite.SetClock(e.app, func() time.Time { return now })
	inv := e.invite(e.w.BegA, e.w.ClientA)

	invite.SetClock(e.app, func() time.Time { return now.Add(7*24*time.Hour - time.Second) })
	if r := e.do("GET", "/api/invites/v1/"+inv.Code, "", nil); r.status != 200 {
		t.Fatalf("a second before expiry: %d %s", r.status, r.body)
	}
	invite.SetClock(e.app, func() time.Time { return now.Add(7 * 24 * time.Hour) })
	before := snap(t, e, e.w.ClientA.Id, inviteID(inv.Code))
	mustError(t, e.do("GET", "/api/invites/v1/"+inv.Code, "", nil), 410, apierr.CodeInviteExpired)
	mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("")), 410, apierr.CodeInviteExpired)
	mustError(t, e.do("GET", "/api/invites/v1/"+inv.Code+"/qr.svg", "", nil), 410, apierr.CodeInviteExpired)
	if after := snap(t, e, e.w.ClientA.Id, inviteID(inv.Code)); after != before {
		t.Errorf("an expired code changed something: %+v -> %+v", before, after)
	}
}

func TestAcceptRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	old := e.invite(e.w.BegA, e.w.ClientA)
	e.invite(e.w.BegA, e.w.ClientA)
	before := snap(t, e, e.w.ClientA.Id, inviteID(old.Code))
	mustError(t, e.do("POST", "/api/invites/v1/"+old.Code+"/accept", "", accept("")), 410, apierr.CodeInviteRevoked)
	if after := snap(t, e, e.w.ClientA.Id, inviteID(old.Code)); after != before {
		t.Errorf("a revoked code changed something: %+v -> %+v", before, after)
	}
}

// A client disabled after the invite was made cannot accept it.
func TestAcceptDisabled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv := e.invite(e.w.BegA, e.w.ClientA)
	c, _ := e.app.FindRecordById(schema.Clients, e.w.ClientA.Id)
	c.Set(schema.FieldDisabled, true)
	if err := e.app.Save(c); err != nil {
		t.Fatal(err)
	}
	before := snap(t, e, c.Id, inviteID(inv.Code))
	mustError(t, e.do("GET", "/api/invites/v1/"+inv.Code, "", nil), 403, apierr.CodeAccountDisabled)
	mustError(t, e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("")), 403, apierr.CodeAccountDisabled)
	if after := snap(t, e, c.Id, inviteID(inv.Code)); after != before {
		t.Errorf("a disabled client's accept changed something: %+v -> %+v", before, after)
	}
}

// Deleting a client deletes their invites (the relation cascades).
func TestDeleteClientDeletesInvites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	client := newClient(t, e, "Tijdelijk")
	inv := e.invite(e.w.BegA, client)
	if err := e.app.Delete(client); err != nil {
		t.Fatal(err)
	}
	if got := len(invitesOf(t, e.app, client.Id)); got != 0 {
		t.Errorf("%d invites left of a deleted client", got)
	}
	mustError(t, e.do("GET", "/api/invites/v1/"+inv.Code, "", nil), 404, "not_found")
}

// Two accepts of one code at once: exactly one wins.
func TestAcceptRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv := e.invite(e.w.BegA, e.w.ClientA)
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			pw := fmt.Sprintf("wachtwoord-nummer-%d", i)
			statuses[i] = e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", map[string]any{"password": pw, "password_confirm": pw}).status
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusGone:
		default:
			t.Errorf("status %d, want 200 or 410", s)
		}
	}
	if ok != 1 {
		t.Errorf("%d accepts won (%v), want exactly 1", ok, statuses)
	}
}

// The code never reaches PocketBase's request log: the URL a request ends
// with (which the logger writes) has it blanked out.
func TestCodeNotLogged(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	var mu sync.Mutex
	var seen []string
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(func(re *core.RequestEvent) error {
			err := re.Next()
			mu.Lock()
			seen = append(seen, re.Request.URL.RequestURI())
			mu.Unlock()
			return err
		})
		return se.Next()
	})
	e := &env{t: t, app: app, w: w, url: servertest.Serve(t, app).URL}
	inv := e.invite(w.BegA, w.ClientA)
	e.do("GET", "/api/invites/v1/"+inv.Code, "", nil)
	e.do("GET", "/api/invites/v1/"+inv.Code+"/qr.svg", "", nil)
	e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept(""))
	e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("")) // refused: used
	mu.Lock()
	defer mu.Unlock()
	id, mac, _ := strings.Cut(inv.Code, ".")
	for _, u := range seen {
		if strings.Contains(u, mac) || strings.Contains(u, id) {
			t.Errorf("logged URL %q holds the code", u)
		}
	}
	if got, want := len(seen), 5; got != want {
		t.Errorf("saw %d requests, want %d", got, want)
	}
}
