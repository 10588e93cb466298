package sync

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/apierr"
)

// DefaultReplayWindow is the replay window when Config.ReplayWindow is nil.
const DefaultReplayWindow = 15 * time.Minute

// A restore from a backup can lose the last writes the backup had not yet
// received, writes that devices were told were applied. So that nothing
// acknowledged vanishes, every answer that acknowledges writes (push) and
// every pull page and registration tells the device two things:
//
//   - history: the feed's epoch. A device remembers it; when an answer
//     shows another one, the server was restored and the device sends
//     again what it kept;
//   - replay_window_seconds: how long the device keeps each acknowledged
//     mutation for that. It is at least the configured window and at
//     least twice the current backup lag, so a write leaves the device
//     only once the backup has had it for a while.
//
// A push may name the history it was made in ("history" next to
// "mutations"); if that is not the server's, nothing of the push is
// applied and the answer is cursor_expired with data {"history":
// "changed"}, so the device can first send what it kept, in its original
// order, before its new writes. Replays are safe: a mutation the restored
// server has is answered from its stored result; one it lacks is judged
// anew, and a base_version the restored record never had counts as
// concurrent (a field changed on both sides is a conflict, kept in
// sync_conflicts, never dropped).

// replayWindow is the window advertised now, in whole seconds.
func (s *Service) replayWindow() int64 {
	w := DefaultReplayWindow
	if s.cfg.ReplayWindow != nil {
		if v := s.cfg.ReplayWindow(); v > 0 {
			w = v
		}
	}
	return int64((w + time.Second - 1) / time.Second)
}

// history reads the feed's epoch.
func history(q interface {
	NewQuery(string) *dbx.Query
}) (string, error) {
	var epoch string
	if err := q.NewQuery("SELECT epoch FROM sync_state WHERE id = 1").Row(&epoch); err != nil {
		return "", fmt.Errorf("read feed epoch: %w", err)
	}
	return epoch, nil
}

// pushHistory is the history a push body names, "" if none.
func pushHistory(raw []byte) string {
	var body struct {
		History any `json:"history"`
	}
	_ = json.Unmarshal(raw, &body)
	h, _ := body.History.(string)
	return h
}

func errHistoryChanged() error {
	return apierr.Errorf(apierr.CodeCursorExpired, "The server was restored from a backup since this push was made: pull again without a cursor, then push what the server lacks.").
		WithData(map[string]any{"history": "changed"})
}
