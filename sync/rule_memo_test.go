package sync_test

import (
	"testing"

	"github.com/samenspel/samenspel/server"
)

// TestPushRuleMemo: a push remembers create-rule answers, yet every answer
// is what the rule says at that moment. A step for a goal that does not
// exist yet is refused; once the same push created the goal, the same
// step is allowed. A step for another team's goal stays refused. (A
// refusal rolls its mutation back and clears the memo; the memo also
// forgets answers that read a collection the push writes, which no single
// person's push can turn from allowed to refused, since people only move
// records within their own scope.)
func TestPushRuleMemo(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, server.DefaultConfig())
	auth := s.register(s.w.BegA, "memo-phone")
	goal := "memogoal0000001"
	step := func(mid, id, goalID string) map[string]any {
		return map[string]any{"mutation_id": mid, "collection": "goal_steps", "id": id, "op": "create",
			"data": map[string]any{"goal": goalID, "description": "Samen naar de bieb", "carried_by": "client"}}
	}
	res := s.push(auth,
		step("m1", "memostep0000001", goal),
		map[string]any{"mutation_id": "m2", "collection": "goals", "id": goal, "op": "create",
			"data": map[string]any{"client": s.w.ClientA.Id, "title": "Naar de bibliotheek"}},
		step("m3", "memostep0000002", goal),
		step("m4", "memostep0000003", s.w.GoalB.Id),
		step("m5", "memostep0000004", s.w.GoalB.Id),
		step("m6", "memostep0000005", goal),
	)
	want := []string{"rejected", "applied", "applied", "rejected", "rejected", "applied"}
	for i, r := range res {
		if r.Status != want[i] {
			t.Fatalf("mutation %s: %s (%+v), want %s", r.MutationID, r.Status, r.Error, want[i])
		}
	}
}
