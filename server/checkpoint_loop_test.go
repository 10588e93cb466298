package server_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server"
)

// TestCheckpointEvery: with SQLite's automatic checkpoint off, nothing
// copies the write-ahead log into data.db until the background loop runs;
// then it does, while nobody writes.
func TestCheckpointEvery(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, server.DefaultConfig())
	writer := app.NonconcurrentDB()
	for _, q := range []string{"PRAGMA wal_autocheckpoint = 0", "CREATE TABLE ckpt_probe (x BLOB)"} {
		if _, err := writer.NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// ~8 MB of pages into the log, in one transaction.
	if _, err := writer.NewQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2000) INSERT INTO ckpt_probe SELECT randomblob(4000) FROM n").Execute(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(app.DataDir(), "data.db")
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	time.Sleep(300 * time.Millisecond)
	if s := size(); s != before {
		t.Fatalf("data.db grew from %d to %d bytes with no checkpoint running", before, s)
	}
	stop := server.CheckpointEvery(app, 20*time.Millisecond)
	defer stop()
	for deadline := time.Now().Add(10 * time.Second); size() < before+7<<20; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("data.db is %d bytes 10 s after the checkpoints started (was %d): the log was not copied", size(), before)
		}
	}
}
