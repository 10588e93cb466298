// Package apt brings Debian programs that tests drive, without importing
// anything of ours (so any package's tests can use it).
package apt

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Tool returns the path of a program from a Debian package, installing
// the package with apt-get when the program is missing and we are root, so
// that `go test ./...` and .ci/run work on a fresh machine. When it cannot
// be had the test fails with how to install it: a test that drives an
// outside program (a browser, a QR decoder) never skips, since a skipped
// test would pass CI without testing anything.
func Tool(tb testing.TB, path, pkg string) string {
	tb.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if os.Geteuid() != 0 {
		tb.Fatalf("%s is missing and we are not root to install it: apt-get install -y %s", path, pkg)
	}
	// Test packages run in parallel processes, and two of them may install
	// at once on a fresh machine: apt-get update and install take locks
	// that the other would fail on. One install at a time, then.
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "samenspel-apt.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		tb.Fatalf("apt lock: %v", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		tb.Fatalf("apt lock: %v", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(path); err == nil {
		return path // the other process installed it
	}
	tb.Logf("installing %s with apt-get (once per machine)", pkg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// Wait for a dpkg lock held by something else than our tests.
	apt := func(args ...string) ([]byte, error) {
		args = append([]string{"-o", "DPkg::Lock::Timeout=300", "-q"}, args...)
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return cmd.CombinedOutput()
	}
	if out, err := apt("install", "-y", pkg); err != nil {
		if upd, err := apt("update"); err != nil {
			tb.Fatalf("apt-get update: %v\n%s", err, upd)
		}
		if out2, err := apt("install", "-y", pkg); err != nil {
			tb.Fatalf("apt-get install %s: %v\n%s\n%s", pkg, err, out, out2)
		}
	}
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("apt-get installed %s but %s is missing: %v", pkg, path, err)
	}
	return path
}
