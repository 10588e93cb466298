package server

import (
	"bytes"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestRotateKeysCommand runs `sync rotate-keys` twice on a fresh data dir:
// each run makes a new secret and keeps the one it replaced.
func TestRotateKeysCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rotate := func() {
		t.Helper()
		app, _, err := New([]string{"sync", "rotate-keys"}, []string{EnvDataDir + "=" + dir})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		app.RootCmd.SetOut(&out)
		if err := app.Start(); err != nil {
			t.Fatalf("sync rotate-keys: %v", err)
		}
		if !bytes.Contains(out.Bytes(), []byte("rotated")) {
			t.Fatalf("output %q does not say it rotated", out.String())
		}
	}
	secrets := func() (cur, prev []byte) {
		t.Helper()
		app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
		if err := app.Bootstrap(); err != nil {
			t.Fatal(err)
		}
		defer app.ResetBootstrapState()
		if err := app.DB().NewQuery("SELECT secret, previous_secret FROM sync_state WHERE id = 1").Row(&cur, &prev); err != nil {
			t.Fatal(err)
		}
		return cur, prev
	}

	rotate()
	first, prev := secrets()
	if len(first) != 32 || len(prev) != 32 || bytes.Equal(first, prev) {
		t.Fatalf("after one rotation: secret %d bytes, previous %d bytes, equal %v", len(first), len(prev), bytes.Equal(first, prev))
	}
	rotate()
	second, prev := secrets()
	if !bytes.Equal(prev, first) || bytes.Equal(second, first) {
		t.Fatal("the second rotation did not keep the first secret as the previous one")
	}
}
