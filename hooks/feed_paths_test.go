package hooks_test

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// The tests in feed_paths*_test.go hold the change feed's central promise:
// every write of a synced record, by any path, advances the feed in the
// same transaction (a new seq in each of the record's buckets, version +1),
// and every write that fails or is rolled back leaves the feed, the
// sequence and every version exactly as they were.

// feedTable is the whole change feed, the sequence and every synced
// record's version.
type feedTable struct {
	seq      int64
	rows     map[string]feedCell // "collection/id|bucket"
	versions map[string]int      // collection/id
	renders  map[int64]string    // the render store, by seq
}

type feedCell struct {
	Seq int64
	Op  int
}

func readFeed(tb testing.TB, app core.App) feedTable {
	tb.Helper()
	t := feedTable{rows: map[string]feedCell{}, versions: map[string]int{}, renders: map[int64]string{}}
	// The render store is written with the feed, by every path, and
	// always says what rendering the records now says.
	if bad, err := servertest.RenderStoreMismatches(app); err != nil || len(bad) > 0 {
		tb.Fatalf("render store: %v %q", err, bad)
	}
	var renders []struct {
		Seq  int64  `db:"seq"`
		Rest string `db:"rest"`
	}
	if err := app.DB().NewQuery("SELECT seq, collection || '/' || record_id || '|' || change AS rest FROM sync_render").All(&renders); err != nil {
		tb.Fatalf("render store: %v", err)
	}
	for _, r := range renders {
		t.renders[r.Seq] = r.Rest
	}
	if err := app.DB().NewQuery("SELECT seq FROM sync_state WHERE id = 1").Row(&t.seq); err != nil {
		tb.Fatalf("feed seq: %v", err)
	}
	var rows []struct {
		Collection string `db:"collection"`
		ID         string `db:"record_id"`
		Bucket     string `db:"bucket"`
		Seq        int64  `db:"seq"`
		Op         int    `db:"op"`
	}
	if err := app.DB().NewQuery("SELECT collection, record_id, bucket, seq, op FROM sync_feed").All(&rows); err != nil {
		tb.Fatalf("feed: %v", err)
	}
	for _, r := range rows {
		t.rows[r.Collection+"/"+r.ID+"|"+r.Bucket] = feedCell{r.Seq, r.Op}
	}
	for _, c := range schema.Synced {
		var recs []struct {
			ID      string `db:"id"`
			Version int    `db:"version"`
		}
		if err := app.DB().Select("id", "version").From(c).All(&recs); err != nil {
			tb.Fatalf("versions of %s: %v", c, err)
		}
		for _, r := range recs {
			t.versions[c+"/"+r.ID] = r.Version
		}
	}
	return t
}

// written is what one write should have done to one record.
type written struct {
	collection, id string
	deleted        bool
}

func upserted(r *core.Record) written   { return written{r.Collection().Name, r.Id, false} }
func deletedRec(r *core.Record) written { return written{r.Collection().Name, r.Id, true} }

// createdIn stands for one record created in collection whose id the test
// cannot know (a conflict kept by a cascade).
func createdIn(collection string) written { return written{collection, "*", false} }

// resolveCreated gives each createdIn its own record among those new in
// its collection.
func resolveCreated(tb testing.TB, before, after feedTable, want []written) []written {
	tb.Helper()
	out := slices.Clone(want)
	taken := map[string]bool{}
	for _, w := range want {
		taken[w.collection+"/"+w.id] = true
	}
	for i, w := range out {
		if w.id != "*" {
			continue
		}
		for _, rec := range slices.Sorted(maps.Keys(after.versions)) {
			if _, old := before.versions[rec]; !old && !taken[rec] && strings.HasPrefix(rec, w.collection+"/") {
				out[i].id, taken[rec] = strings.TrimPrefix(rec, w.collection+"/"), true
				break
			}
		}
		if out[i].id == "*" {
			tb.Errorf("no new record in %s", w.collection)
		}
	}
	return out
}

// mustAdvance checks that exactly the records in want changed in the feed,
// each at one new seq of its own in every bucket of its scope (live after
// an upsert, a tombstone in every bucket it was live in after a delete),
// that the sequence advanced once per record, and that versions moved by
// one for updates, start at 1 for creates and nothing else changed.
func mustAdvance(tb testing.TB, app core.App, before, after feedTable, want ...written) {
	tb.Helper()
	want = resolveCreated(tb, before, after, want)
	if got, want := after.seq, before.seq+int64(len(want)); got != want {
		tb.Errorf("sync_state.seq=%d, want %d (one per written record)", got, want)
	}
	changed := map[string]map[string]feedCell{} // record -> bucket -> cell after
	for key, cell := range after.rows {
		if old, ok := before.rows[key]; !ok || old != cell {
			rec, bucket := splitKey(key)
			if changed[rec] == nil {
				changed[rec] = map[string]feedCell{}
			}
			changed[rec][bucket] = cell
		}
	}
	for key := range before.rows {
		if _, ok := after.rows[key]; !ok {
			tb.Errorf("feed row %s vanished", key)
		}
	}
	seqs := map[int64]string{}
	for _, w := range want {
		rec := w.collection + "/" + w.id
		cells := changed[rec]
		delete(changed, rec)
		if len(cells) == 0 {
			tb.Errorf("%s: no feed change", rec)
			continue
		}
		var seq int64
		for bucket, c := range cells {
			if seq == 0 {
				seq = c.Seq
			}
			if c.Seq != seq || c.Seq <= before.seq || c.Seq > after.seq {
				tb.Errorf("%s: bucket %s at seq %d; want one new seq in (%d, %d]", rec, bucket, c.Seq, before.seq, after.seq)
			}
		}
		if other, dup := seqs[seq]; dup {
			tb.Errorf("%s and %s share seq %d", rec, other, seq)
		}
		seqs[seq] = rec

		oldVersion, existed := before.versions[rec]
		newVersion, exists := after.versions[rec]
		if w.deleted {
			if exists {
				tb.Errorf("%s: still exists", rec)
			}
			var live []string
			for key, c := range before.rows {
				if r, b := splitKey(key); r == rec && c.Op == 0 {
					live = append(live, b)
				}
			}
			mustBuckets(tb, rec+" tombstones", cells, live, 1)
			continue
		}
		switch {
		case !exists:
			tb.Errorf("%s: does not exist", rec)
		case !existed && newVersion != 1:
			tb.Errorf("%s: created at version %d, want 1", rec, newVersion)
		case existed && newVersion != oldVersion+1:
			tb.Errorf("%s: version %d -> %d, want +1", rec, oldVersion, newVersion)
		}
		scope, err := schema.ScopeOf(app.DB(), w.collection, w.id)
		if err != nil {
			tb.Fatalf("scope of %s: %v", rec, err)
		}
		mustBuckets(tb, rec, cells, scope.Buckets(), 0)
	}
	for rec, cells := range changed {
		tb.Errorf("%s changed in the feed unexpectedly: %v", rec, cells)
	}
	for rec, v := range before.versions {
		if slices.ContainsFunc(want, func(w written) bool { return w.collection+"/"+w.id == rec }) {
			continue
		}
		if got, ok := after.versions[rec]; ok && got != v {
			tb.Errorf("%s: version %d -> %d, but it was not written", rec, v, got)
		}
	}
}

// mustBuckets checks that cells are exactly buckets, all with op.
func mustBuckets(tb testing.TB, what string, cells map[string]feedCell, buckets []string, op int) {
	tb.Helper()
	got := slices.Sorted(maps.Keys(cells))
	want := slices.Sorted(slices.Values(buckets))
	if !slices.Equal(got, want) {
		tb.Errorf("%s: feed changed in buckets %v, want %v", what, got, want)
	}
	for b, c := range cells {
		if c.Op != op {
			tb.Errorf("%s: bucket %s op %d, want %d", what, b, c.Op, op)
		}
	}
}

// mustNotChange checks that a failed write left every trace as it was.
func mustNotChange(tb testing.TB, before, after feedTable) {
	tb.Helper()
	if after.seq != before.seq {
		tb.Errorf("sync_state.seq %d -> %d", before.seq, after.seq)
	}
	if !reflect.DeepEqual(after.rows, before.rows) {
		tb.Errorf("sync_feed changed: %d rows -> %d rows", len(before.rows), len(after.rows))
	}
	if !reflect.DeepEqual(after.renders, before.renders) {
		tb.Errorf("render store changed: %d rows -> %d", len(before.renders), len(after.renders))
	}
	if !reflect.DeepEqual(after.versions, before.versions) {
		for rec, v := range after.versions {
			if before.versions[rec] != v {
				tb.Errorf("%s: version %d -> %d", rec, before.versions[rec], v)
			}
		}
		if len(after.versions) != len(before.versions) {
			tb.Errorf("records %d -> %d", len(before.versions), len(after.versions))
		}
	}
}

func splitKey(key string) (record, bucket string) {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '|' {
			return key[:i], key[i+1:]
		}
	}
	panic(fmt.Sprintf("bad feed key %q", key))
}

// mustRecord loads a record or fails.
func mustRecord(tb testing.TB, app core.App, collection, id string) *core.Record {
	tb.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		tb.Fatalf("find %s/%s: %v", collection, id, err)
	}
	return r
}

// newGoal returns an unsaved goal of client with the given id.
func newGoal(tb testing.TB, app core.App, id, client string) *core.Record {
	tb.Helper()
	col, err := app.FindCachedCollectionByNameOrId(schema.Goals)
	if err != nil {
		tb.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = id
	r.Set("client", client)
	r.Set("title", "Nieuw doel "+id)
	return r
}

var errBoom = errors.New("boom")

func TestFeedGoPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		write func(t *testing.T, app core.App, w *servertest.World) ([]written, error)
	}{
		{"app.Save create", func(t *testing.T, app core.App, w *servertest.World) ([]written, error) {
			r := newGoal(t, app, "feedgoalsave001", w.ClientA.Id)
			return []written{upserted(r)}, app.Save(r)
		}},
		{"app.Save update", func(t *testing.T, app core.App, w *servertest.World) ([]written, error) {
			w.GoalA.Set("title", "Anders gezegd")
			return []written{upserted(w.GoalA)}, app.Save(w.GoalA)
		}},
		{"app.SaveNoValidate update", func(t *testing.T, app core.App, w *servertest.World) ([]written, error) {
			w.ContactA.Set("note", "zonder validatie")
			return []written{upserted(w.ContactA)}, app.SaveNoValidate(w.ContactA)
		}},
		{"app.Delete", func(t *testing.T, app core.App, w *servertest.World) ([]written, error) {
			return []written{deletedRec(w.GoalA2)}, app.Delete(w.GoalA2)
		}},
		{"app.Delete cascades to the steps", func(t *testing.T, app core.App, w *servertest.World) ([]written, error) {
			return []written{deletedRec(w.GoalA), deletedRec(w.StepA)}, app.Delete(w.GoalA)
		}},
		{"several writes in one transaction", func(t *testing.T, app core.App, w *servertest.World) ([]written, error) {
			r := newGoal(t, app, "feedgoaltx00001", w.ClientB.Id)
			return []written{upserted(r), upserted(w.SafariA), deletedRec(w.FeedbackB)}, app.RunInTransaction(func(tx core.App) error {
				w.SafariA.Set("reflection", "geleerd")
				return errors.Join(tx.Save(r), tx.Save(w.SafariA), tx.Delete(w.FeedbackB))
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, w := servertest.NewWorldApp(t)
			before := readFeed(t, app)
			want, err := tt.write(t, app, w)
			if err != nil {
				t.Fatalf("write: %v", err)
			}
			mustAdvance(t, app, before, readFeed(t, app), want...)
		})
	}
}

// TestFeedStaleCopy: a save from a copy loaded before someone else's save
// still counts from the stored version, not the copy's.
func TestFeedStaleCopy(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	stale := mustRecord(t, app, schema.Goals, w.GoalA.Id)
	w.GoalA.Set("why", "eerst")
	if err := app.Save(w.GoalA); err != nil {
		t.Fatal(err)
	}
	before := readFeed(t, app)
	stale.Set("title", "later, van een oude kopie")
	if err := app.Save(stale); err != nil {
		t.Fatal(err)
	}
	after := readFeed(t, app)
	mustAdvance(t, app, before, after, upserted(w.GoalA))
	if got, want := after.versions[schema.Goals+"/"+w.GoalA.Id], 3; got != want {
		t.Fatalf("version=%d, want %d", got, want)
	}
}

func TestFeedGoRollbacks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(app core.App)
		write func(t *testing.T, app core.App, w *servertest.World) error
	}{
		{"validation error", nil, func(t *testing.T, app core.App, w *servertest.World) error {
			w.GoalA.Set("status", "dreaming")
			return app.Save(w.GoalA)
		}},
		{"transaction fails after a save", nil, func(t *testing.T, app core.App, w *servertest.World) error {
			return app.RunInTransaction(func(tx core.App) error {
				w.GoalA.Set("title", "nooit bewaard")
				if err := tx.Save(w.GoalA); err != nil {
					return err
				}
				return errBoom
			})
		}},
		{"transaction fails after a create and a cascade delete", nil, func(t *testing.T, app core.App, w *servertest.World) error {
			return app.RunInTransaction(func(tx core.App) error {
				if err := tx.Save(newGoal(t, tx, "feedgoalgone001", w.ClientA.Id)); err != nil {
					return err
				}
				if err := tx.Delete(w.GoalA); err != nil {
					return err
				}
				return errBoom
			})
		}},
		{"a later hook fails after the SQL of an update", failAfterExecute, func(t *testing.T, app core.App, w *servertest.World) error {
			w.GoalA.Set("title", "door een hook geweigerd")
			return app.Save(w.GoalA)
		}},
		{"a later hook fails after the SQL of a delete", failAfterExecute, func(t *testing.T, app core.App, w *servertest.World) error {
			return app.Delete(w.GoalA)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, w := servertest.NewWorldApp(t)
			if tt.setup != nil {
				tt.setup(app)
			}
			before := readFeed(t, app)
			if err := tt.write(t, app, w); err == nil {
				t.Fatal("write succeeded, want an error")
			}
			mustNotChange(t, before, readFeed(t, app))
		})
	}
}

// failAfterExecute binds handlers that run inside the capture hook's
// transaction, let PocketBase write the row, then fail.
func failAfterExecute(app core.App) {
	fail := func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return errBoom
	}
	app.OnRecordUpdateExecute(schema.Goals).Bind(&hook.Handler[*core.RecordEvent]{Id: "testFailUpdate", Priority: 10, Func: fail})
	app.OnRecordDeleteExecute(schema.Goals).Bind(&hook.Handler[*core.RecordEvent]{Id: "testFailDelete", Priority: 10, Func: fail})
}

// TestFeedStaleScopeCopy: a stale in-memory copy of a record whose scope
// can move (loaded before someone moved it to another team) writes the old
// team back when it is saved with an unrelated change. The feed must
// follow what is stored, for the record and every record whose scope
// follows it: judging from the copy alone ("team did not change") would
// leave them live in the other team's buckets.
func TestFeedStaleScopeCopy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		collection string
		id         func(w *servertest.World) string
		edit       string
		// move moves the record to team B, with what else that takes
		// (references that must stay within one team).
		move func(t *testing.T, app core.App, w *servertest.World, r *core.Record)
	}{
		{schema.Clients, func(w *servertest.World) string { return w.ClientA.Id }, "name", nil},
		{schema.Safaris, func(w *servertest.World) string { return w.SafariA.Id }, "title",
			func(t *testing.T, app core.App, w *servertest.World, r *core.Record) {
				w.FeedbackA.Set("safari", "")
				if err := app.Save(w.FeedbackA); err != nil {
					t.Fatal(err)
				}
				r.Set("begeleiders", []string{})
				r.Set("clients", []string{})
			}},
		{schema.Feedback, func(w *servertest.World) string { return w.FeedbackA.Id }, "text",
			func(t *testing.T, app core.App, w *servertest.World, r *core.Record) { r.Set("safari", "") }},
	} {
		t.Run(tc.collection, func(t *testing.T) {
			t.Parallel()
			app, w := servertest.NewWorldApp(t)
			id := tc.id(w)
			stale := mustRecord(t, app, tc.collection, id)
			moved := mustRecord(t, app, tc.collection, id)
			if tc.move != nil {
				tc.move(t, app, w, moved)
			}
			moved.Set(schema.FieldTeam, w.TeamB.Id)
			if err := app.Save(moved); err != nil {
				t.Fatal(err)
			}
			stale.Set(tc.edit, "van een oude kopie")
			if err := app.Save(stale); err != nil {
				t.Fatal(err)
			}
			if got := mustRecord(t, app, tc.collection, id).GetString(schema.FieldTeam); got != w.TeamA.Id {
				t.Fatalf("stored team %s, want %s (the stale copy's)", got, w.TeamA.Id)
			}
			deps, err := schema.Dependents(app.DB(), tc.collection, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, ref := range append([]schema.Ref{{Collection: tc.collection, ID: id}}, deps...) {
				scope, err := schema.ScopeOf(app.DB(), ref.Collection, ref.ID)
				if err != nil {
					t.Fatal(err)
				}
				var live []string
				for bucket, row := range feedOf(t, app, ref.Collection, ref.ID) {
					if row.Op == 0 {
						live = append(live, bucket)
					}
				}
				slices.Sort(live)
				want := scope.Buckets()
				slices.Sort(want)
				if !slices.Equal(live, want) {
					t.Errorf("%s/%s: live in %v, its stored scope is %v", ref.Collection, ref.ID, live, want)
				}
			}
		})
	}
}
