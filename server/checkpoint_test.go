package server

import (
	"strings"
	"testing"
	"time"
)

// TestCheckpointConfig: `serve` without backup checkpoints in the
// background; with backup Litestream does; other commands keep SQLite's
// automatic checkpoint.
func TestCheckpointConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		env  []string
		want time.Duration
	}{
		{[]string{"serve", "--dir", dir}, nil, time.Second},
		{[]string{"serve", "--dir", dir}, backupEnv, 0},
		{[]string{"superuser", "upsert", "a@example.nl", "wachtwoord123", "--dir", dir}, nil, 0},
		{[]string{"migrate", "--dir", dir}, nil, 0},
	} {
		_, cfg, err := New(tt.args, tt.env)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Ops.CheckpointEvery; got != tt.want {
			t.Errorf("samenspel %s (env %s): CheckpointEvery %s, want %s", strings.Join(tt.args, " "), strings.Join(tt.env, " "), got, tt.want)
		}
	}
}
