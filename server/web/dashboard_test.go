package web_test

import (
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
)

// TestDashboardLoginNeedsCode: a superuser logging in to PocketBase's
// dashboard in headless Chromium (e2e/dashboard.mjs) is asked, after the
// password, for the code mailed to them, and is in with it.
func TestDashboardLoginNeedsCode(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")
	app := servertest.NewApp(t, nil)
	servertest.NewSuperuser(t, app, "beheer@example.nl")
	srv := servertest.Serve(t, app)
	var out struct{ CodeAsked, LoggedIn bool }
	mustRunScript(t, node, "dashboard.mjs", map[string]any{
		"url": srv.URL, "chromium": chromium, "email": "beheer@example.nl", "password": servertest.Password,
	}, &out)
	if !out.CodeAsked || !out.LoggedIn {
		t.Fatalf("dashboard login: %+v, want the code asked and then in", out)
	}
}
