package sync

import (
	"context"
	"encoding/json"
	gosync "sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

// SeenFlushInterval is how often the last-sync stamps of devices reach the
// database. The team's sync health in the review reads them, so what it
// shows lags by at most this interval.
const SeenFlushInterval = 30 * time.Second

// seenStamps are a device's last pull and push not yet written ("" when
// none is pending).
type seenStamps struct {
	Pull string `json:"pull"`
	Push string `json:"push"`
}

// markSeen stamps a device's last pull or push ("last_pull_at",
// "last_push_at") in memory; FlushSeen writes them. Pulls only read the
// database: a stamp written on the pull would queue behind any long write
// transaction on the single write connection, and the pull with it.
func (s *Service) markSeen(dev *Device, column string) {
	now := types.NowDateTime().String()
	s.seenMu.Lock()
	defer s.seenMu.Unlock()
	st := s.seen[dev.RecordID]
	if column == "last_push_at" {
		st.Push = now
	} else {
		st.Pull = now
	}
	s.seen[dev.RecordID] = st
}

// FlushSeen writes the pending stamps in one statement. Losing them to a
// crash loses nothing else (they only feed the review), so callers log a
// failure; the stamps are kept for the next flush.
func (s *Service) FlushSeen() error {
	s.seenMu.Lock()
	pending := s.seen
	s.seen = map[string]seenStamps{}
	s.seenMu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	raw, err := json.Marshal(pending)
	if err != nil {
		return err
	}
	_, err = s.app.DB().NewQuery(`UPDATE sync_devices SET
		last_pull_at = coalesce(nullif(json_extract(j.value, '$.pull'), ''), last_pull_at),
		last_push_at = coalesce(nullif(json_extract(j.value, '$.push'), ''), last_push_at)
		FROM json_each({:stamps}) AS j WHERE sync_devices.id = j.key`).
		Bind(dbx.Params{"stamps": string(raw)}).Execute()
	if err != nil {
		s.seenMu.Lock()
		for id, st := range pending {
			if _, newer := s.seen[id]; !newer {
				s.seen[id] = st
			}
		}
		s.seenMu.Unlock()
	}
	return err
}

// FlushSeenEvery writes the stamps every interval in the background until
// stop is called; stop waits for the writer, writes what is left and may
// be called more than once. The server calls it on shutdown.
func (s *Service) FlushSeenEvery(every time.Duration) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := s.FlushSeen(); err != nil {
					s.app.Logger().Warn("write device sync times", "error", err.Error())
				}
			}
		}
	}()
	var once gosync.Once
	return func() error {
		once.Do(func() { cancel(); <-done })
		return s.FlushSeen()
	}
}
