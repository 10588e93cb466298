package sync_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// Deleting a client (other than by REST, which erases) deletes, in the same transaction, the conflicts about
// their data and the rejections they pushed or about their data: no row
// of sync_conflicts or sync_rejections holds their words after. Another
// client's rejection stays.
func TestDeletedClientsWordsGo(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	w := s.w
	const word = "Zwaluwstaart"
	client := s.register(w.ClientA, "phone-jan")
	bega := s.register(w.BegA, "phone-bega")

	// A conflict on the client's goal: the client's title stands, BegA's
	// stale edit is kept.
	base := versionOf(t, s.app, schema.Goals, w.GoalA.Id)
	old := map[string]any{"title": w.GoalA.GetString("title")}
	up := withBase(mutation("c1", "goals", w.GoalA.Id, "update", map[string]any{"title": word + " leren vouwen"}), base)
	up["base"] = old
	staff := withBase(mutation("b1", "goals", w.GoalA.Id, "update", map[string]any{"title": "Boodschappen, " + word}), base)
	staff["base"] = old
	s.push(client, up)
	if r := s.push(bega, staff); r[0].Status != fieldsync.StatusConflict && r[0].Status != fieldsync.StatusApplied {
		t.Fatalf("staff edit: %+v", r[0])
	}
	// Rejections: the client's own, BegA's about the client's goal, and
	// BegA's about another client's goal.
	mustRejected(t, s.push(client, mutation("c2", "goals", "goalnew00000001", "create",
		map[string]any{"client": w.ClientA.Id, "title": word, "bogus": word}))[0], apierr.CodeInvalidRequest)
	mustRejected(t, s.push(bega, mutation("b2", "goals", w.GoalA.Id, "update", map[string]any{"title": word, "bogus": 1}))[0], apierr.CodeInvalidRequest)
	mustRejected(t, s.push(bega, mutation("b3", "goal_steps", "stepnew00000001", "create",
		map[string]any{"goal": w.GoalA.Id, "description": word, "bogus": 1}))[0], apierr.CodeInvalidRequest)
	mustRejected(t, s.push(bega, mutation("b4", "goals", w.GoalA2.Id, "update", map[string]any{"title": word + " (Fatima)", "bogus": 1}))[0], apierr.CodeInvalidRequest)

	count := func(where string) int {
		t.Helper()
		var n int
		if err := s.app.DB().NewQuery("SELECT count(*) FROM " + where).Bind(dbx.Params{"w": "%" + word + "%"}).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	conflicts := "sync_conflicts WHERE kept_value LIKE {:w} OR lost_value LIKE {:w}"
	rejections := "sync_rejections WHERE payload LIKE {:w} OR error LIKE {:w}"
	if got := count(conflicts); got == 0 {
		t.Fatal("no conflict holds the word before the delete")
	}
	if got, want := count(rejections), 4; got != want {
		t.Fatalf("rejections holding the word before the delete=%d, want %d", got, want)
	}

	// Through Go, not REST: a REST delete of a client is a whole erasure
	// (server/erase_rest.go); this is the hook that any other delete
	// (a cascade, Go code) runs.
	if err := s.app.Delete(w.ClientA); err != nil {
		t.Fatal(err)
	}
	if got := count(conflicts); got != 0 {
		t.Errorf("conflicts holding the deleted client's words=%d, want 0", got)
	}
	if got, want := count(rejections), 1; got != want {
		t.Errorf("rejections holding the word=%d, want %d (only the one about Fatima's goal)", got, want)
	}
}
