package servertest

import (
	"net/http/httptest"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/server"
)

// OIDC starts a real OpenID Connect provider on loopback (mockoidc),
// stopped when the test ends, and returns it with a server configuration
// whose staff log in through it (as the organisation's identity
// provider, docs/staff-login.md), with MFA mode mfa and the login button
// labelled button. Queue the person the provider logs in next with
// QueueUser.
func OIDC(tb testing.TB, mfa, button string) (*mockoidc.MockOIDC, *server.Config) {
	tb.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		tb.Fatalf("start mock OIDC provider: %v", err)
	}
	tb.Cleanup(func() { _ = m.Shutdown() })
	cfg := server.DefaultConfig()
	cfg.Staff.MFA = mfa
	cfg.Staff.OIDC = server.OIDCConfig{
		AuthURL: m.AuthorizationEndpoint(), TokenURL: m.TokenEndpoint(), UserInfoURL: m.UserinfoEndpoint(),
		ClientID: m.ClientID, ClientSecret: m.ClientSecret, DisplayName: button,
	}
	return m, cfg
}

// OIDCWorld is a World served over real HTTP whose staff log in through
// a mock OIDC provider (OIDC, MFA by Samenspel), for browser tests of the
// login button labelled button.
func OIDCWorld(tb testing.TB, button string) (*mockoidc.MockOIDC, *tests.TestApp, *World, *httptest.Server) {
	tb.Helper()
	m, cfg := OIDC(tb, server.StaffMFAOTP, button)
	app := NewApp(tb, cfg)
	w := NewWorld(tb, app)
	return m, app, w, Serve(tb, app)
}
