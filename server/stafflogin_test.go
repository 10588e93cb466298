package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	gosync "sync"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server"
)

// startOIDC starts a real OpenID Connect provider on loopback and returns
// it with a server configuration that uses it for staff logins.
func startOIDC(t *testing.T, mfa string) (*mockoidc.MockOIDC, *server.Config) {
	t.Helper()
	return servertest.OIDC(t, mfa, "Inloggen met Entra")
}

// oidcLogin runs the authorization-code flow over real HTTP as PocketBase's
// SDK does: the auth methods give the provider's URL, state and PKCE
// verifier; the provider (who logs user in) redirects back with a code;
// auth-with-oauth2 exchanges it. It returns the answer to that last step.
func oidcLogin(t *testing.T, base string, m *mockoidc.MockOIDC, user *mockoidc.MockUser) (int, map[string]any) {
	t.Helper()
	var methods struct {
		OAuth2 struct {
			Enabled   bool `json:"enabled"`
			Providers []struct {
				Name, AuthURL, State, CodeVerifier string
			} `json:"providers"`
		} `json:"oauth2"`
	}
	mustGetJSON(t, base+"/api/collections/users/auth-methods", &methods)
	if !methods.OAuth2.Enabled || len(methods.OAuth2.Providers) != 1 || methods.OAuth2.Providers[0].Name != "oidc" {
		t.Fatalf("auth methods: %+v, want the one oidc provider", methods.OAuth2)
	}
	p := methods.OAuth2.Providers[0]
	redirect := base + "/api/oauth2-redirect"

	m.QueueUser(user)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(p.AuthURL + url.QueryEscape(redirect))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), redirect) {
		t.Fatalf("authorize: %d to %q (%v), want a redirect back to %s", res.StatusCode, res.Header.Get("Location"), err, redirect)
	}
	if got := back.Query().Get("state"); got != p.State {
		t.Fatalf("state %q, want %q", got, p.State)
	}
	return post(t, base+"/api/collections/users/auth-with-oauth2", "", map[string]any{
		"provider": "oidc", "code": back.Query().Get("code"), "codeVerifier": p.CodeVerifier, "redirectURL": redirect,
	})
}

func post(t *testing.T, u, token string, body map[string]any) (int, map[string]any) {
	t.Helper()
	return send(t, http.MethodPost, u, token, body)
}

func patch(t *testing.T, u, token string, body map[string]any) (int, map[string]any) {
	t.Helper()
	return send(t, http.MethodPatch, u, token, body)
}

func send(t *testing.T, method, u, token string, body map[string]any) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, u, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out
}

func mustGetJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func registerDevice(t *testing.T, base, token, device string) (int, map[string]any) {
	t.Helper()
	return post(t, base+server.SyncPrefix+"/devices", token, map[string]any{"device_id": device, "platform": "web", "app_version": "1", "schema_version": 1})
}

// TestOIDCStaffLogin: staff log in through the organisation's identity
// provider (a real OIDC server, the full authorization-code flow), matched
// by e-mail: the provider sends no email_verified, as Microsoft Entra ID
// does not. Samenspel's MFA still applies: the OIDC login is the first
// factor, the code by e-mail the second. A stranger gets no account.
func TestOIDCStaffLogin(t *testing.T) {
	t.Parallel()
	m, cfg := startOIDC(t, server.StaffMFAOTP)
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	base := servertest.Serve(t, app).URL

	status, body := oidcLogin(t, base, m, &mockoidc.MockUser{Subject: "entra-anouk", Email: w.BegA.Email(), EmailVerified: true})
	mfaID, _ := body["mfaId"].(string)
	if status != http.StatusUnauthorized || mfaID == "" {
		t.Fatalf("OIDC login: %d %v, want 401 with an mfaId (the code is still asked)", status, body)
	}
	status, body = post(t, base+"/api/collections/users/request-otp", "", map[string]any{"email": w.BegA.Email()})
	otpID, _ := body["otpId"].(string)
	if status != http.StatusOK || otpID == "" {
		t.Fatalf("request-otp: %d %v", status, body)
	}
	status, body = post(t, base+"/api/collections/users/auth-with-otp", "", map[string]any{"otpId": otpID, "password": servertest.OTP(t, otpID), "mfaId": mfaID})
	token, _ := body["token"].(string)
	if status != http.StatusOK || token == "" {
		t.Fatalf("auth-with-otp after OIDC: %d %v", status, body)
	}
	if rec, _ := body["record"].(map[string]any); rec["id"] != w.BegA.Id {
		t.Fatalf("logged in as %v, want BegA %s", rec["id"], w.BegA.Id)
	}
	if status, body := registerDevice(t, base, token, "oidc-phone"); status != http.StatusOK {
		t.Fatalf("register with OIDC and code: %d %v", status, body)
	}
	links, err := app.FindAllExternalAuthsByRecord(mustRecord(t, app, w.BegA.Id))
	if err != nil || len(links) != 1 || links[0].ProviderId() != "entra-anouk" {
		t.Fatalf("external auths %v (%v), want one link to the provider's subject", links, err)
	}

	before := mustCount(t, app, schema.Users)
	status, body = oidcLogin(t, base, m, &mockoidc.MockUser{Subject: "entra-stranger", Email: "onbekend@example.nl", EmailVerified: true})
	if status != http.StatusForbidden {
		t.Fatalf("stranger: %d %v, want 403", status, body)
	}
	if got := mustCount(t, app, schema.Users); got != before {
		t.Fatalf("users=%d after a stranger's OIDC login, want %d: an account was made", got, before)
	}
	if n, _ := app.CountRecords(core.CollectionNameExternalAuths); n != 1 {
		t.Fatalf("external auths=%d, want 1 (the stranger is not linked)", n)
	}
}

// TestOIDCWithIdPMFA: with SAMENSPEL_STAFF_MFA=idp the identity provider
// does MFA, so an OIDC login gives a token at once, and that login may
// register a device; a password login still needs the code.
func TestOIDCWithIdPMFA(t *testing.T) {
	t.Parallel()
	m, cfg := startOIDC(t, server.StaffMFAIdP)
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	base := servertest.Serve(t, app).URL

	status, body := oidcLogin(t, base, m, &mockoidc.MockUser{Subject: "entra-carla", Email: w.Coord.Email()})
	token, _ := body["token"].(string)
	if status != http.StatusOK || token == "" {
		t.Fatalf("OIDC login with the IdP doing MFA: %d %v, want 200 and a token", status, body)
	}
	if status, body := registerDevice(t, base, token, "idp-phone"); status != http.StatusOK {
		t.Fatalf("register with an IdP login: %d %v", status, body)
	}
	status, body = post(t, base+"/api/collections/users/auth-with-password", "", map[string]any{"identity": w.BegB.Email(), "password": servertest.Password})
	if status != http.StatusUnauthorized || body["mfaId"] == nil {
		t.Fatalf("password login in idp mode: %d %v, want 401 with an mfaId", status, body)
	}
	status, body = oidcLogin(t, base, m, &mockoidc.MockUser{Subject: "entra-nobody", Email: "niemand@example.nl"})
	if status != http.StatusForbidden {
		t.Fatalf("stranger in idp mode: %d %v, want 403", status, body)
	}
}

// TestStaffMFAStaysOn: with MFA left to Samenspel, a server whose users
// collection lost MFA (turned off in the dashboard, say) refuses to start
// and says how to fix it, and the dashboard refuses to turn it off.
func TestStaffMFAStaysOn(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	base := servertest.Serve(t, app).URL

	su := servertest.Token(t, servertest.NewSuperuser(t, app, "beheer@example.nl"))
	status, body := patch(t, base+"/api/collections/users", su, map[string]any{"mfa": map[string]any{"enabled": false}})
	if status != http.StatusBadRequest || !strings.Contains(body["message"].(string), "SAMENSPEL_STAFF_MFA=idp") {
		t.Fatalf("turning MFA off in the dashboard: %d %v, want 400 naming SAMENSPEL_STAFF_MFA", status, body)
	}
	users, err := app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	if !users.MFA.Enabled {
		t.Fatal("MFA was turned off")
	}

	users.MFA.Enabled = false // as if changed behind the server's back
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	if err := triggerServe(t, app); err == nil || !strings.Contains(err.Error(), "SAMENSPEL_STAFF_MFA=idp") {
		t.Fatalf("start with MFA off: %v, want a refusal naming SAMENSPEL_STAFF_MFA", err)
	}
}

// TestSuperuserMFA: superusers log in to the dashboard with a password
// and a code, as staff do; the dashboard refuses to turn that off, and a
// server whose superusers lost it refuses to start unless told
// SAMENSPEL_SUPERUSER_MFA=off.
func TestSuperuserMFA(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	base := servertest.Serve(t, app).URL
	su := servertest.Token(t, servertest.NewSuperuser(t, app, "beheer@example.nl"))

	status, body := post(t, base+"/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "beheer@example.nl", "password": servertest.Password})
	if status != http.StatusUnauthorized || body["mfaId"] == nil || body["token"] != nil {
		t.Fatalf("superuser password login: %d %v, want 401 with an mfaId and no token", status, body)
	}
	token := servertest.LogIn(t, base, core.CollectionNameSuperusers, "beheer@example.nl", servertest.Password)
	if status, _ := send(t, http.MethodGet, base+"/api/settings", token, nil); status != http.StatusOK {
		t.Fatalf("settings with the superuser's two-factor token: %d", status)
	}

	for _, change := range []map[string]any{
		{"mfa": map[string]any{"enabled": false}},
		{"otp": map[string]any{"enabled": false}},
		{"mfa": map[string]any{"enabled": true, "rule": "email != 'x@example.nl'"}},
	} {
		status, body = patch(t, base+"/api/collections/_superusers", su, change)
		if status != http.StatusBadRequest || !strings.Contains(body["message"].(string), "SAMENSPEL_SUPERUSER_MFA=off") {
			t.Errorf("dashboard change %v: %d %v, want 400 naming SAMENSPEL_SUPERUSER_MFA", change, status, body)
		}
	}
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	if !col.MFA.Enabled || !col.OTP.Enabled || col.MFA.Rule != "" {
		t.Fatalf("superuser MFA changed: mfa %+v otp %v", col.MFA, col.OTP.Enabled)
	}

	col.OTP.Enabled, col.MFA.Enabled = false, false // behind the server's back (PocketBase keeps MFA on while OTP is on)
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	if err := triggerServe(t, app); err == nil || !strings.Contains(err.Error(), "SAMENSPEL_SUPERUSER_MFA=off") {
		t.Fatalf("start with superuser MFA off: %v, want a refusal naming SAMENSPEL_SUPERUSER_MFA", err)
	}
	cfg := server.DefaultConfig()
	cfg.Staff.SuperuserMFA = server.SuperuserMFAOff
	off := servertest.NewApp(t, cfg)
	offCol, err := off.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	offCol.OTP.Enabled, offCol.MFA.Enabled = false, false
	if err := off.Save(offCol); err != nil {
		t.Fatal(err)
	}
	if err := triggerServe(t, off); err != nil {
		t.Fatalf("start with SAMENSPEL_SUPERUSER_MFA=off and MFA off: %v", err)
	}
}

func triggerServe(t *testing.T, app core.App) error {
	t.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	return app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(*core.ServeEvent) error { return nil })
}

// TestLoginCodeWithoutSMTP: without SMTP the code mail goes to the log,
// loudly, with the code in it, and nothing is handed to sendmail.
func TestLoginCodeWithoutSMTP(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	cfg := server.DefaultConfig()
	cfg.MailLog = &log
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	base := servertest.Serve(t, app).URL
	if !strings.Contains(log.String(), "no SMTP server is configured") {
		t.Fatalf("no warning at start:\n%s", log.String())
	}
	servertest.LogIn(t, base, schema.Users, w.AdvA.Email(), servertest.Password)
	if !strings.Contains(log.String(), "!!! to "+w.AdvA.Email()+": Je inlogcode voor") || !strings.Contains(log.String(), "!!! login code: ") {
		t.Fatalf("the code mail is not in the log:\n%s", log.String())
	}
	if n := app.TestMailer.TotalSend(); n != 0 {
		t.Fatalf("%d mails went to the mailer, want 0", n)
	}
}

func mustRecord(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(schema.Users, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustCount(t *testing.T, app core.App, collection string) int64 {
	t.Helper()
	n, err := app.CountRecords(collection)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// lockedBuffer is a log the server writes to from its goroutines.
type lockedBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
