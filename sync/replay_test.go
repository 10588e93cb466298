package sync_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/samenspel/samenspel/internal/apierr"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// Every answer tells the device the server's history and replay window;
// a push made in another history (the server was restored since) is
// refused before any of it applies, so the device can first send what it
// kept, in order.
func TestPushInAnotherHistory(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "phone-bega")

	var page struct {
		History string `json:"history"`
		Window  int64  `json:"replay_window_seconds"`
	}
	if r := s.do("GET", "/api/sync/v1/pull", auth, nil); r.status != http.StatusOK || json.Unmarshal(r.body, &page) != nil {
		t.Fatalf("pull: %d %s", r.status, r.body)
	}
	if page.History == "" || page.Window < 60 {
		t.Fatalf("pull answer history=%q replay_window_seconds=%d", page.History, page.Window)
	}

	update := func(id, why string) map[string]any {
		return map[string]any{"mutation_id": "m-" + why, "collection": "goals", "id": id, "op": "update", "data": map[string]any{"why": why}}
	}
	ok := s.do("POST", "/api/sync/v1/push", auth, map[string]any{"history": page.History, "mutations": []any{update(s.w.GoalA.Id, "een")}})
	var res fieldsync.PushResponse
	if ok.status != http.StatusOK || json.Unmarshal(ok.body, &res) != nil || res.Results[0].Status == fieldsync.StatusRejected {
		t.Fatalf("push in this history: %d %s", ok.status, ok.body)
	}
	if res.History != page.History || res.ReplayWindowSeconds != page.Window {
		t.Errorf("push answer history=%q window=%d, pull said %q %d", res.History, res.ReplayWindowSeconds, page.History, page.Window)
	}

	if err := fieldsync.NewHistory(s.app); err != nil {
		t.Fatal(err)
	}
	data := mustError(t, s.do("POST", "/api/sync/v1/push", auth, map[string]any{"history": page.History, "mutations": []any{update(s.w.GoalA.Id, "twee")}}),
		apierr.CodeCursorExpired)
	if got := mustJSON(t, data); got != `{"history":"changed"}` {
		t.Errorf("data %s", got)
	}
	goal, err := s.app.FindRecordById("goals", s.w.GoalA.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := goal.GetString("why"); got != "een" {
		t.Errorf("why=%q after a push refused for its history, want een", got)
	}
	// Without a history (an older app) the push applies as before.
	s.push(auth, update(s.w.GoalA.Id, "drie"))
}
