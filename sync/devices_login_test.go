package sync_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// TestRegisterNeedsStaffMFA: a device is registered for staff only with a
// login that passed MFA (sync/devices_login.go). Everything goes through
// real HTTP: PocketBase's own login endpoints make the tokens.
func TestRegisterNeedsStaffMFA(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	body := func(device string) map[string]any {
		return map[string]any{"device_id": device, "platform": "android", "app_version": "1.0", "schema_version": 1}
	}
	register := func(token, device string) reply {
		t.Helper()
		return s.do("POST", "/api/sync/v1/devices", token, body(device))
	}

	// A password alone gets no token from PocketBase: MFA is on.
	pw := s.do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": s.w.BegA.Email(), "password": servertest.Password})
	var first struct {
		MfaID string `json:"mfaId"`
		Token string `json:"token"`
	}
	_ = json.Unmarshal(pw.body, &first)
	if pw.status != http.StatusUnauthorized || first.MfaID == "" || first.Token != "" {
		t.Fatalf("password alone: %d %s, want 401 with an mfaId and no token", pw.status, pw.body)
	}

	// Password and code: the device is registered.
	token := servertest.LogIn(t, s.url, schema.Users, s.w.BegA.Email(), servertest.Password)
	if r := register(token, "mfa-phone"); r.status != http.StatusOK {
		t.Fatalf("register with an MFA login: %d %s", r.status, r.body)
	}
	// Clients are not staff: a password is their login.
	client := servertest.LogIn(t, s.url, schema.Clients, s.w.ClientA.GetString("username"), servertest.Password)
	if r := register(client, "client-phone"); r.status != http.StatusOK {
		t.Fatalf("register with a client's password login: %d %s", r.status, r.body)
	}

	// A superuser's impersonation token passed no MFA of the staff member's.
	su := servertest.NewSuperuser(t, s.app, "beheer@example.nl")
	imp := s.do("POST", "/api/collections/users/impersonate/"+s.w.BegB.Id, servertest.Token(t, su), map[string]any{})
	var impOut struct{ Token string }
	if imp.status != http.StatusOK || json.Unmarshal(imp.body, &impOut) != nil || impOut.Token == "" {
		t.Fatalf("impersonate: %d %s", imp.status, imp.body)
	}
	if got, want := mustError(t, register(impOut.Token, "impersonated-phone"), apierr.CodeMFARequired)["reason"], "impersonation"; got != want {
		t.Fatalf("impersonation: data.reason=%v, want %q", got, want)
	}
	// Nor is a client's: the phone's syncs would be logged as theirs.
	imp = s.do("POST", "/api/collections/clients/impersonate/"+s.w.ClientA.Id, servertest.Token(t, su), map[string]any{})
	impOut.Token = ""
	if imp.status != http.StatusOK || json.Unmarshal(imp.body, &impOut) != nil || impOut.Token == "" {
		t.Fatalf("impersonate a client: %d %s", imp.status, imp.body)
	}
	if got, want := mustError(t, register(impOut.Token, "impersonated-client-phone"), apierr.CodeForbidden)["reason"], "impersonation"; got != want {
		t.Fatalf("client impersonation: data.reason=%v, want %q", got, want)
	}

	// Someone switches MFA off while the server runs: a password alone now
	// gets a token, and it registers no device.
	users, err := s.app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	users.MFA.Enabled = false
	if err := s.app.Save(users); err != nil {
		t.Fatal(err)
	}
	passwordOnly := servertest.LogIn(t, s.url, schema.Users, s.w.BegB.Email(), servertest.Password)
	if got, want := mustError(t, register(passwordOnly, "password-phone"), apierr.CodeMFARequired)["reason"], "mfa_off"; got != want {
		t.Fatalf("password-only login: data.reason=%v, want %q", got, want)
	}
	// The phone registered with MFA is not touched, and clients go on.
	if r := register(client, "client-phone"); r.status != http.StatusOK {
		t.Fatalf("client with MFA off for staff: %d %s", r.status, r.body)
	}
	if n, err := s.app.CountRecords(schema.SyncDevices); err != nil || n != 2 {
		t.Fatalf("devices=%d (%v), want 2: the refused registrations left no device", n, err)
	}
}
