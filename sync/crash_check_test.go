package sync_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/sync/client"
)

// checkCrashDB opens the stopped server's data and checks that nothing
// was lost and nothing doubled.
func checkCrashDB(t *testing.T, dir string, devices []*crashDevice, all []*crashRec, shared *crashRec) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatalf("open data: %v", err)
	}
	defer app.ResetBootstrapState()
	db := app.DB()
	var integrity []string
	if err := db.NewQuery("PRAGMA integrity_check").Column(&integrity); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(integrity, []string{"ok"}) {
		t.Fatalf("data.db after the kills: integrity_check says %v", integrity)
	}

	// Every mutation has exactly one stored result: the one its device saw.
	stored := map[string]client.Result{}
	for _, d := range devices {
		var rows []struct {
			MutationID string `db:"mutation_id"`
			Result     string `db:"result"`
		}
		if err := db.NewQuery("SELECT mutation_id, result FROM sync_mutations WHERE device = (SELECT id FROM sync_devices WHERE device_id = {:d})").
			Bind(dbx.Params{"d": d.c.DeviceID}).All(&rows); err != nil {
			t.Fatal(err)
		}
		if got, want := len(rows), len(d.queued); got != want {
			t.Errorf("%s: %d stored results, want %d (one per mutation)", d.name, got, want)
		}
		for _, row := range rows {
			var r client.Result
			if err := json.Unmarshal([]byte(row.Result), &r); err != nil {
				t.Fatal(err)
			}
			stored[row.MutationID] = r
		}
		for _, m := range d.queued {
			seen := d.results[m.MutationID]
			s, ok := stored[m.MutationID]
			switch {
			case !ok:
				t.Errorf("%s: mutation %s (%s %s/%s) has no stored result", d.name, m.MutationID, m.Op, m.Collection, m.ID)
			case len(seen) != 1:
				t.Errorf("%s: mutation %s answered %d times, want once", d.name, m.MutationID, len(seen))
			case seen[0].Status != s.Status || seen[0].Version != s.Version:
				t.Errorf("%s: mutation %s answered %s v%d, stored %s v%d", d.name, m.MutationID, seen[0].Status, seen[0].Version, s.Status, s.Version)
			case s.Status == "rejected":
				t.Errorf("%s: mutation %s (%s %s) rejected: %+v", d.name, m.MutationID, m.Op, m.Collection, s.Error)
			}
		}
	}
	var rejections int
	if err := db.NewQuery("SELECT count(*) FROM sync_rejections WHERE device_id LIKE 'crash-%'").Row(&rejections); err != nil {
		t.Fatal(err)
	}
	if rejections != 0 {
		t.Errorf("%d sync_rejections, want 0", rejections)
	}

	// Every write was applied once: the k-th write of a record made
	// version k, and the record ends at its last write.
	for _, r := range all {
		rec, err := app.FindRecordById(r.collection, r.id)
		if err != nil {
			t.Errorf("%s/%s: %v", r.collection, r.id, err)
			continue
		}
		if got, want := rec.GetInt(schema.FieldVersion), len(r.writes); got != want {
			t.Errorf("%s/%s: version %d, want %d (1 + %d updates)", r.collection, r.id, got, want, want-1)
		}
		var versions []int
		for _, w := range r.writes {
			versions = append(versions, int(stored[w.mutationID].Version))
		}
		if r == shared { // its writers raced: each write still took a version of its own
			for _, w := range r.writes {
				if int(stored[w.mutationID].Version) == len(r.writes) {
					r.fields["why"] = w.value // the write applied last
				}
			}
			slices.Sort(versions)
		}
		for i, v := range versions {
			if v != i+1 {
				t.Errorf("%s/%s: write %d got version %d, want %d: %v", r.collection, r.id, i+1, v, i+1, versions)
				break
			}
		}
		for f, want := range r.fields {
			if got := rec.GetString(f); got != want {
				t.Errorf("%s/%s.%s = %q, want %q", r.collection, r.id, f, got, want)
			}
		}
		var n int
		name := crashCreateField[r.collection]
		if err := db.Select("count(*)").From(r.collection).Where(dbx.HashExp{name: r.writes[0].value}).Row(&n); err != nil || n != 1 {
			t.Errorf("%s with %s %s: %d records (%v), want 1", r.collection, name, r.writes[0].value, n, err)
		}
	}

	// Nothing anyone typed is gone: it is current, kept in sync_conflicts,
	// or a later mutation replaced it knowingly (it was that one's base).
	var dump strings.Builder
	for _, c := range []string{schema.Goals, schema.GoalSteps, schema.NetworkContacts, schema.Observations, schema.SyncConflicts, schema.SyncRejections} {
		recs, err := app.FindAllRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			b, _ := json.Marshal(r)
			dump.Write(b)
		}
	}
	replaced := map[string]bool{}
	for _, d := range devices {
		for _, m := range d.queued {
			for _, v := range m.Base {
				if s, ok := v.(string); ok {
					replaced[s] = true
				}
			}
		}
	}
	kept := dump.String()
	for _, d := range devices {
		for _, v := range d.typed {
			if !replaced[v] && !strings.Contains(kept, v) {
				t.Errorf("%s typed %s: lost (not current, not in sync_conflicts, not knowingly replaced)", d.name, v)
			}
		}
	}

	checkCrashFeed(t, db, all)
}

// checkCrashFeed: one feed row per record and bucket (the primary key
// promises it; a torn write must not break it), the state's seq at the
// head of the feed, and every written record live in the feed.
func checkCrashFeed(t *testing.T, db dbx.Builder, all []*crashRec) {
	t.Helper()
	var dups, seq, head int
	if err := db.NewQuery(`SELECT count(*) FROM (SELECT 1 FROM sync_feed GROUP BY collection, record_id, bucket HAVING count(*) > 1)`).Row(&dups); err != nil {
		t.Fatal(err)
	}
	if dups != 0 {
		t.Errorf("sync_feed: %d (record, bucket) pairs with more than one row", dups)
	}
	if err := db.NewQuery("SELECT seq FROM sync_state WHERE id = 1").Row(&seq); err != nil {
		t.Fatal(err)
	}
	if err := db.NewQuery("SELECT max(seq) FROM sync_feed").Row(&head); err != nil {
		t.Fatal(err)
	}
	if seq != head {
		t.Errorf("sync_state.seq = %d, max seq in sync_feed = %d", seq, head)
	}
	for _, r := range all {
		var live, gone int
		if err := db.NewQuery("SELECT count(*) FILTER (WHERE op = 0), count(*) FILTER (WHERE op = 1) FROM sync_feed WHERE collection = {:c} AND record_id = {:id}").
			Bind(dbx.Params{"c": r.collection, "id": r.id}).Row(&live, &gone); err != nil {
			t.Fatal(err)
		}
		if live == 0 || gone != 0 {
			t.Errorf("sync_feed for %s/%s: %d live rows, %d tombstones; want some live, none gone", r.collection, r.id, live, gone)
		}
	}
}
