package sync_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// A base_version the record never had (ahead of its version) is not "the
// device saw the latest": the update is judged as concurrent, so a staff
// member's stale edit does not overwrite a client's own title, and its
// text is kept as a conflict.
func TestPushFutureBaseVersionIsConcurrent(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	goal := s.w.GoalA.Id
	client := s.register(s.w.ClientA, "phone-jan")
	bega := s.register(s.w.BegA, "phone-bega")

	base := versionOf(t, s.app, schema.Goals, goal)
	up := withBase(mutation("c1", "goals", goal, "update", map[string]any{"title": "Zelf naar de markt"}), base)
	up["base"] = map[string]any{"title": s.w.GoalA.GetString("title")}
	if r := s.push(client, up); r[0].Status != fieldsync.StatusApplied {
		t.Fatalf("client edit: %+v", r[0])
	}

	staff := withBase(mutation("b1", "goals", goal, "update", map[string]any{"title": "Boodschappenlijst maken"}), 999999)
	staff["base"] = map[string]any{"title": "iets anders"}
	s.push(bega, staff)
	var title string
	if err := s.app.DB().Select("title").From("goals").Where(dbx.HashExp{"id": goal}).Row(&title); err != nil {
		t.Fatal(err)
	}
	if got, want := title, "Zelf naar de markt"; got != want {
		t.Fatalf("title=%q, want the client's %q", got, want)
	}
	var kept int
	if err := s.app.DB().NewQuery(`SELECT count(*) FROM sync_conflicts WHERE record = {:id} AND lost_value LIKE '%Boodschappenlijst maken%'`).
		Bind(dbx.Params{"id": goal}).Row(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != 1 {
		t.Fatalf("conflicts keeping the staff text=%d, want 1", kept)
	}

	// A delete with a base_version from the future is not applied either.
	del := withBase(mutation("b2", "goals", goal, "delete", nil), 999999)
	if r := s.push(bega, del); r[0].Status != fieldsync.StatusConflict {
		t.Fatalf("delete with a future base_version: status=%s, want conflict", r[0].Status)
	}
	var left int
	if err := s.app.DB().NewQuery("SELECT count(*) FROM goals WHERE id = {:id}").Bind(dbx.Params{"id": goal}).Row(&left); err != nil || left != 1 {
		t.Fatalf("goal gone after a delete with a future base_version (%v)", err)
	}
}
