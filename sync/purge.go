package sync

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// PurgeStats says what a purge removed.
type PurgeStats struct {
	FeedRows  int64 // delete rows (tombstones and bucket exits) older than the horizon
	Mutations int64 // stored push results older than the mutation horizon
	PurgedSeq int64 // cursors standing before this seq now get cursor_expired
}

// Purge forgets history older than the configured horizons: delete rows of
// the change feed and stored push results. Cursors that stood before the
// purged history answer cursor_expired afterwards, so no device can miss a
// delete silently. It runs hourly on a serving app; now is a parameter for
// tests.
func (s *Service) Purge(now time.Time) (PurgeStats, error) {
	var st PurgeStats
	feedCutoff := now.Add(-s.cfg.TombstoneHorizon).Unix()
	mutCutoff := now.Add(-s.cfg.MutationHorizon).Unix()
	err := s.app.RunInTransaction(func(tx core.App) error {
		var maxSeq sql.NullInt64
		err := tx.DB().NewQuery("SELECT max(seq) FROM sync_feed WHERE op = 1 AND at < {:cut}").
			Bind(dbx.Params{"cut": feedCutoff}).Row(&maxSeq)
		if err != nil {
			return err
		}
		res, err := tx.DB().NewQuery("DELETE FROM sync_feed WHERE op = 1 AND at < {:cut}").
			Bind(dbx.Params{"cut": feedCutoff}).Execute()
		if err != nil {
			return err
		}
		st.FeedRows, _ = res.RowsAffected()
		if maxSeq.Valid {
			_, err = tx.DB().NewQuery("UPDATE sync_state SET purged_seq = max(purged_seq, {:s}) WHERE id = 1").
				Bind(dbx.Params{"s": maxSeq.Int64}).Execute()
			if err != nil {
				return err
			}
		}
		if err := tx.DB().NewQuery("SELECT purged_seq FROM sync_state WHERE id = 1").Row(&st.PurgedSeq); err != nil {
			return err
		}
		res, err = tx.DB().NewQuery("DELETE FROM sync_mutations WHERE at < {:cut}").
			Bind(dbx.Params{"cut": mutCutoff}).Execute()
		if err != nil {
			return err
		}
		st.Mutations, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("purge sync history: %w", err)
	}
	return st, nil
}
