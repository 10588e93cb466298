package servertest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// NodeModules finds node and makes sure dir/node_modules holds the version
// of pkg that dir/package.json pins (in dependencies or devDependencies), running `npm ci` in dir when it does
// not. It returns the path of node. A missing node or npm fails the test
// with how to install them: tests that drive JavaScript (the PocketBase SDK,
// a headless browser) install what they need and never skip.
func NodeModules(tb testing.TB, dir, pkg string) string {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Fatalf("this test needs Node.js (node and npm on PATH) for %s: %v; on Debian: apt-get install nodejs npm", pkg, err)
	}
	var manifest struct {
		Dependencies    map[string]string
		DevDependencies map[string]string `json:"devDependencies"`
	}
	MustReadJSON(tb, filepath.Join(dir, "package.json"), &manifest)
	want := manifest.Dependencies[pkg]
	if want == "" {
		want = manifest.DevDependencies[pkg]
	}
	var installed struct{ Version string }
	if b, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "package.json")); err == nil {
		_ = json.Unmarshal(b, &installed)
	}
	if installed.Version != "" && installed.Version == want {
		return node
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		tb.Fatalf("this test needs npm on PATH to install %s: %v; on Debian: apt-get install npm", pkg, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefer-offline")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
	return node
}

// MustReadJSON decodes a JSON file or fails the test.
func MustReadJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("parse %s: %v", path, err)
	}
}
