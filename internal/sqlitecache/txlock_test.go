package sqlitecache_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/sqlitecache"
)

// TestWriterWaitsForAnotherWriter: a transaction of the app's writer that
// reads, then writes, while another connection (Litestream's
// bookkeeping, a second process) wants to commit in between, holds the
// write lock from its start, so the other waits and neither fails (with
// a deferred BEGIN the writer's write failed at once with SQLITE_BUSY);
// a read transaction on the read pool keeps no one from writing.
func TestWriterWaitsForAnotherWriter(t *testing.T) {
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env", DBConnect: sqlitecache.Connect})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	if _, err := app.NonconcurrentDB().NewQuery("CREATE TABLE counter (n INTEGER)").Execute(); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", filepath.Join(app.DataDir(), "data.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otherWrite := func() chan error {
		done := make(chan error, 1)
		go func() {
			_, err := other.Exec("INSERT INTO counter (n) VALUES (2)")
			done <- err
		}()
		return done
	}

	// A read transaction on the read pool: the other connection writes meanwhile.
	rtx, err := app.ConcurrentDB().(*dbx.DB).Begin()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rtx.NewQuery("SELECT count(*) FROM counter").Row(&n); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-otherWrite():
		if err != nil {
			t.Fatalf("another connection's write beside a read transaction: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a read transaction of the read pool kept another connection from writing")
	}
	_ = rtx.Rollback()

	// The writer reads, the other connection tries to commit, the writer writes.
	var done chan error
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.DB().NewQuery("SELECT count(*) FROM counter").Row(&n); err != nil {
			return err
		}
		done = otherWrite()
		select {
		case err := <-done:
			t.Errorf("the other connection committed inside the writer's transaction (%v)", err)
		case <-time.After(300 * time.Millisecond):
		}
		_, err := tx.DB().NewQuery("INSERT INTO counter (n) VALUES (1)").Execute()
		return err
	})
	if err != nil {
		t.Fatalf("the writer's read-then-write transaction failed beside another writer: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the other connection's write after the writer's transaction: %v", err)
	}
	if err := app.DB().NewQuery("SELECT count(*) FROM counter").Row(&n); err != nil || n != 3 {
		t.Fatalf("counter rows = %d (%v), want 3", n, err)
	}
}
