package sync

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

// seenEvery throttles the last-sync stamps: a device that pulls page after
// page writes its stamp once, not once per page.
const seenEvery = time.Minute

// markSeen stamps a device's last pull or push ("last_pull_at",
// "last_push_at"), at most once per seenEvery. The stamps feed the team's
// sync health in the review; losing one to a crash loses nothing else, so
// a failure is logged, not returned.
func (s *Service) markSeen(dev *Device, column string) {
	now := time.Now()
	key := dev.RecordID + "/" + column
	s.seenMu.Lock()
	last, ok := s.seen[key]
	if ok && now.Sub(last) < seenEvery {
		s.seenMu.Unlock()
		return
	}
	s.seen[key] = now
	s.seenMu.Unlock()
	dt, _ := types.ParseDateTime(now.UTC())
	_, err := s.app.DB().NewQuery("UPDATE sync_devices SET " + column + " = {:t} WHERE id = {:id}").
		Bind(dbx.Params{"t": dt.String(), "id": dev.RecordID}).Execute()
	if err != nil {
		s.app.Logger().Warn("stamp device sync time", "device", dev.ID, "error", err.Error())
	}
}
