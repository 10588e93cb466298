package sync_test

import (
	"testing"

	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestOwnEditIsNoConflict: a phone that edits the same field twice
// without pulling in between sends the same old base version both times.
// Its second edit follows its own first one and must not be kept as a
// conflict; the same edit from the same person's other device, which
// never saw the phone's value, is one.
func TestOwnEditIsNoConflict(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	phone := s.register(s.w.BegA, "phone-beg")
	tablet := s.register(s.w.BegA, "tablet-beg")
	base := versionOf(t, s.app, schema.Goals, s.w.GoalA.Id)
	conflicts := func() int {
		n, err := s.app.CountRecords(schema.SyncConflicts)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	before := conflicts()
	title := func(id, text string) map[string]any {
		return withBase(mutation(id, "goals", s.w.GoalA.Id, "update", map[string]any{"title": text}), base)
	}

	for i, m := range []map[string]any{title("p-1", "Eerst zo"), title("p-2", "Toch liever zo")} {
		res := s.push(phone, m)
		if res[0].Status != fieldsync.StatusApplied {
			t.Fatalf("phone's edit %d: %+v, want applied", i+1, res[0])
		}
	}
	if got := conflicts(); got != before {
		t.Fatalf("%d conflicts kept for a phone following its own edit, want none", got-before)
	}

	res := s.push(tablet, title("t-1", "Van de tablet"))
	if res[0].Status == fieldsync.StatusRejected {
		t.Fatalf("tablet's concurrent edit: %+v", res[0])
	}
	if got := conflicts(); got != before+1 {
		t.Fatalf("%d conflicts kept for another device's concurrent edit, want 1", got-before)
	}
}
