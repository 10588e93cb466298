package hooks_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

type feedRow struct {
	Bucket string `db:"bucket"`
	Seq    int64  `db:"seq"`
	Op     int    `db:"op"`
}

func feedOf(t *testing.T, app interface{ DB() dbx.Builder }, collection, id string) map[string]feedRow {
	t.Helper()
	var rows []feedRow
	if err := app.DB().NewQuery("SELECT bucket, seq, op FROM sync_feed WHERE collection={:c} AND record_id={:id}").
		Bind(dbx.Params{"c": collection, "id": id}).All(&rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]feedRow{}
	for _, r := range rows {
		out[r.Bucket] = r
	}
	return out
}

func TestWorldFeedAndVersions(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	w := servertest.NewWorld(t, app)

	if got, want := w.GoalA.GetInt("version"), 1; got != want {
		t.Fatalf("version=%d, want %d", got, want)
	}
	feed := feedOf(t, app, schema.Goals, w.GoalA.Id)
	for _, b := range []string{schema.BucketAll, schema.PlansBucket(w.TeamA.Id), schema.ClientBucket(w.ClientA.Id)} {
		if r, ok := feed[b]; !ok || r.Op != 0 {
			t.Fatalf("goal not live in bucket %s: %v", b, feed)
		}
	}
	if len(feed) != 3 {
		t.Fatalf("goal in %d buckets, want 3: %v", len(feed), feed)
	}

	// Move ClientA to team B: the goal (and step, contact, conflict) follow.
	w.ClientA.Set("team", w.TeamB.Id)
	if err := app.Save(w.ClientA); err != nil {
		t.Fatal(err)
	}
	feed = feedOf(t, app, schema.Goals, w.GoalA.Id)
	if r := feed[schema.PlansBucket(w.TeamA.Id)]; r.Op != 1 {
		t.Fatalf("goal still live in team A plans: %v", feed)
	}
	if r, ok := feed[schema.PlansBucket(w.TeamB.Id)]; !ok || r.Op != 0 {
		t.Fatalf("goal not live in team B plans: %v", feed)
	}
	conflict, err := app.FindRecordById(schema.SyncConflicts, w.ConflictGoalA.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := conflict.GetString("team"), w.TeamB.Id; got != want {
		t.Fatalf("conflict team=%s, want %s", got, want)
	}
	if got, want := conflict.GetInt("version"), 2; got != want {
		t.Fatalf("conflict version=%d, want %d", got, want)
	}

	// Delete the client: everything of theirs is tombstoned.
	if err := app.Delete(w.ClientA); err != nil {
		t.Fatal(err)
	}
	feed = feedOf(t, app, schema.Goals, w.GoalA.Id)
	for b, r := range feed {
		if r.Op != 1 {
			t.Fatalf("deleted goal still live in %s", b)
		}
	}
}
