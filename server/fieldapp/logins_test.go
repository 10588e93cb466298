package fieldapp_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/demo"
)

// TestFieldAppDemoLogins logs in to the app in headless Chromium
// (e2e/logins.mjs) as every login the demo organisation prints, so a
// newcomer who runs `go run . demo` can try any of them: each begeleider
// reaches their team (or the choice of team), each cliënt their own
// goals, and a teamadviseur or coördinator, whom the app does not serve,
// a screen that sends them to the review page, with nothing stored on
// the phone.
func TestFieldAppDemoLogins(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")

	app := servertest.NewApp(t, nil)
	sum, err := demo.Fill(app, io.Discard, 7)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	// 46 logins from one address in a minute or two is what PocketBase's
	// login rate limit is there to stop; this test is about the screens.
	// An excluded address is an operator's choice, which the server keeps.
	s := app.Settings()
	s.RateLimits.ExcludedIPs = []string{"127.0.0.1"}
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	srv := servertest.Serve(t, app)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	type login struct {
		Login   string `json:"login"`
		Role    string `json:"role"`
		Heading string `json:"heading"`
	}
	var logins []login
	roles := map[string]int{}
	for _, l := range sum.Logins {
		h := ""
		switch l.Role {
		case schema.RoleBegeleider:
			h = "Kies je team"
			if len(l.Teams) == 1 {
				h = mustRecord(t, app, schema.Teams, "name = {:name}", dbx.Params{"name": l.Teams[0]}).GetString(schema.FieldName)
			}
		case "client":
			h = "Mijn doelen"
		default:
			h = "Deze app is voor begeleiders en cliënten"
		}
		logins = append(logins, login{l.Login, l.Role, h})
		roles[l.Role]++
	}
	t.Logf("demo logins: %v", roles)
	for _, r := range []string{schema.RoleBegeleider, "client", schema.RoleTeamadviseur, schema.RoleCoordinator} {
		if roles[r] == 0 {
			t.Errorf("the demo has no %s login", r)
		}
	}
	var out struct {
		Reached []struct {
			Login, Role string
			Ms          int
		}
		Axe map[string][]string
	}
	runScript(t, node, "logins.mjs", map[string]any{
		"url": srv.URL, "chromium": chromium, "password": demo.Password, "logins": logins,
		"artifacts": artifacts, "docShots": docShots(t),
	}, &out)
	if got, want := len(out.Reached), len(logins); got != want {
		t.Errorf("reached the start screen: %d logins, want %d", got, want)
	}
	slowest := 0
	for _, r := range out.Reached {
		slowest = max(slowest, r.Ms)
	}
	t.Logf("%d logins reached their start screen; the slowest took %d ms from the tap", len(out.Reached), slowest)
	for role, v := range out.Axe {
		if len(v) > 0 {
			t.Errorf("axe-core, serious or critical on the start screen of a %s: %v", role, v)
		}
	}
}
