package sync

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/schema"
)

// Default retention of the words kept for people to look at: a resolved
// conflict has been discussed, a rejection shown to the person who pushed
// it. Neither is kept longer than it serves that purpose (AVG: storage
// limitation).
const (
	DefaultConflictRetention  = 90 * 24 * time.Hour
	DefaultRejectionRetention = 30 * 24 * time.Hour
)

// retainBatch bounds one transaction of Retain, so that a first run over
// a long history does not hold the writer for long.
const retainBatch = 500

// RetainStats says what Retain removed.
type RetainStats struct {
	Conflicts  int   // resolved conflicts not changed for ConflictRetention
	Rejections int64 // rejected mutations older than RejectionRetention
}

// Retain removes resolved conflicts not changed (resolved or otherwise)
// for the conflict retention, and rejected mutations received longer ago
// than the rejection retention. Conflicts are deleted as records, so
// devices receive the deletes; an unresolved conflict stays however old.
// It runs hourly on a serving app; now is a parameter for tests. Errors
// are the database's; what was deleted before an error stays deleted.
func (s *Service) Retain(now time.Time) (RetainStats, error) {
	var st RetainStats
	conflictCut, err := types.ParseDateTime(now.Add(-s.cfg.ConflictRetention).UTC())
	if err != nil {
		return st, err
	}
	for {
		var old []*core.Record
		err := s.app.RecordQuery(schema.SyncConflicts).
			Where(dbx.NewExp("resolved = true AND updated < {:cut}", dbx.Params{"cut": conflictCut.String()})).
			Limit(retainBatch).All(&old)
		if err != nil {
			return st, fmt.Errorf("retain conflicts: %w", err)
		}
		if len(old) == 0 {
			break
		}
		err = s.app.RunInTransaction(func(tx core.App) error {
			for _, r := range old {
				if err := tx.Delete(r); err != nil {
					return fmt.Errorf("delete conflict %s: %w", r.Id, err)
				}
			}
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("retain conflicts: %w", err)
		}
		st.Conflicts += len(old)
	}
	rejectionCut, err := types.ParseDateTime(now.Add(-s.cfg.RejectionRetention).UTC())
	if err != nil {
		return st, err
	}
	res, err := s.app.DB().NewQuery("DELETE FROM sync_rejections WHERE created < {:cut}").
		Bind(dbx.Params{"cut": rejectionCut.String()}).Execute()
	if err != nil {
		return st, fmt.Errorf("retain rejections: %w", err)
	}
	st.Rejections, _ = res.RowsAffected()
	return st, nil
}
