package sync

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/storage"
)

// RegisterMediaHooks makes every delete of a media record, by any path
// (push, REST, the admin UI, a cascade from its observation, safari or
// client), remove its bytes once the delete is committed. A stored object
// shared with other photos of the team stays until its last record goes.
// A failed removal is left to the sweeper.
func (s *Service) RegisterMediaHooks(app core.App) {
	app.OnRecordAfterDeleteSuccess(schema.Media).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "samenspelMediaObjects",
		Func: func(e *core.RecordEvent) error {
			if s.cfg.Media.Store != nil {
				s.removeObjects(e.App, e.Record)
			}
			return e.Next()
		},
	})
}

func (s *Service) removeObjects(app core.App, r *core.Record) {
	// PocketBase reports a delete as done when its transaction commits,
	// even if a savepoint inside it (a rejected push mutation) undid it:
	// look before removing bytes.
	var still int
	if err := app.DB().NewQuery("SELECT count(*) FROM media WHERE id = {:id}").Bind(dbx.Params{"id": r.Id}).Row(&still); err != nil || still > 0 {
		return
	}
	ctx := context.Background()
	store := s.cfg.Media.Store
	if err := store.Delete(ctx, uploadKey(r.Id)); err != nil {
		app.Logger().Warn("delete photo upload", "media", r.Id, "error", err.Error())
	}
	key := r.GetString(schema.FieldObjectKey)
	if key == "" {
		return
	}
	if n, err := objectRefs(app, key); err != nil || n > 0 {
		return
	}
	if err := store.Delete(ctx, key); err != nil {
		app.Logger().Warn("delete photo", "media", r.Id, "key", key, "error", err.Error())
	}
}

func objectRefs(app core.App, key string) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM media WHERE object_key = {:k}").Bind(dbx.Params{"k": key}).Row(&n)
	return n, err
}

// MediaSweep says what a sweep removed.
type MediaSweep struct {
	PendingRecords int // photos announced but never completed
	Objects        int // uploads and photos no record points to
}

// SweepMedia removes what the photo flow left behind, older than the
// pending TTL: media records still pending (their upload never completed;
// deleting them syncs to the devices), uploads, and stored objects no
// media record points to. Younger leftovers may still be in use. It runs
// every ten minutes on a serving app; now is a parameter for tests.
func (s *Service) SweepMedia(ctx context.Context, now time.Time) (MediaSweep, error) {
	var st MediaSweep
	if s.cfg.Media.Store == nil {
		return st, nil
	}
	cutoff := now.Add(-s.cfg.Media.PendingTTL)
	dt, _ := types.ParseDateTime(cutoff.UTC())
	stale, err := s.app.FindRecordsByFilter(schema.Media, "status = 'pending' && created < {:cut}", "", 0, 0, dbx.Params{"cut": dt.String()})
	if err != nil {
		return st, fmt.Errorf("find stale photos: %w", err)
	}
	for _, r := range stale {
		if err := s.app.Delete(r); err != nil {
			return st, fmt.Errorf("delete stale photo %s: %w", r.Id, err)
		}
		st.PendingRecords++
	}
	for _, prefix := range []string{"uploads/", "photos/"} {
		var orphans []string
		err := s.cfg.Media.Store.List(ctx, prefix, func(info storage.Info) error {
			if info.ModTime.After(cutoff) {
				return nil
			}
			var n int
			var err error
			if id, ok := strings.CutPrefix(info.Key, "uploads/"); ok {
				err = s.app.DB().NewQuery("SELECT count(*) FROM media WHERE id = {:id} AND status = 'pending'").Bind(dbx.Params{"id": id}).Row(&n)
			} else {
				n, err = objectRefs(s.app, info.Key)
			}
			if err != nil {
				return err
			}
			if n == 0 {
				orphans = append(orphans, info.Key)
			}
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("list %s: %w", prefix, err)
		}
		for _, key := range orphans {
			if err := s.cfg.Media.Store.Delete(ctx, key); err != nil {
				return st, fmt.Errorf("delete orphan %s: %w", key, err)
			}
			st.Objects++
		}
	}
	return st, nil
}
