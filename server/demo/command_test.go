package demo_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/server/demo"
)

// TestCommandEndToEnd builds the real binary and runs `samenspel demo`
// twice on a fresh data dir: the first run loads and prints the logins,
// the second refuses and exits non-zero.
func TestCommandEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go tool on PATH: %v", err)
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "samenspel")
	build := exec.Command(goTool, "build", "-o", bin, "github.com/samenspel/samenspel")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	var env []string // the command reads SAMENSPEL_*; none of the caller's may leak in
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SAMENSPEL_") {
			env = append(env, kv)
		}
	}
	run := func() (stdout, stderr string, code int) {
		cmd := exec.Command(bin, "demo", "--dir", filepath.Join(dir, "pb_data"))
		cmd.Env = env
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			code = exit.ExitCode()
		case err != nil:
			t.Fatalf("run: %v", err)
		}
		return o.String(), e.String(), code
	}

	out, errOut, code := run()
	if code != 0 {
		t.Fatalf("first run exit=%d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"Demo data loaded (seed 1): 3 teams", demo.Password, "ROLE", "teamadviseur", "@samenspel.example", "Team Keizerslanden"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run output lacks %q:\n%s", want, out)
		}
	}

	out, errOut, code = run()
	if code == 0 {
		t.Fatalf("second run exit=0, want non-zero\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	// PocketBase's coloured error writer prints cobra's "Error: ..." on
	// stdout; main's log line goes to stderr.
	if want := "database already has 3 teams; demo data is only loaded into an empty database"; !strings.Contains(out+errOut, want) {
		t.Errorf("second run output lacks %q:\nstdout:\n%s\nstderr:\n%s", want, out, errOut)
	}
	if strings.Contains(out, "Demo data loaded") {
		t.Errorf("second run claims to have loaded:\n%s", out)
	}
}
