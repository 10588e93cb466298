package fieldapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/demo"
)

// TestFieldAppClient drives the cliënt's side of the app in headless
// Chromium (e2e/client.mjs), a demo cliënt and their begeleider in two
// browser contexts:
//  1. both reword the same goal offline; the begeleider syncs first, then
//     the cliënt, then both again: the cliënt's words stand on both
//     screens, the cliënt agrees to them, and the begeleider's words are
//     in sync_conflicts;
//  2. a goal title over the field's maximum is refused by the server and
//     stays in the sync status with the cliënt's own text;
//  3. a coordinator revokes the cliënt's phone: the app offers the unsent
//     work as a file (downloaded), then nothing is left on the phone;
//  4. axe-core finds nothing serious or critical on any cliënt screen;
//     screenshots at 360 px go to test-artifacts/app-client-*.png.
func TestFieldAppClient(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")

	app := servertest.NewApp(t, nil)
	sum, err := demo.Fill(app, io.Discard, 7)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	beg, team := mustBegeleider(t, app, sum)
	client, goal, safari := mustClientWithPlan(t, app, team.Id)
	coord := mustLogin(t, app, sum, schema.RoleCoordinator)
	coordToken, err := coord.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.Serve(t, app)

	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	clientTitle := "Weer zelf boodschappen doen, op mijn eigen tijd"
	begTitle := "Boodschappen doen met hulp"
	longTitle := "Ik wil " + strings.Repeat("heel graag ", 50) + "zelf koken."
	obsTitle := "Bankje bij de bakker"
	unsent := "Buurvrouw Els"
	in := map[string]any{
		"url": srv.URL, "chromium": chromium, "password": demo.Password, "artifacts": artifacts, "docShots": docShots(t),
		"clientLogin": client.GetString("username"), "client": client.Id, "begeleider": beg.Email(),
		"goal": goal.Id, "safari": safari.GetString(schema.FieldTitle), "coordToken": coordToken,
		"clientTitle": clientTitle, "begTitle": begTitle, "begStep": "Samen de eerste keer naar de supermarkt lopen", "longTitle": longTitle, "obsTitle": obsTitle, "unsent": unsent,
	}
	var out struct {
		Screens  []string            `json:"screens"`
		Axe      map[string][]string `json:"axe"`
		DeviceID string              `json:"deviceId"`
	}
	runScript(t, node, "client.mjs", in, &out)
	t.Logf("screens checked: %v", out.Screens)
	for screen, v := range out.Axe {
		t.Errorf("axe-core, serious or critical on %s: %v", screen, v)
	}

	g, err := app.FindRecordById(schema.Goals, goal.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.GetString(schema.FieldTitle); got != clientTitle {
		t.Errorf("goal title %q, want the cliënt's %q", got, clientTitle)
	}
	if g.GetDateTime(schema.FieldAgreedAt).IsZero() {
		t.Error("goal agreed_at is empty after the cliënt agreed")
	}
	conflicts, err := app.FindAllRecords(schema.SyncConflicts, dbx.HashExp{"record": goal.Id, "field": "title"})
	if err != nil {
		t.Fatal(err)
	}
	var kept bool
	for _, c := range conflicts {
		var lost, keptValue string
		_ = json.Unmarshal([]byte(c.GetString("lost_value")), &lost)
		_ = json.Unmarshal([]byte(c.GetString("kept_value")), &keptValue)
		t.Logf("sync_conflicts: kept %q by %s, lost %q by %s, reason %s", keptValue, c.GetString("kept_by"), lost, c.GetString("lost_by"), c.GetString("reason"))
		if lost == begTitle && keptValue == clientTitle && c.GetString("kept_by") == "clients:"+client.Id &&
			c.GetString("lost_by") == "users:"+beg.Id && c.GetString("reason") == "same_field" && c.GetBool("resolved") {
			kept = true
		}
	}
	if !kept {
		t.Errorf("no sync_conflicts row keeps the begeleider's %q against the cliënt's %q, read by the cliënt (%d rows about the title)", begTitle, clientTitle, len(conflicts))
	}
	obs, err := app.FindAllRecords(schema.Observations, dbx.HashExp{"title": obsTitle})
	if err != nil || len(obs) != 1 {
		t.Fatalf("observations titled %q: %d (%v), want 1", obsTitle, len(obs), err)
	}
	if obs[0].GetString(schema.FieldAuthorClient) != client.Id || obs[0].GetString(schema.FieldAuthorUser) != "" {
		t.Errorf("observation author_client %q author_user %q, want the cliënt %s", obs[0].GetString(schema.FieldAuthorClient), obs[0].GetString(schema.FieldAuthorUser), client.Id)
	}
	if n, _ := app.CountRecords(schema.NetworkContacts, dbx.HashExp{"name": unsent}); n != 0 {
		t.Errorf("the contact written after the revoke reached the server (%d)", n)
	}
	dev, err := app.FindFirstRecordByData(schema.SyncDevices, "device_id", out.DeviceID)
	if err != nil {
		t.Fatalf("device %q: %v", out.DeviceID, err)
	}
	if dev.GetDateTime("revoked_at").IsZero() {
		t.Errorf("device %s is not revoked", out.DeviceID)
	}
	for _, name := range out.Screens {
		if fi, err := os.Stat(filepath.Join(artifacts, "app-"+name+".png")); err != nil || fi.Size() == 0 {
			t.Errorf("screenshot app-%s.png missing: %v", name, err)
		}
	}
}

// mustClientWithPlan is a cliënt of the team with a goal who walked along
// on a safari, their first goal and that safari.
func mustClientWithPlan(tb testing.TB, app core.App, team string) (client, goal, safari *core.Record) {
	tb.Helper()
	clients, err := app.FindAllRecords(schema.Clients, dbx.HashExp{"team": team})
	if err != nil {
		tb.Fatal(err)
	}
	safaris, err := app.FindAllRecords(schema.Safaris, dbx.HashExp{"team": team})
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range clients {
		if c.GetString("username") == "" {
			continue
		}
		goals, err := app.FindAllRecords(schema.Goals, dbx.HashExp{"client": c.Id})
		if err != nil || len(goals) == 0 {
			continue
		}
		for _, s := range safaris {
			for _, id := range s.GetStringSlice(schema.FieldClients) {
				if id == c.Id {
					return c, goals[0], s
				}
			}
		}
	}
	tb.Fatalf("team %s has no cliënt with a goal who joined a safari", team)
	return nil, nil, nil
}

// mustLogin is the first demo staff member with this role.
func mustLogin(tb testing.TB, app core.App, sum *demo.Summary, role string) *core.Record {
	tb.Helper()
	for _, l := range sum.Logins {
		if l.Role == role {
			r, err := app.FindAuthRecordByEmail(schema.Users, l.Login)
			if err != nil {
				tb.Fatal(err)
			}
			return r
		}
	}
	tb.Fatalf("demo has no %s", role)
	return nil
}

// runScript runs one of the e2e scripts with in as JSON on stdin and
// decodes its JSON output into out. The bound is generous: on a loaded
// machine a browser script takes minutes; a hung one still ends.
func runScript(tb testing.TB, node, script string, in, out any) {
	tb.Helper()
	b, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Dir = "e2e"
	cmd.Stdin = bytes.NewReader(b)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("node e2e/%s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		tb.Fatalf("%s output: %v\n%s", script, err, stdout.String())
	}
}
