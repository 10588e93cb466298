package sync_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestSecureDeleteLeavesNoEarlierVersion: every connection of both
// databases writes with secure_delete on, so a goal's earlier title is
// gone from the database file once the write-ahead log is checkpointed,
// with no rebuild: what an erasure relies on instead of VACUUM.
func TestSecureDeleteLeavesNoEarlierVersion(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	for name, db := range map[string]dbx.Builder{
		"data read pool": app.ConcurrentDB(), "data writer": app.NonconcurrentDB(),
		"auxiliary read pool": app.AuxConcurrentDB(), "auxiliary writer": app.AuxNonconcurrentDB(),
	} {
		var on int
		if err := db.NewQuery("PRAGMA secure_delete").Row(&on); err != nil || on != 1 {
			t.Errorf("%s: secure_delete = %d (%v), want 1", name, on, err)
		}
	}
	// An update to a longer title (the row moves; SQLite would leave the
	// old one in free space) and a delete.
	const old, gone = "Kraanvogelpad-oude-titel-7731", "Reigersbos-verwijderd-doel-5530"
	goal := saveGoal(t, app, w.ClientA.Id, old)
	deleted := saveGoal(t, app, w.ClientA.Id, gone)
	checkpointTruncate(t, app.NonconcurrentDB())
	if !fileHolds(t, app, old) || !fileHolds(t, app, gone) {
		t.Fatal("the titles are not in data.db after a checkpoint: the test cannot see what it looks for")
	}
	// Through the hooks, as every write: the goal's row and its rendering
	// in the render store both move or go.
	goal, err := app.FindRecordById(schema.Goals, goal.Id)
	if err != nil {
		t.Fatal(err)
	}
	goal.Set("title", strings.Repeat("een veel langere titel die niet in de oude ruimte past ", 4))
	if err := app.Save(goal); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(deleted); err != nil {
		t.Fatal(err)
	}
	checkpointTruncate(t, app.NonconcurrentDB())
	for _, s := range []string{old, gone} {
		if fileHolds(t, app, s) {
			t.Errorf("%q is still in data.db after the write and a checkpoint", s)
		}
	}
}

// TestRebuildOnce: a database written before secure_delete was on holds
// earlier versions in free space; RebuildOnce rebuilds it (once) and
// they are gone.
func TestRebuildOnce(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	svc := fieldsync.New(app, fieldsync.Config{})
	var fresh int
	if err := app.DB().NewQuery("SELECT secure_delete_rebuilt FROM sync_state WHERE id = 1").Row(&fresh); err != nil || fresh != 1 {
		t.Fatalf("a new database: secure_delete_rebuilt = %d (%v), want 1 (nothing to rebuild)", fresh, err)
	}
	// As a database from before the migration, with people in it.
	if _, err := app.DB().NewQuery("UPDATE sync_state SET secure_delete_rebuilt = 0 WHERE id = 1").Execute(); err != nil {
		t.Fatal(err)
	}
	const old = "Ooievaarsweg-van-voor-de-upgrade-4410"
	goal := saveGoal(t, app, w.ClientA.Id, old)
	// An older server's delete: a connection without secure_delete.
	raw, err := sql.Open("sqlite", filepath.Join(app.DataDir(), "data.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{"DELETE FROM goals WHERE id = ?", "DELETE FROM sync_render WHERE record_id = ?"} {
		if _, err := raw.Exec(q, goal.Id); err != nil {
			t.Fatal(err)
		}
	}
	checkpointTruncate(t, app.NonconcurrentDB())
	if !fileHolds(t, app, old) {
		t.Fatal("the title written without secure_delete is not in data.db's free space: the test cannot see what it looks for")
	}
	if err := svc.RebuildOnce(); err != nil {
		t.Fatal(err)
	}
	if fileHolds(t, app, old) {
		t.Fatal("the earlier title is still in data.db after RebuildOnce")
	}
	var done, temp int
	if err := app.DB().NewQuery("SELECT secure_delete_rebuilt FROM sync_state WHERE id = 1").Row(&done); err != nil || done != 1 {
		t.Fatalf("secure_delete_rebuilt = %d (%v), want 1", done, err)
	}
	// The rebuild kept its copy on disk, then put temporary data back in memory.
	if err := app.NonconcurrentDB().NewQuery("PRAGMA temp_store").Row(&temp); err != nil || temp != 2 {
		t.Fatalf("temp_store = %d (%v) after the rebuild, want 2 (memory)", temp, err)
	}
	before, err := os.Stat(filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RebuildOnce(); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) {
		t.Fatal("the second RebuildOnce rebuilt the file again")
	}
}

func saveGoal(t *testing.T, app core.App, client, title string) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(schema.Goals)
	if err != nil {
		t.Fatal(err)
	}
	g := core.NewRecord(col)
	g.Set("client", client)
	g.Set("title", title)
	g.Set("status", "active")
	if err := app.Save(g); err != nil {
		t.Fatal(err)
	}
	return g
}

func checkpointTruncate(t *testing.T, db dbx.Builder) {
	t.Helper()
	var busy, frames, done int
	if err := db.NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Row(&busy, &frames, &done); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy %d, %v", busy, err)
	}
}

// fileHolds reports whether data.db or its WAL holds s.
func fileHolds(t *testing.T, app core.App, s string) bool {
	t.Helper()
	for _, name := range []string{"data.db", "data.db-wal"} {
		b, err := os.ReadFile(filepath.Join(app.DataDir(), name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}
