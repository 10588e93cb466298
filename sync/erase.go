package sync

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// An erasure removes a client on their request (AVG article 17), so that
// nothing of them stays in the database files or the photo storage: not
// their words, not their ids. In order:
//
//  1. The bytes of their photos (the observations they logged), stored and
//     pending, leave the storage first: should the database part fail, the
//     records point at nothing and the erasure can simply be run again.
//     An object shared with a photo of the team that stays is kept.
//  2. One transaction deletes the client (every connection has SQLite's
//     secure_delete on, internal/sqlitecache: deleted content is
//     overwritten with zeros, not just unlinked, and so was every earlier
//     version of their rows when it was replaced); the
//     hooks and PocketBase's cascade take their plan, network,
//     observations, photos, invites, their conflicts and rejections
//     (hooks/forget_client.go) and their logins' bookkeeping (MFA, OTP,
//     auth origins). Then: every other conflict and rejection holding one
//     of their ids, their devices and the devices' stored push results,
//     and the ids in other devices' stored results.
//  3. The change feed loses every row of their records, tombstones
//     included, and the client's own bucket. Phones need no tombstone:
//     every bucket that lost a row is reset (sync_bucket_resets), so each
//     device that synced it before drops what it holds and pulls again.
//  4. PocketBase's request log (auxiliary.db) loses every entry naming
//     them, after the log's in-memory batch was written.
//  5. Both databases' write-ahead logs are checkpointed and truncated, so
//     no frame with an earlier version of a page stays. (The files were
//     rebuilt with VACUUM here before secure_delete was on for every
//     write: that held the write lock for seconds per 100 MB, longer than
//     a push waits.)
//
// The access log (when wired, Config.OnErase) keeps that an erasure
// happened, of which client id, by whom, and when; nothing else does.

// Erasure describes one erasure, for the access log and the answer.
type Erasure struct {
	Client string `json:"client"` // the erased client's id
	Team   string `json:"team"`
	By     string `json:"by"` // "users:<id>", "_superusers:<id>" or "cli:<what>"
	// OnBehalfOf is the account By acted as, where that differs: a
	// superuser with an impersonation token of "users:<id>".
	OnBehalfOf string        `json:"on_behalf_of,omitempty"`
	At         time.Time     `json:"at"`
	Removed    ErasureCounts `json:"removed"`
}

// ErasureCounts says what an erasure removed.
type ErasureCounts struct {
	Records      int   `json:"records"`       // the client and their goals, steps, contacts, observations, photo records
	Conflicts    int   `json:"conflicts"`     // sync_conflicts rows holding their words or ids
	Rejections   int   `json:"rejections"`    // sync_rejections rows holding their words or ids
	Devices      int   `json:"devices"`       // their registered phones
	Invites      int   `json:"invites"`       //
	Objects      int   `json:"objects"`       // photo objects removed from storage (stored photos and uploads)
	FeedRows     int64 `json:"feed_rows"`     // change-feed rows
	ResetBuckets int   `json:"reset_buckets"` // buckets whose devices start over
	LogEntries   int64 `json:"log_entries"`   // PocketBase request log entries
	Compacted    bool  `json:"compacted"`     // both databases' write-ahead logs checkpointed and truncated
}

// ErasureHook is called inside the erasure's transaction, after
// everything is deleted and before it commits: an error rolls the erasure
// back, so no erasure happens without being recorded. It must not keep
// anything of the client but e.Client.
type ErasureHook func(ctx context.Context, e Erasure) error

// ErrEraseNotFound is returned (as not_found) for a client that does not
// exist, which includes one already erased.
var ErrEraseNotFound = apierr.Errorf(apierr.CodeNotFound, "There is no client with this id. An erased client is gone; the access log shows who erased them and when.")

// EraseClient erases the client with id client on behalf of by. Errors:
// not_found for an unknown (or already erased) client; otherwise the
// storage's or the database's, wrapped. A failed compaction is not an
// error: the erasure stands and Removed.Compacted is false (the next
// checkpoint and the next erasure try again).
//
// It opens its own transactions and checkpoints the databases, so it
// must not be called inside a transaction.
func (s *Service) EraseClient(ctx context.Context, client, by string) (*Erasure, error) {
	return s.EraseClientAs(ctx, client, by, "")
}

// EraseClientAs is EraseClient by someone who acted as the account
// onBehalfOf ("collection:id"; "" when they acted as themselves), for the
// access log.
func (s *Service) EraseClientAs(ctx context.Context, client, by, onBehalfOf string) (*Erasure, error) {
	rec, err := s.app.FindRecordById(schema.Clients, client)
	if err != nil {
		if isNoRows(err) {
			return nil, ErrEraseNotFound
		}
		return nil, fmt.Errorf("erase client: %w", err)
	}
	e := &Erasure{Client: rec.Id, Team: rec.GetString(schema.FieldTeam), By: by, OnBehalfOf: onBehalfOf, At: s.cfg.Now().UTC()}
	n, err := s.erasePhotos(ctx, rec.Id)
	if err != nil {
		return nil, err
	}
	e.Removed.Objects = n
	ids, err := s.eraseRecords(ctx, rec, e)
	if err != nil {
		return nil, err
	}
	if e.Removed.LogEntries, err = s.eraseLogs(ctx, rec, ids); err != nil {
		return e, err
	}
	e.Removed.Compacted = s.compact()
	return e, nil
}

// erasePhotos removes the stored objects and pending uploads of the
// photos of the client's observations. An object another photo of the
// team still points to stays (it is that photo too).
func (s *Service) erasePhotos(ctx context.Context, client string) (int, error) {
	store := s.cfg.Media.Store
	if store == nil {
		return 0, errors.New("erase photos: the photo storage is not open")
	}
	var photos []struct {
		ID  string `db:"id"`
		Key string `db:"object_key"`
	}
	err := s.app.DB().NewQuery(`SELECT m.id, m.object_key FROM media m JOIN observations o ON o.id = m.observation
		WHERE o.author_client = {:c}`).Bind(dbx.Params{"c": client}).All(&photos)
	if err != nil {
		return 0, fmt.Errorf("erase photos: %w", err)
	}
	removed := 0
	for _, p := range photos {
		if err := store.Delete(ctx, uploadKey(p.ID)); err != nil {
			return removed, fmt.Errorf("erase photo upload %s: %w", p.ID, err)
		}
		removed++
		if p.Key == "" {
			continue
		}
		var others int
		err := s.app.DB().NewQuery(`SELECT count(*) FROM media m JOIN observations o ON o.id = m.observation
			WHERE m.object_key = {:k} AND o.author_client IS NOT {:c}`).Bind(dbx.Params{"k": p.Key, "c": client}).Row(&others)
		if err != nil {
			return removed, fmt.Errorf("erase photo %s: %w", p.ID, err)
		}
		if others > 0 {
			continue
		}
		if err := store.Delete(ctx, p.Key); err != nil {
			return removed, fmt.Errorf("erase photo %s: %w", p.ID, err)
		}
		removed++
	}
	return removed, nil
}

// theirIDs lists the ids of the client's records: the client, their
// goals, steps and contacts (also those deleted earlier, while their
// feed rows last), the observations they logged and the photos of those,
// their invites and their devices. Other records that hold one of these
// ids hold something of the client.
func theirIDs(tx core.App, client string) (ids, devices []string, err error) {
	err = tx.DB().NewQuery(`
		SELECT {:c}
		UNION SELECT id FROM goals WHERE client = {:c}
		UNION SELECT s.id FROM goal_steps s JOIN goals g ON g.id = s.goal WHERE g.client = {:c}
		UNION SELECT id FROM network_contacts WHERE client = {:c}
		UNION SELECT id FROM observations WHERE author_client = {:c}
		UNION SELECT m.id FROM media m JOIN observations o ON o.id = m.observation WHERE o.author_client = {:c}
		UNION SELECT id FROM invites WHERE client = {:c}
		UNION SELECT record_id FROM sync_feed WHERE bucket = {:bucket} AND collection IN ('clients', 'goals', 'goal_steps', 'network_contacts')`).
		Bind(dbx.Params{"c": client, "bucket": schema.ClientBucket(client)}).Column(&ids)
	if err != nil {
		return nil, nil, fmt.Errorf("ids of client %s: %w", client, err)
	}
	err = tx.DB().NewQuery(`SELECT id FROM sync_devices WHERE owner_collection = {:col} AND owner = {:c}`).
		Bind(dbx.Params{"c": client, "col": schema.Clients}).Column(&devices)
	if err != nil {
		return nil, nil, fmt.Errorf("devices of client %s: %w", client, err)
	}
	return append(ids, devices...), devices, nil
}

// holds is an SQL condition: column col contains one of the {:ids}.
func holds(col string) string {
	return `EXISTS (SELECT 1 FROM json_each({:ids}) WHERE instr(` + col + `, value) > 0)`
}

// eraseRecords is the database part of an erasure, in one transaction
// (with secure_delete on, as every write: see requireSecureDelete).
func (s *Service) eraseRecords(ctx context.Context, rec *core.Record, e *Erasure) (theirs []string, err error) {
	client := rec.Id
	err = s.app.RunInTransaction(func(tx core.App) (err error) {
		if err := requireSecureDelete(tx.DB()); err != nil {
			return err
		}
		var before int64
		if err := tx.DB().NewQuery("SELECT seq FROM sync_state WHERE id = 1").Row(&before); err != nil {
			return err
		}
		ids, devices, err := theirIDs(tx, client)
		if err != nil {
			return err
		}
		theirs = ids
		e.Removed.Devices = len(devices)
		params := dbx.Params{"ids": mustJSON(ids), "c": client, "devices": mustJSON(devices), "bucket": schema.ClientBucket(client), "before": before}
		if err := tx.DB().NewQuery("SELECT count(*) FROM invites WHERE client = {:c}").Bind(params).Row(&e.Removed.Invites); err != nil {
			return err
		}
		// What the client delete will take, counted first.
		if err := tx.DB().NewQuery(`SELECT count(*) FROM (SELECT 1 FROM goals WHERE client = {:c}
			UNION ALL SELECT 1 FROM goal_steps s JOIN goals g ON g.id = s.goal WHERE g.client = {:c}
			UNION ALL SELECT 1 FROM network_contacts WHERE client = {:c}
			UNION ALL SELECT 1 FROM observations WHERE author_client = {:c}
			UNION ALL SELECT 1 FROM media m JOIN observations o ON o.id = m.observation WHERE o.author_client = {:c})`).
			Bind(params).Row(&e.Removed.Records); err != nil {
			return err
		}
		e.Removed.Records++ // the client
		// A conflict holds them when it is about one of their records,
		// one of them wrote a value of it, or a value names them (a
		// safari's participants). Conflicts about a safari they joined,
		// with staff's words, stay: the cascade takes them off its list.
		conflictHolds := `(record IN (SELECT value FROM json_each({:ids})) OR ` + `kept_by = 'clients:' || {:c} OR lost_by = 'clients:' || {:c}
			OR (audience = 'plans' AND instr(clients, {:c}) > 0) OR ` + holds("kept_value") + ` OR ` + holds("lost_value") + `)`
		var conflictIDs []string
		if err := tx.DB().NewQuery("SELECT id FROM sync_conflicts WHERE " + conflictHolds).Bind(params).Column(&conflictIDs); err != nil {
			return fmt.Errorf("conflicts of client %s: %w", client, err)
		}
		e.Removed.Conflicts = len(conflictIDs)
		rejectionHolds := `(person_collection = 'clients' AND person = {:c}) OR ` + holds("record") + ` OR ` + holds("payload") + ` OR ` + holds("error")
		if err := tx.DB().NewQuery("SELECT count(*) FROM sync_rejections WHERE " + rejectionHolds).Bind(params).Row(&e.Removed.Rejections); err != nil {
			return fmt.Errorf("rejections of client %s: %w", client, err)
		}

		if err := tx.Delete(rec); err != nil {
			return fmt.Errorf("delete client %s: %w", client, err)
		}
		// Whatever the delete hooks left.
		var left []*core.Record
		if err := tx.RecordQuery(schema.SyncConflicts).Where(dbx.NewExp(conflictHolds, params)).All(&left); err != nil {
			return fmt.Errorf("conflicts of client %s: %w", client, err)
		}
		for _, r := range left {
			if err := tx.Delete(r); err != nil {
				return fmt.Errorf("delete conflict %s: %w", r.Id, err)
			}
		}
		if _, err := tx.DB().NewQuery("DELETE FROM sync_rejections WHERE " + rejectionHolds).Bind(params).Execute(); err != nil {
			return fmt.Errorf("rejections of client %s: %w", client, err)
		}
		// Their phones, and what the phones pushed; other phones' stored
		// results keep their status and version, not a word of them.
		for _, q := range []string{
			"DELETE FROM sync_mutations WHERE device IN (SELECT value FROM json_each({:devices}))",
			"DELETE FROM sync_devices WHERE id IN (SELECT value FROM json_each({:devices}))",
			`UPDATE sync_mutations SET result = json_object('mutation_id', mutation_id, 'status', json_extract(result, '$.status'), 'version', json_extract(result, '$.version'))
				WHERE ` + holds("result"),
		} {
			if _, err := tx.DB().NewQuery(q).Bind(params).Execute(); err != nil {
				return fmt.Errorf("devices of client %s: %w", client, err)
			}
		}
		if err := eraseFeed(tx, params, e); err != nil {
			return err
		}
		if s.cfg.OnErase != nil {
			if err := s.cfg.OnErase(ctx, *e); err != nil {
				return fmt.Errorf("record erasure: %w", err)
			}
		}
		return nil
	})
	s.auth.forget() // their phones went with a DELETE the model hooks do not see
	if err != nil {
		return nil, fmt.Errorf("erase client %s: %w", client, err)
	}
	return theirs, nil
}

// eraseFeed removes the change-feed rows that carry the client: their
// bucket, every row of their records (and of the conflicts deleted with
// them), and every delete row this erasure wrote. Each other bucket that
// lost a row is reset at a fresh seq: devices that synced it before drop
// their records and pull again, so no tombstone has to keep an id.
func eraseFeed(tx core.App, params dbx.Params, e *Erasure) error {
	const rows = `bucket = {:bucket} OR (seq > {:before} AND op = 1) OR record_id IN (SELECT value FROM json_each({:ids}))`
	var buckets []string
	if err := tx.DB().NewQuery("SELECT DISTINCT bucket FROM sync_feed WHERE bucket != {:bucket} AND (" + rows + ")").Bind(params).Column(&buckets); err != nil {
		return fmt.Errorf("erase feed: %w", err)
	}
	// The hooks dropped the deleted records' renderings; this makes sure,
	// by the rows about to go.
	_, err := tx.DB().NewQuery(`DELETE FROM sync_render WHERE seq IN (SELECT seq FROM sync_feed
		WHERE collection IN (SELECT value FROM json_each({:synced})) AND record_id IN (SELECT value FROM json_each({:ids})) AND bucket = {:all})`).
		Bind(dbx.Params{"synced": mustJSON(schema.Synced), "ids": params["ids"], "all": schema.BucketAll}).Execute()
	if err != nil {
		return fmt.Errorf("erase renderings: %w", err)
	}
	res, err := tx.DB().NewQuery("DELETE FROM sync_feed WHERE " + rows).Bind(params).Execute()
	if err != nil {
		return fmt.Errorf("erase feed: %w", err)
	}
	e.Removed.FeedRows, _ = res.RowsAffected()
	e.Removed.ResetBuckets = len(buckets)
	if len(buckets) == 0 {
		return nil
	}
	seq, err := schema.NextFeedSeq(tx.DB())
	if err != nil {
		return fmt.Errorf("erase feed: %w", err)
	}
	_, err = tx.DB().NewQuery(`INSERT INTO sync_bucket_resets (bucket, seq) SELECT value, {:seq} FROM json_each({:buckets}) WHERE true
		ON CONFLICT (bucket) DO UPDATE SET seq = excluded.seq`).Bind(dbx.Params{"seq": seq, "buckets": mustJSON(buckets)}).Execute()
	if err != nil {
		return fmt.Errorf("reset buckets: %w", err)
	}
	return nil
}

// eraseLogs removes PocketBase's request log entries that name the
// client: their id or the id of one of their records (PocketBase logs
// the URL and the auth id), their login name or e-mail, or their name in
// a URL (a search). Entries still in the logger's batch are written
// first, so none arrives after.
func (s *Service) eraseLogs(ctx context.Context, rec *core.Record, ids []string) (int64, error) {
	if h, ok := s.app.Logger().Handler().(*logger.BatchHandler); ok {
		if err := h.WriteAll(ctx); err != nil {
			return 0, fmt.Errorf("erase logs: write pending entries: %w", err)
		}
	}
	needles := append([]string(nil), ids...)
	for _, v := range []string{rec.Id, rec.GetString("username"), rec.Email(), rec.GetString("name")} {
		v = strings.TrimSpace(v)
		if len(v) < 3 {
			continue
		}
		needles = append(needles, v, url.QueryEscape(v), url.PathEscape(v))
	}
	var n int64
	err := s.app.AuxRunInTransaction(func(tx core.App) (err error) {
		if err := requireSecureDelete(tx.AuxDB()); err != nil {
			return err
		}
		res, err := tx.AuxDB().NewQuery(`DELETE FROM _logs WHERE ` + holds("message") + ` OR ` + holds("data")).
			Bind(dbx.Params{"ids": mustJSON(needles)}).Execute()
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("erase logs: %w", err)
	}
	return n, nil
}

// requireSecureDelete refuses to erase on a connection without
// secure_delete (a database opened other than by sqlitecache.Connect):
// the erased content would stay in free space.
func requireSecureDelete(db dbx.Builder) error {
	var on int
	if err := db.NewQuery("PRAGMA secure_delete").Row(&on); err != nil {
		return err
	}
	if on != 1 {
		return errors.New("erasure: the database connection has secure_delete off (open it with internal/sqlitecache), so erased content would stay in free space")
	}
	return nil
}

// compact checkpoints both databases and truncates their write-ahead
// logs, so that no earlier version of an erased page stays in WAL
// frames. It reports whether everything succeeded; failures are logged
// (the erasure itself stands).
func (s *Service) compact() bool {
	ok := true
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"rebuild once", s.RebuildOnce},
		{"checkpoint data.db", s.checkpointData},
		{"checkpoint auxiliary.db", func() error { return CheckpointTruncate(s.app.AuxNonconcurrentDB()) }},
	} {
		if err := step.run(); err != nil {
			s.app.Logger().Error("erasure: "+step.name, "error", err.Error())
			ok = false
		}
	}
	return ok
}

// checkpointData checkpoints data.db and truncates its WAL, as
// Config.CheckpointData says.
func (s *Service) checkpointData() error {
	if s.cfg.CheckpointData != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return s.cfg.CheckpointData(ctx)
	}
	return CheckpointTruncate(s.app.NonconcurrentDB())
}

// CheckpointTruncate copies the WAL into the database file and truncates
// it, retrying for a few seconds while readers still use its frames.
func CheckpointTruncate(db dbx.Builder) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var busy, frames, done int
		if err := db.NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Row(&busy, &frames, &done); err != nil {
			return err
		}
		if busy == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("readers kept the write-ahead log busy")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
