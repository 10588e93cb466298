package fieldapp_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/schema"
)

// TestFieldAppOIDCLogin logs in to the app in headless Chromium through
// the organisation's identity provider (e2e/oidc.mjs), a real OpenID
// Connect provider on loopback (mockoidc): someone without a staff
// account is sent back to the form with the reason and no account is
// made; a begeleider gives their e-mail address for the code (MFA by
// Samenspel, the default), types it and reaches their team, with this
// phone registered.
func TestFieldAppOIDCLogin(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")

	m, app, w, srv := servertest.OIDCWorld(t, "Inloggen met je werkaccount")
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	staffBefore, err := app.CountRecords(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "entra-onbekend", Email: "onbekend@example.nl", EmailVerified: true})
	m.QueueUser(&mockoidc.MockUser{Subject: "entra-anouk", Email: w.BegA.Email(), EmailVerified: true})

	var out struct{ Axe []string }
	runScript(t, node, "oidc.mjs", map[string]any{
		"url": srv.URL, "chromium": chromium, "button": "Inloggen met je werkaccount",
		"email": w.BegA.Email(), "heading": w.TeamA.GetString(schema.FieldName), "artifacts": artifacts,
	}, &out)
	for _, v := range out.Axe {
		t.Errorf("axe-core, serious or critical: %s", v)
	}
	if n, err := app.CountRecords(schema.Users); err != nil || n != staffBefore {
		t.Errorf("staff accounts %d (%v) after the walk, want %d: a login made one", n, err, staffBefore)
	}
	devices, err := app.FindAllRecords(schema.SyncDevices)
	if err != nil {
		t.Fatal(err)
	}
	mine := 0
	for _, d := range devices {
		if d.GetString("owner") == w.BegA.Id {
			mine++
		}
	}
	if mine != 1 {
		t.Errorf("the begeleider has %d registered phones after the OIDC login, want 1", mine)
	}
}
