package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/servertest/login"
	"github.com/samenspel/samenspel/server/demo"
	"github.com/samenspel/samenspel/sync/client"
)

// TestShutdownFinishesPushes runs the real binary, starts a push of 500
// goals, and sends SIGTERM while the push is in flight (the in-flight
// gauge of the metrics listener says when): the push's answer arrives
// whole, every one of its goals is in the database afterwards, requests
// that come after the signal are refused (connection refused or 503
// unavailable, never a cut answer), and the process exits 0.
func TestShutdownFinishesPushes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	t.Parallel()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin, dir := filepath.Join(tmp, "samenspel"), filepath.Join(tmp, "pb_data")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "SAMENSPEL_") || strings.HasPrefix(kv, "GOGC=")
	}), "SAMENSPEL_SYNC_RATE=0")
	run := func(args ...string) {
		cmd := exec.Command(bin, append(args, "--dir", dir)...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("samenspel %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("superuser", "upsert", "stop@samenspel.example", demo.Password)
	run("demo")

	addr, metricsAddr := freeAddr(t), freeAddr(t)
	var logs login.LogBuffer
	cmd := exec.Command(bin, "serve", "--http", addr, "--dir", dir, "--metrics-addr", metricsAddr, "--shutdown-timeout", "60s")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	waitHealthy(t, base)
	// Without GOGC in the environment, the server collects at its own
	// setting (main.go's gcPercent).
	if got := metricValue(t, metricsAddr, "go_gc_gogc_percent"); got != "300" {
		t.Fatalf("go_gc_gogc_percent %q, want 300", got)
	}

	ctx := context.Background()
	token := login.FromLog(t, base, "users", "marloes.schuurman@samenspel.example", demo.Password, logs.String)
	c := client.New(base, "stopping-phone")
	c.MaxAttempts = 1 // a refused request must show, not be retried
	if err := c.Register(ctx, token); err != nil {
		t.Fatal(err)
	}
	if err := c.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	clients := c.Store().IDs("clients")
	if len(clients) == 0 {
		t.Fatal("the demo begeleider sees no clients")
	}

	// Pushes of 500 goals each, all sent at once: the writer takes them
	// one after another, so the last finishes well after PocketBase's own
	// one second of grace. The signal comes once all are in flight.
	const pushes, perPush = 6, 500
	type answer struct {
		id     string
		status int
		body   []byte
		err    error
	}
	pusher := "Bearer " + deviceToken(t, base, token, "stop-pusher")
	var ids []string
	done := make(chan answer, pushes)
	for p := range pushes {
		var muts []client.Mutation
		for i := range perPush {
			id := client.NewID()
			ids = append(ids, id)
			muts = append(muts, client.Mutation{MutationID: fmt.Sprintf("stop-%d-%d", p, i), Collection: "goals", ID: id, Op: "create",
				Data: map[string]any{"client": clients[i%len(clients)], "title": "Weer zelf boodschappen doen", "life_domain": "living", "status": "active"}})
		}
		body, _ := json.Marshal(map[string]any{"mutations": muts})
		go func() {
			a := answer{id: fmt.Sprintf("stop-push-%d", p)}
			req, _ := http.NewRequest("POST", base+"/api/sync/v1/push", bytes.NewReader(body))
			req.Header.Set("Authorization", pusher)
			req.Header.Set("X-Request-Id", a.id)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				a.err = err
				done <- a
				return
			}
			defer res.Body.Close()
			a.body, a.err = io.ReadAll(res.Body)
			a.status = res.StatusCode
			done <- a
		}()
	}
	if !waitInFlight(t, metricsAddr, pushes, func() bool { return len(done) > 0 }) {
		t.Skip("a push ended before all were in flight: the machine is too fast for this test's timing")
	}
	signalled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// A new request after the signal is refused, cleanly.
	refused := false
	for deadline := time.Now().Add(10 * time.Second); !refused && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
		res, err := hc.Get(base + "/api/sync/v1/pull")
		switch {
		case err != nil && (errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)):
			// Refused, or a connection that sat in the listen backlog when
			// the listener closed: reset before a byte of the request was
			// read, so nothing was done.
			refused = true
		case err != nil:
			t.Fatalf("a request after SIGTERM: %v; want connection refused or 503", err)
		default:
			res.Body.Close()
			if res.StatusCode == http.StatusServiceUnavailable {
				refused = true
			}
		}
	}
	if !refused {
		t.Fatal("requests after SIGTERM were still served")
	}
	var pushIDs []string
	for range pushes {
		got := <-done
		if got.err != nil || got.status != http.StatusOK {
			t.Fatalf("push %s in flight at SIGTERM: status %d, %v: %s", got.id, got.status, got.err, got.body)
		}
		var res struct {
			Results []struct {
				Status string `json:"status"`
			} `json:"results"`
		}
		if err := json.Unmarshal(got.body, &res); err != nil {
			t.Fatalf("push answer: %v", err)
		}
		applied := 0
		for _, r := range res.Results {
			if r.Status == "applied" {
				applied++
			}
		}
		if applied != perPush {
			t.Fatalf("push %s: applied=%d, want %d", got.id, applied, perPush)
		}
		pushIDs = append(pushIDs, got.id)
	}
	t.Logf("the last push answered %s after SIGTERM", time.Since(signalled).Round(time.Millisecond))
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("server exit: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not exit after SIGTERM")
	}

	db, err := dbx.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var n int
	if err := db.Select("count(*)").From("goals").Where(dbx.In("id", args...)).Row(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(ids) {
		t.Fatalf("goals in the database after shutdown: %d, want %d", n, len(ids))
	}

	// The log, flushed on the way out: the drain, and the push's request
	// line with its id.
	aux, err := dbx.Open("sqlite", "file:"+filepath.Join(dir, "auxiliary.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer aux.Close()
	var drained, pushLogged int
	if err := aux.NewQuery("SELECT count(*) FROM _logs WHERE message = 'stopping: requests finished'").Row(&drained); err != nil {
		t.Fatal(err)
	}
	if err := aux.NewQuery("SELECT count(*) FROM _logs WHERE json_extract(data, '$.meta.request_id') LIKE 'stop-push-%' AND json_extract(data, '$.status') = 200").
		Row(&pushLogged); err != nil {
		t.Fatal(err)
	}
	if drained != 1 || pushLogged != pushes {
		t.Fatalf("log lines: drain finished %d, pushes with their request id %d; want 1 and %d", drained, pushLogged, pushes)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get(base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("the server did not answer /api/health within 30s")
}

// deviceToken registers a device and returns its token.
func deviceToken(t *testing.T, base, pbToken, deviceID string) string {
	body, _ := json.Marshal(map[string]any{"device_id": deviceID, "platform": "test", "app_version": "1", "schema_version": 1})
	req, _ := http.NewRequest("POST", base+"/api/sync/v1/devices", bytes.NewReader(body))
	req.Header.Set("Authorization", pbToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&out)
	return out.Token
}

// metricValue is the value of a metric without labels on the metrics
// listener ("" when absent).
func metricValue(t *testing.T, metricsAddr, name string) string {
	t.Helper()
	res, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return v
		}
	}
	return ""
}

// waitInFlight polls the metrics listener until n requests are in flight
// on the main address (true), or one ended first (false).
func waitInFlight(t *testing.T, metricsAddr string, n int, ended func() bool) bool {
	t.Helper()
	for !ended() {
		if metricValue(t, metricsAddr, "samenspel_http_in_flight_requests") == strconv.Itoa(n) {
			return true
		}
	}
	return false
}
