package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/servertest/login"
	"github.com/samenspel/samenspel/storage"
	"github.com/samenspel/samenspel/storage/storagetest"
	"github.com/samenspel/samenspel/sync/client"
)

// TestRestoreDrill is the restore drill of docs/backup.md, with real
// processes: the server binary replicates to versitygw (a real S3
// server); two begeleiders' phones write through sync; once the backup
// has their writes, the backup is cut off (an S3 outage) and the phones
// write more, which the server acknowledges but cannot replicate; then
// the server is killed (kill -9), its data dir wiped, `samenspel restore`
// brings the database back from the backup, and the server starts again.
// The phones sync: the server was restored, so they send again what they
// acknowledged in the replay window. Every write a phone was told was
// applied must be on the server, and both phones must hold what the
// server holds.
func TestRestoreDrill(t *testing.T) {
	t.Parallel()
	endpoint, accessKey, secretKey := storagetest.StartVersityGW(t)
	tmp := t.TempDir()
	bin := mustBuildServer(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bucket := fmt.Sprintf("drill-%d", time.Now().UnixNano())
	if _, err := storage.NewS3(ctx, storage.S3Config{Endpoint: endpoint, Bucket: bucket, AccessKey: accessKey, SecretKey: secretKey,
		Region: "us-east-1", PathStyle: true}); err != nil {
		t.Fatalf("create the backup bucket: %v", err)
	}
	proxy := mustProxy(t, endpoint) // the server's way to S3, cut later

	dataDir := filepath.Join(tmp, "pb_data")
	backupEnv := func(s3Endpoint string) []string {
		env := []string{"SAMENSPEL_BACKUP=s3", "SAMENSPEL_BACKUP_S3_ENDPOINT=" + s3Endpoint, "SAMENSPEL_BACKUP_S3_BUCKET=" + bucket,
			"SAMENSPEL_BACKUP_S3_PATH=drill", "SAMENSPEL_BACKUP_S3_ACCESS_KEY=" + accessKey, "SAMENSPEL_BACKUP_S3_SECRET_KEY=" + secretKey,
			"SAMENSPEL_BACKUP_S3_PATH_STYLE=true", "SAMENSPEL_BACKUP_S3_TLS=false", "SAMENSPEL_BACKUP_SYNC_INTERVAL=200ms",
			"SAMENSPEL_METRICS_TOKEN=" + drillMetricsToken}
		for _, kv := range cleanEnv() {
			if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") { // breaks aws-sdk-go-v2 (docs/backup.md)
				env = append(env, kv)
			}
		}
		return env
	}
	run := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("samenspel %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	demoOut := run(cleanEnv(), "demo", "--dir="+dataDir)
	run(cleanEnv(), "superuser", "upsert", "admin@example.nl", "wachtwoord123", "--dir="+dataDir)
	logins := begeleidersOfOneTeam(t, demoOut)

	srv := startServer(t, ctx, bin, dataDir, backupEnv(proxy.addr))
	admin := srv.login(t, "_superusers", "admin@example.nl", "wachtwoord123")

	// Two phones, each writing its own goals: creates, then updates.
	type phone struct {
		c       *client.Client
		applied []client.Mutation // every mutation answered applied, in order
	}
	phones := make([]*phone, 2)
	for i, login := range logins[:2] {
		p := &phone{c: client.New(srv.url, fmt.Sprintf("drill-phone-%d", i))}
		p.c.Reauth = func(context.Context) (string, error) {
			return srv.current().login(t, "users", login, "wijksafari"), nil
		}
		p.c.OnResult = func(m client.Mutation, r client.Result) {
			if r.Status == "applied" {
				p.applied = append(p.applied, m)
			}
		}
		tok, _ := p.c.Reauth(ctx)
		if err := p.c.Register(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if err := p.c.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		phones[i] = p
	}
	goals := map[*phone][]string{}
	write := func(round string, creates, updates int) {
		for _, p := range phones {
			clients := p.c.Store().IDs("clients")
			if len(clients) == 0 {
				t.Fatal("the phone sees no clients")
			}
			for i := 0; i < creates; i++ {
				goals[p] = append(goals[p], p.c.Create("goals", "", map[string]any{"client": clients[i%len(clients)],
					"title": fmt.Sprintf("%s doel %d van %s", round, i, p.c.DeviceID), "why": round}))
			}
			for i, id := range goals[p][:min(updates, len(goals[p]))] {
				p.c.Update("goals", id, map[string]any{"why": fmt.Sprintf("%s: waarom %d", round, i), "progress": i % 10})
			}
			if err := p.c.Sync(ctx); err != nil {
				t.Fatalf("%s: %v", round, err)
			}
		}
	}

	// Round 1 reaches the backup.
	write("r1", 6, 3)
	srv.waitReplicated(t, ctx, admin)
	srv.checkBackupLagMetric(t)
	srv.checkStatusRefused(t, map[string]string{"no login": "", "a begeleider": srv.login(t, "users", logins[0], "wijksafari")})
	afterR1 := time.Now().UTC() // for the point-in-time restore at the end
	time.Sleep(1100 * time.Millisecond)

	// Round 2 does not: the server loses its way to S3, acknowledges the
	// writes all the same, and dies.
	proxy.cut()
	write("r2", 4, 8) // updates of round-1 goals too: their base is newer than what the backup has
	write("r3", 2, 10)
	srv.kill(t)

	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}
	out := run(backupEnv(endpoint), "restore", "--dir="+dataDir)
	t.Logf("restore: %s", out)
	// A data dir that is not empty is refused.
	if cmd := exec.CommandContext(ctx, bin, "restore", "--dir="+dataDir); true {
		cmd.Env = backupEnv(endpoint)
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "not empty") {
			t.Errorf("restore into a non-empty data dir: err=%v\n%s", err, out)
		}
	}

	srv = startServer(t, ctx, bin, dataDir, backupEnv(endpoint))
	admin = srv.login(t, "_superusers", "admin@example.nl", "wachtwoord123")
	for _, p := range phones {
		p.c.BaseURL = srv.url // the same server on another port
	}
	for range 2 {
		for _, p := range phones {
			if err := p.c.Sync(ctx); err != nil {
				t.Fatalf("sync after the restore: %v", err)
			}
		}
	}

	// Nothing acknowledged is lost: each goal on the server holds the
	// last value every applied mutation wrote to each field.
	replayed := 0
	for _, p := range phones {
		replayed += p.c.Replayed
		want := map[string]map[string]any{}
		for _, m := range p.applied {
			if want[m.ID] == nil {
				want[m.ID] = map[string]any{}
			}
			for k, v := range m.Data {
				want[m.ID][k] = v
			}
		}
		for id, fields := range want {
			got := srv.record(t, admin, "goals", id)
			if got == nil {
				t.Errorf("%s: goal %s was acknowledged but is not on the restored server", p.c.DeviceID, id)
				continue
			}
			for k, v := range fields {
				if fmt.Sprint(got[k]) != fmt.Sprint(v) {
					t.Errorf("%s: goal %s %s = %v on the server, the phone was told %v was applied", p.c.DeviceID, id, k, got[k], v)
				}
			}
			// The phones converged: each holds the server's record.
			for _, q := range phones {
				if rec := q.c.Store().Get("goals", id); rec == nil || fmt.Sprint(rec["why"]) != fmt.Sprint(got["why"]) || rec["version"] != got["version"] {
					t.Errorf("%s holds goal %s as %v, the server as %v", q.c.DeviceID, id, rec, got)
				}
			}
		}
		if len(p.c.Pending()) > 0 || len(p.c.Rejected) > 0 {
			t.Errorf("%s: %d pending, %d rejected after the restore", p.c.DeviceID, len(p.c.Pending()), len(p.c.Rejected))
		}
	}
	if replayed == 0 {
		t.Errorf("no phone replayed anything: the drill did not lose the unreplicated writes it means to")
	}
	t.Logf("replayed %d acknowledged mutations after the restore", replayed)

	// A point-in-time restore goes back to a moment before the restore:
	// the backup holds both histories. As it was right after round 1,
	// the replayed goals of rounds 2 and 3 are not there.
	srv.waitReplicated(t, ctx, admin)
	earlier := filepath.Join(tmp, "pb_data_earlier")
	run(backupEnv(endpoint), "restore", "--dir="+earlier, "--to="+afterR1.Format(time.RFC3339Nano))
	latest := filepath.Join(tmp, "pb_data_latest")
	run(backupEnv(endpoint), "restore", "--dir="+latest)
	thenCount, nowCount := goalsByRound(t, earlier), goalsByRound(t, latest)
	if thenCount["r1"] != 12 || thenCount["r2"]+thenCount["r3"] != 0 {
		t.Errorf("restore --to %s (after round 1): goals by round %v, want 12 of r1 and none of r2, r3", afterR1.Format(time.RFC3339), thenCount)
	}
	if nowCount["r2"] != 8 || nowCount["r3"] != 4 {
		t.Errorf("restore of the latest state: goals by round %v, want 8 of r2 and 4 of r3 (replayed)", nowCount)
	}
}

// goalsByRound counts the goals of a restored data dir by the round that
// created them (their title's first word), reading data.db directly.
func goalsByRound(t *testing.T, dataDir string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dataDir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT substr(title, 1, instr(title, ' ') - 1), count(*) FROM goals WHERE title LIKE 'r_ doel %' GROUP BY 1")
	if err != nil {
		t.Fatalf("read goals of %s: %v", dataDir, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var round string
		var n int
		if err := rows.Scan(&round, &n); err != nil {
			t.Fatal(err)
		}
		out[round] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// begeleidersOfOneTeam reads the demo command's summary and returns the
// logins of the begeleiders of the first team that has two.
func begeleidersOfOneTeam(t *testing.T, out string) []string {
	t.Helper()
	byTeam := map[string][]string{}
	var order []string
	for _, line := range strings.Split(out, "\n") {
		f := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
		if len(f) == 4 && f[0] == "begeleider" {
			if byTeam[f[3]] == nil {
				order = append(order, f[3])
			}
			byTeam[f[3]] = append(byTeam[f[3]], f[2])
		}
	}
	for _, team := range order {
		if len(byTeam[team]) >= 2 {
			return byTeam[team]
		}
	}
	t.Fatalf("no team with two begeleiders in the demo summary:\n%s", out)
	return nil
}

// mustBuildServer builds the server binary as the Dockerfile does.
func mustBuildServer(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "samenspel")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, ".")
	build.Dir = repoRoot
	build.Env = append(cleanEnv(), "CGO_ENABLED=0", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// drillServer is a running server process.
type drillServer struct {
	url string
	cmd *exec.Cmd
	out *login.LogBuffer
}

var currentServer struct {
	gosync.Mutex
	s *drillServer
}

func (s *drillServer) current() *drillServer {
	currentServer.Lock()
	defer currentServer.Unlock()
	return currentServer.s
}

func startServer(t *testing.T, ctx context.Context, bin, dataDir string, env []string) *drillServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &drillServer{url: "http://" + addr, out: &login.LogBuffer{}}
	s.cmd = exec.CommandContext(ctx, bin, "serve", "--http="+addr, "--dir="+dataDir)
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() })
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := http.Get(s.url + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) || s.cmd.ProcessState != nil {
			t.Fatalf("server did not answer /api/health: %v\n%s", err, s.out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	currentServer.Lock()
	currentServer.s = s
	currentServer.Unlock()
	return s
}

// kill ends the server as a power cut would.
func (s *drillServer) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

func (s *drillServer) do(t *testing.T, method, path, auth string, body any, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusNotFound && out != nil {
		return
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s\nserver output:\n%s", method, path, res.StatusCode, raw, s.out)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *drillServer) login(t *testing.T, collection, identity, password string) string {
	t.Helper()
	return login.FromLog(t, s.url, collection, identity, password, s.out.String)
}

func (s *drillServer) record(t *testing.T, admin, collection, id string) map[string]any {
	var rec map[string]any
	s.do(t, "GET", "/api/collections/"+collection+"/records/"+url.PathEscape(id), admin, nil, &rec)
	return rec
}

// checkStatusRefused: the backup's status is for superusers only.
func (s *drillServer) checkStatusRefused(t *testing.T, tokens map[string]string) {
	t.Helper()
	for who, token := range tokens {
		req, _ := http.NewRequest("GET", s.url+"/api/backup/v1/status", nil)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusForbidden {
			t.Errorf("backup status for %s: %d, want 401 or 403", who, res.StatusCode)
		}
	}
}

const drillMetricsToken = "drill-metrics-token-0123"

// checkBackupLagMetric reads /metrics: with backup on it reports the
// backup's lag, caught up a moment ago, so finite and small.
func (s *drillServer) checkBackupLagMetric(t *testing.T) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+drillMetricsToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", res.StatusCode, raw)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "samenspel_backup_lag_seconds "); ok {
			lag, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(lag) || lag < 0 || lag > 30 {
				t.Errorf("samenspel_backup_lag_seconds %q right after the backup caught up, want 0 to 30", v)
			}
			return
		}
	}
	t.Errorf("/metrics has no samenspel_backup_lag_seconds while backup is on:\n%s", raw)
}

// waitReplicated waits until the backup holds every write committed so far.
func (s *drillServer) waitReplicated(t *testing.T, ctx context.Context, admin string) {
	t.Helper()
	var first struct {
		LocalTXID uint64 `json:"local_txid"`
	}
	s.do(t, "GET", "/api/backup/v1/status", admin, nil, &first)
	for {
		var st struct {
			ReplicatedTXID uint64  `json:"replicated_txid"`
			LagSeconds     float64 `json:"lag_seconds"`
		}
		s.do(t, "GET", "/api/backup/v1/status", admin, nil, &st)
		if st.ReplicatedTXID >= first.LocalTXID {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the backup did not catch up: replicated %d of %d\n%s", st.ReplicatedTXID, first.LocalTXID, s.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tcpProxy forwards connections to a target until cut.
type tcpProxy struct {
	addr  string
	l     net.Listener
	mu    gosync.Mutex
	conns []net.Conn
}

func mustProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{addr: l.Addr().String(), l: l}
	t.Cleanup(p.cut)
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); out.Close() }()
			go func() { _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
	return p
}

// cut stops forwarding: new connections are refused, open ones closed.
func (p *tcpProxy) cut() {
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
