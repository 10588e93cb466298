package syncjs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// TestNode runs every server test file (*.test.mjs but store.test.mjs)
// once per storage adapter, each against a fresh World on a real server.
func TestNode(t *testing.T) {
	node := servertest.NodeModules(t, ".", "dexie")
	t.Run("store.test.mjs", func(t *testing.T) { mustNode(t, node, nil, "--test", "store.test.mjs") })
	for _, file := range []string{"client.test.mjs", "photos.test.mjs", "revoke.test.mjs"} {
		for _, store := range []string{"memory", "dexie"} {
			t.Run(file+"/"+store, func(t *testing.T) {
				mustNode(t, node, serverEnv(t, "SAMENSPEL_STORE="+store), "--test", file)
			})
		}
	}
}

// TestScenarios runs the protocol scenarios shared with the Go client
// (sync/testdata/scenarios) through SyncClient, each on a fresh World.
func TestScenarios(t *testing.T) {
	node := servertest.NodeModules(t, ".", "dexie")
	files, err := filepath.Glob("../testdata/scenarios/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			mustNode(t, node, serverEnv(t, "SAMENSPEL_SCENARIO="+f), "--test", "scenarios.test.mjs")
		})
	}
}

// serverEnv serves a fresh World and returns the environment testenv.mjs reads.
func serverEnv(t *testing.T, extra ...string) []string {
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	tokens := map[string]string{}
	tokens["BegA"] = servertest.Token(t, w.BegA)
	tokens["BegB"] = servertest.Token(t, w.BegB)
	tokens["ClientA"] = servertest.Token(t, w.ClientA)
	tokens["Coord"] = servertest.Token(t, w.Coord)
	ids := map[string]string{
		"TeamA": w.TeamA.Id, "TeamB": w.TeamB.Id, "BegA": w.BegA.Id, "BegB": w.BegB.Id, "Coord": w.Coord.Id,
		"ClientA": w.ClientA.Id, "ClientA2": w.ClientA2.Id, "ClientB": w.ClientB.Id,
		"SafariA": w.SafariA.Id, "SafariB": w.SafariB.Id, "ObsA": w.ObsA.Id, "ObsB": w.ObsB.Id,
		"GoalA": w.GoalA.Id, "GoalA2": w.GoalA2.Id, "GoalB": w.GoalB.Id, "StepA": w.StepA.Id, "ContactA": w.ContactA.Id,
	}
	return append([]string{
		"SAMENSPEL_URL=" + srv.URL,
		"SAMENSPEL_TOKENS=" + mustJSON(t, tokens),
		"SAMENSPEL_WORLD=" + mustJSON(t, ids),
	}, extra...)
}

func mustNode(t *testing.T, node string, env []string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %v: %v\n%s", args, err, out.String())
	}
	if testing.Verbose() {
		t.Logf("%s", out.String())
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
