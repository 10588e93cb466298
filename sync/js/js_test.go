package syncjs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server"
	fieldsync "github.com/samenspel/samenspel/sync"
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

// TestNodeErrors runs the tests of the answers that are not about data,
// each against a server made to give them (once per storage adapter):
// expiry.test.mjs, 410 cursor_expired after the change feed was purged
// past the device's cursor (POST /_test/expire?step= deletes that goal
// step and purges as an hourly run far in the future would); ratelimit.test.mjs,
// 429 with Retry-After from a server allowing one request a second per
// device (a burst of two); backoff.test.mjs, 503 from a proxy in front of
// the server that answers so for as many sync requests as POST
// /_test/fail?n= says, then passes them through.
func TestNodeErrors(t *testing.T) {
	node := servertest.NodeModules(t, ".", "dexie")
	for _, store := range []string{"memory", "dexie"} {
		t.Run("expiry.test.mjs/"+store, func(t *testing.T) {
			app, w := worldApp(t, nil)
			expire := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				step, err := app.FindRecordById(schema.GoalSteps, r.URL.Query().Get("step"))
				if err == nil {
					err = app.Delete(step)
				}
				if err != nil {
					http.Error(rw, err.Error(), http.StatusInternalServerError)
					return
				}
				svc := fieldsync.New(app, fieldsync.Config{})
				st, err := svc.Purge(time.Now().Add(svc.Config().TombstoneHorizon + time.Hour))
				if err != nil || st.PurgedSeq == 0 {
					http.Error(rw, fmt.Sprintf("purge: %+v %v", st, err), http.StatusInternalServerError)
					return
				}
				fmt.Fprintf(rw, "%d", st.PurgedSeq)
			})
			srv := serveWith(t, app, map[string]http.Handler{"POST /_test/expire": expire})
			mustNode(t, node, worldEnv(t, srv.URL, w, "SAMENSPEL_STORE="+store), "--test", "expiry.test.mjs")
		})
		t.Run("ratelimit.test.mjs/"+store, func(t *testing.T) {
			app, w := worldApp(t, func(cfg *server.Config) { cfg.Sync.RatePerSecond, cfg.Sync.RateBurst = 1, 2 })
			mustNode(t, node, worldEnv(t, servertest.Serve(t, app).URL, w, "SAMENSPEL_STORE="+store), "--test", "ratelimit.test.mjs")
		})
		t.Run("backoff.test.mjs/"+store, func(t *testing.T) {
			app, w := worldApp(t, nil)
			target, err := url.Parse(servertest.Serve(t, app).URL)
			if err != nil {
				t.Fatal(err)
			}
			var fail atomic.Int64
			proxy := httputil.NewSingleHostReverseProxy(target)
			front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/_test/fail" {
					n, err := strconv.Atoi(r.URL.Query().Get("n"))
					if err != nil {
						http.Error(rw, err.Error(), http.StatusBadRequest)
						return
					}
					fail.Store(int64(n))
					return
				}
				if strings.HasPrefix(r.URL.Path, "/api/sync/v1/") && fail.Add(-1) >= 0 {
					http.Error(rw, "Service Unavailable", http.StatusServiceUnavailable) // as a proxy says it: no JSON
					return
				}
				fail.Store(max(fail.Load(), 0))
				proxy.ServeHTTP(rw, r)
			}))
			t.Cleanup(front.Close)
			mustNode(t, node, worldEnv(t, front.URL, w, "SAMENSPEL_STORE="+store), "--test", "backoff.test.mjs")
		})
	}
}

// serverEnv serves a fresh World and returns the environment testenv.mjs reads.
// Every test of a file registers its own devices, more than the ten a
// person may have in production.
func serverEnv(t *testing.T, extra ...string) []string {
	app, w := worldApp(t, nil)
	return worldEnv(t, servertest.Serve(t, app).URL, w, extra...)
}

// worldApp is a World's app whose people may register more devices than
// the ten of production (every test of a file registers its own); set may
// change the configuration further.
func worldApp(t *testing.T, set func(*server.Config)) (*tests.TestApp, *servertest.World) {
	cfg := server.DefaultConfig()
	cfg.Sync.MaxDevices = 1000
	if set != nil {
		set(cfg)
	}
	app := servertest.NewApp(t, cfg)
	return app, servertest.NewWorld(t, app)
}

// worldEnv is the environment testenv.mjs reads for World w served at url.
func worldEnv(t *testing.T, url string, w *servertest.World, extra ...string) []string {
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
		"SAMENSPEL_URL=" + url,
		"SAMENSPEL_TOKENS=" + mustJSON(t, tokens),
		"SAMENSPEL_WORLD=" + mustJSON(t, ids),
		"SAMENSPEL_JPEG=" + base64.StdEncoding.EncodeToString(mustJPEG(t)),
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

// mustJPEG encodes a small picture, so the server's checks see a real JPEG.
func mustJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
