package sync_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// Retain removes resolved conflicts not changed for the conflict
// retention (as deletes the devices receive) and rejections older than the
// rejection retention; unresolved conflicts and younger rows stay.
func TestRetain(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	svc := fieldsync.New(app, fieldsync.Config{ConflictRetention: 90 * 24 * time.Hour, RejectionRetention: 30 * 24 * time.Hour})

	resolved := w.ConflictGoalA
	resolved.Set(schema.FieldResolved, true)
	if err := app.Save(resolved); err != nil {
		t.Fatal(err)
	}
	col, err := app.FindCollectionByNameOrId(schema.SyncRejections)
	if err != nil {
		t.Fatal(err)
	}
	rej := core.NewRecord(col)
	for k, v := range map[string]any{"device_id": "phone", "mutation_id": "m1", "person_collection": "users", "person": w.BegA.Id, "payload": map[string]any{"data": "x"}} {
		rej.Set(k, v)
	}
	if err := app.Save(rej); err != nil {
		t.Fatal(err)
	}

	// A day in: nothing is old enough.
	st, err := svc.Retain(time.Now().Add(24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Conflicts != 0 || st.Rejections != 0 {
		t.Fatalf("after a day: %+v", st)
	}
	// 31 days: the rejection goes, the resolved conflict stays.
	if st, err = svc.Retain(time.Now().Add(31 * 24 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, want := st, (fieldsync.RetainStats{Rejections: 1}); got != want {
		t.Fatalf("after 31 days: %+v, want %+v", got, want)
	}
	// 91 days: the resolved conflict goes, the unresolved one stays.
	if st, err = svc.Retain(time.Now().Add(91 * 24 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, want := st, (fieldsync.RetainStats{Conflicts: 1}); got != want {
		t.Fatalf("after 91 days: %+v, want %+v", got, want)
	}
	if _, err := app.FindRecordById(schema.SyncConflicts, resolved.Id); err == nil {
		t.Fatal("resolved conflict kept")
	}
	if _, err := app.FindRecordById(schema.SyncConflicts, w.ConflictSafariA.Id); err != nil {
		t.Fatalf("unresolved conflict removed: %v", err)
	}
	// Devices receive the delete: the feed holds it as a delete row.
	var deletes int
	if err := app.DB().NewQuery("SELECT count(*) FROM sync_feed WHERE collection = 'sync_conflicts' AND record_id = {:id} AND op = 1").
		Bind(map[string]any{"id": resolved.Id}).Row(&deletes); err != nil || deletes == 0 {
		t.Fatalf("delete rows of the removed conflict: %d (%v)", deletes, err)
	}
}
