package sync_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/server/demo"
)

// crashServer runs the real samenspel binary as a child process, so that
// it can be killed with SIGKILL: no deferred function, no graceful close
// of the database, exactly what a power cut of the process looks like.
type crashServer struct {
	t      *testing.T
	bin    string
	dir    string
	addr   string
	log    *os.File
	cmd    *exec.Cmd
	exited chan struct{}
}

// newCrashServer builds the binary from the module root and fills a fresh
// data dir with a superuser (so serve does not open an installer) and the
// demo organisation.
func newCrashServer(t *testing.T) *crashServer {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		t.Fatalf("go env GOMOD: %q %v", gomod, err)
	}
	tmp := t.TempDir()
	s := &crashServer{t: t, bin: filepath.Join(tmp, "samenspel"), dir: filepath.Join(tmp, "pb_data"), addr: crashFreeAddr(t)}
	build := exec.Command("go", "build", "-o", s.bin, ".")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s.run("superuser", "upsert", "crash@samenspel.example", demo.Password)
	s.run("demo")
	if s.log, err = os.Create(filepath.Join(tmp, "server.log")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.kill()
		s.log.Close()
		if t.Failed() {
			out, _ := os.ReadFile(s.log.Name())
			t.Logf("server log (last 4 KB):\n%s", out[max(0, len(out)-4096):])
		}
	})
	return s
}

func crashFreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// crashEnv is the environment without SAMENSPEL_* variables (the server
// refuses ones it does not know, such as the test seeds) and without the
// per-device rate limit, which a device retrying through a restart hits.
func crashEnv() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "SAMENSPEL_") })
	return append(env, "SAMENSPEL_SYNC_RATE=0")
}

func (s *crashServer) run(args ...string) {
	s.t.Helper()
	cmd := exec.Command(s.bin, append(args, "--dir", s.dir)...)
	cmd.Env = crashEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("samenspel %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (s *crashServer) url() string { return "http://" + s.addr }

// start starts the server on the same address and data, and waits until it
// answers /api/health.
func (s *crashServer) start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, "serve", "--http", s.addr, "--dir", s.dir)
	cmd.Env = crashEnv()
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start server: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	health := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			s.cmd = nil
			s.t.Fatalf("server exited while starting: %v", cmd.ProcessState)
		default:
		}
		if res, err := health.Get(s.url() + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatal("server did not answer /api/health within 20s")
		}
	}
}

// kill sends SIGKILL (what os.Process.Kill does on Unix) and waits for the
// process to be gone.
func (s *crashServer) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// login logs a demo person in over REST and returns the token and their
// id. Staff log in with a second factor, as an app does: PocketBase
// answers the password with 401 and an mfaId, then a code by e-mail. The
// server has no SMTP, so it writes the mail to its log (server/stafflogin.go),
// where this reads the code.
func (s *crashServer) login(collection, identity string) (token, id string) {
	s.t.Helper()
	var out struct {
		Token  string `json:"token"`
		MfaID  string `json:"mfaId"`
		OtpID  string `json:"otpId"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	post := func(action string, body map[string]string) int {
		s.t.Helper()
		raw, _ := json.Marshal(body)
		res, err := http.Post(s.url()+"/api/collections/"+collection+"/"+action, "application/json", bytes.NewReader(raw))
		if err != nil {
			s.t.Fatal(err)
		}
		defer res.Body.Close()
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			s.t.Fatalf("%s %s/%s: %d %v", action, collection, identity, res.StatusCode, err)
		}
		return res.StatusCode
	}
	status := post("auth-with-password", map[string]string{"identity": identity, "password": demo.Password})
	if status == http.StatusUnauthorized && out.MfaID != "" {
		mfaID := out.MfaID
		logged := s.logSize()
		if status := post("request-otp", map[string]string{"email": identity}); status != http.StatusOK || out.OtpID == "" {
			s.t.Fatalf("request a login code for %s: %d", identity, status)
		}
		status = post("auth-with-otp", map[string]string{"otpId": out.OtpID, "password": s.loggedCode(identity, logged), "mfaId": mfaID})
	}
	if status != http.StatusOK || out.Token == "" {
		s.t.Fatalf("log in %s/%s: %d", collection, identity, status)
	}
	return out.Token, out.Record.ID
}

func (s *crashServer) logSize() int64 {
	fi, err := s.log.Stat()
	if err != nil {
		s.t.Fatal(err)
	}
	return fi.Size()
}

// loggedCode waits for the login code mail to email that the server
// writes to its log after offset from, and returns the code.
func (s *crashServer) loggedCode(email string, from int64) string {
	s.t.Helper()
	re := regexp.MustCompile(`!!! to ` + regexp.QuoteMeta(email) + `: [^\n]*\n!!! login code: (\d+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		out, err := os.ReadFile(s.log.Name())
		if err != nil {
			s.t.Fatal(err)
		}
		if m := re.FindSubmatch(out[min(from, int64(len(out))):]); m != nil {
			return string(m[1])
		}
	}
	s.t.Fatalf("the server logged no login code for %s", email)
	return ""
}

// storedAmong returns which of the mutation ids have a stored result. The
// server must be down: it reads the data file the killed process left.
func (s *crashServer) storedAmong(ids []string) []string {
	s.t.Helper()
	if len(ids) == 0 {
		return nil
	}
	db, err := dbx.Open("sqlite", "file:"+filepath.Join(s.dir, "data.db")+"?mode=ro")
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var found []string
	if err := db.Select("mutation_id").From("sync_mutations").Where(dbx.In("mutation_id", args...)).Column(&found); err != nil {
		s.t.Fatal(err)
	}
	return found
}

// answerDelay is how long a push's answer takes to reach the phone after
// the server sent it; a kill in that window loses the answer.
const answerDelay = 20 * time.Millisecond

// pushTap sits under every device's HTTP client and watches pushes: which
// are in flight, and which mutations were in a push that failed in
// transport, by server generation (one per start).
type pushTap struct {
	inFlight atomic.Int32
	gen      atomic.Int32 // the running server's generation; -1 while down
	gens     atomic.Int32 // generations started

	mu      sync.Mutex
	cut     map[int32][]string
	pending map[int32]int // pushes in flight, by the generation they were sent to
	base    http.RoundTripper
}

func newPushTap() *pushTap {
	p := &pushTap{cut: map[int32][]string{}, pending: map[int32]int{}, base: http.DefaultTransport.(*http.Transport).Clone()}
	p.up()
	return p
}

func (p *pushTap) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/push") || req.Body == nil {
		return p.base.RoundTrip(req)
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var body struct {
		Mutations []struct {
			MutationID string `json:"mutation_id"`
		} `json:"mutations"`
	}
	_ = json.Unmarshal(raw, &body) // the tap only watches; a body it cannot read is the server's to judge
	// Taking the generation and counting the push under mu, as down()
	// does, means no push joins a generation after down() returned.
	p.mu.Lock()
	gen := p.gen.Load()
	p.pending[gen]++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.pending[gen]--
		p.mu.Unlock()
	}()
	r2 := req.Clone(req.Context())
	r2.Body = io.NopCloser(bytes.NewReader(raw))
	p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	res, err := p.base.RoundTrip(r2)
	if err == nil {
		// Read the whole answer here: a kill can also cut it half-way.
		var answer []byte
		answer, err = io.ReadAll(res.Body)
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(answer))
		// A phone's link is slow: the answer takes a while to arrive.
		time.Sleep(answerDelay)
		if err == nil && p.gen.Load() != gen {
			// The server died while this push was in flight. Its answer
			// may have made it onto the wire, but on a phone's link it is
			// as likely lost: treat it so. A push commits all its
			// mutations at once, in well under a millisecond before it
			// answers, so only this makes "committed, never answered"
			// happen often enough to test the replay.
			err = errors.New("answer lost: the server died while the push was in flight")
		}
	}
	if err != nil && gen >= 0 {
		p.mu.Lock()
		for _, m := range body.Mutations {
			p.cut[gen] = append(p.cut[gen], m.MutationID)
		}
		p.mu.Unlock()
		return nil, fmt.Errorf("push cut off: %w", err)
	}
	return res, err
}

// waitInFlight waits until some push is in flight, or the timeout passed.
func (p *pushTap) waitInFlight(timeout time.Duration) {
	for deadline := time.Now().Add(timeout); p.inFlight.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(200 * time.Microsecond)
	}
}

// down marks the server as going down and returns the generation that ran.
func (p *pushTap) down() int32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gen.Swap(-1)
}

// settle waits until no push sent to generation gen is in flight any more,
// so failed(gen) lists all its cut pushes; it fails after timeout.
func (p *pushTap) settle(gen int32, timeout time.Duration) error {
	for deadline := time.Now().Add(timeout); ; time.Sleep(time.Millisecond) {
		p.mu.Lock()
		n := p.pending[gen]
		p.mu.Unlock()
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d pushes to server generation %d still in flight %v after the kill", n, gen, timeout)
		}
	}
}

// up marks a new server generation running.
func (p *pushTap) up() { p.gen.Store(p.gens.Add(1)) }

// failed returns the mutations of the pushes of generation gen that failed.
func (p *pushTap) failed(gen int32) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.cut[gen])
}
