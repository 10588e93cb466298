package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The S3-compatible server the tests run against: versitygw (Apache-2.0), a
// single Go binary that serves a directory as buckets and, unlike most
// fakes, checks SigV4 signatures and presigned URL expiry as AWS does.
const (
	VersityGWVersion = "v1.8.0"
	versityGWPackage = "github.com/versity/versitygw/cmd/versitygw"
)

// gateway is the running server shared by the tests of one test binary.
type gateway struct {
	endpoint, accessKey, secretKey string
	cmd                            *exec.Cmd
	exited                         chan struct{} // closed when the process has exited
	dir                            string
}

var gw struct {
	mu   sync.Mutex
	refs int
	cur  *gateway
}

// StartVersityGW returns the address (host:port) and root credentials of a
// versitygw server on the loopback interface, serving a temporary
// directory. The tests of one binary share one server while any of them
// runs; give each test its own bucket or key prefix. The server stops when
// the last test using it is cleaned up, and, on Linux, when the test binary
// dies.
//
// The binary is found in $SAMENSPEL_TOOLS_DIR, else in
// $XDG_CACHE_HOME/samenspel/bin (~/.cache/samenspel/bin), as
// versitygw-v1.8.0; if missing it is built there with `go install`, which
// takes a couple of minutes on a clean machine. If that fails, the test
// fails: a skipped S3 test would pass CI without testing anything.
func StartVersityGW(tb testing.TB) (endpoint, accessKey, secretKey string) {
	tb.Helper()
	gw.mu.Lock()
	defer gw.mu.Unlock()
	if gw.cur == nil {
		bin, err := versityGWBinary(tb)
		if err != nil {
			tb.Fatalf("versitygw: %v", err)
		}
		g, err := startGateway(bin)
		if err != nil {
			tb.Fatalf("versitygw: %v", err)
		}
		gw.cur = g
	}
	gw.refs++
	g := gw.cur
	tb.Cleanup(func() {
		gw.mu.Lock()
		defer gw.mu.Unlock()
		gw.refs--
		if gw.refs == 0 && gw.cur == g {
			g.stop()
			gw.cur = nil
		}
	})
	return g.endpoint, g.accessKey, g.secretKey
}

// ToolsDir is where test tools are kept between runs.
func ToolsDir() string {
	if d := os.Getenv("SAMENSPEL_TOOLS_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "samenspel", "bin")
	}
	return filepath.Join(os.TempDir(), "samenspel-tools", "bin")
}

// versityGWBinary returns the path of the pinned versitygw, installing it
// first if needed. The version is in the file name, so bumping
// VersityGWVersion installs the new one beside the old.
func versityGWBinary(tb testing.TB) (string, error) {
	dir := ToolsDir()
	bin := filepath.Join(dir, "versitygw-"+VersityGWVersion+exeSuffix())
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}
	tb.Logf("versitygw %s not in %s: installing it with go install (a couple of minutes the first time)", VersityGWVersion, dir)
	start := time.Now()
	if err := InstallVersityGW(dir); err != nil {
		return "", err
	}
	tb.Logf("versitygw installed in %v", time.Since(start).Round(time.Second))
	return bin, nil
}

// InstallVersityGW builds the pinned versitygw into dir as
// versitygw-<version>, with the go command that runs the tests. Several
// test binaries may install at once: each builds in its own staging
// directory and renames the result into place, which is atomic.
func InstallVersityGW(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go"+exeSuffix())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "install", versityGWPackage+"@"+VersityGWVersion)
	cmd.Dir = stage // outside any module, so no go.mod or go.work applies
	cmd.Env = append(os.Environ(), "GOBIN="+stage, "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go install %s@%s failed (needs the Go module proxy or a module cache that has it): %w\n%s",
			versityGWPackage, VersityGWVersion, err, out)
	}
	return os.Rename(filepath.Join(stage, "versitygw"+exeSuffix()), filepath.Join(dir, "versitygw-"+VersityGWVersion+exeSuffix()))
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// startGateway starts versitygw on a free loopback port and waits until it
// answers HTTP. A port taken between choosing and binding it is retried.
func startGateway(bin string) (*gateway, error) {
	var err error
	for range 3 {
		var g *gateway
		if g, err = tryGateway(bin); err == nil {
			return g, nil
		}
	}
	return nil, err
}

func tryGateway(bin string) (*gateway, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "versitygw-")
	if err != nil {
		return nil, err
	}
	g := &gateway{endpoint: addr, accessKey: "samenspel-test", secretKey: randomHex(20), dir: dir, exited: make(chan struct{})}
	var logs bytes.Buffer
	g.cmd = exec.Command(bin, "--port", addr, "posix", dir)
	g.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+g.accessKey, "ROOT_SECRET_KEY="+g.secretKey)
	g.cmd.Stdout = &syncWriter{w: &logs}
	g.cmd.Stderr = g.cmd.Stdout
	if err := startTied(g.cmd, g.exited); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			return g, nil
		}
		select {
		case <-g.exited:
			os.RemoveAll(dir)
			return nil, fmt.Errorf("%s exited before answering on %s: %v\n%s", bin, addr, g.cmd.ProcessState, g.cmd.Stdout.(*syncWriter).String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			g.stop()
			return nil, fmt.Errorf("%s did not answer on %s within 30s\n%s", bin, addr, g.cmd.Stdout.(*syncWriter).String())
		}
	}
}

// startTied starts cmd from a goroutine that keeps its OS thread until the
// process exits: on Linux the child gets SIGKILL when that thread dies,
// which then happens only with the test binary, even one killed by a
// timeout before any cleanup ran.
func startTied(cmd *exec.Cmd, exited chan<- struct{}) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		tieToParent(cmd)
		if err := cmd.Start(); err != nil {
			runtime.UnlockOSThread()
			started <- err
			return
		}
		started <- nil
		cmd.Wait()
		runtime.UnlockOSThread()
		close(exited)
	}()
	return <-started
}

func (g *gateway) stop() {
	if g.cmd.Process != nil {
		g.cmd.Process.Signal(os.Interrupt)
		select {
		case <-g.exited:
		case <-time.After(5 * time.Second):
			g.cmd.Process.Kill()
			<-g.exited
		}
	}
	os.RemoveAll(g.dir)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// syncWriter collects the server's output for error messages; the process
// writes it from another goroutine.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w.Len() > 1<<16 {
		return len(p), nil // enough to explain a failure
	}
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
