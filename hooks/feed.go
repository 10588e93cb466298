package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// Change-feed operations as stored in sync_feed.op.
const (
	opUpsert = 0
	opDelete = 1
)

// liveBuckets lists the buckets a record currently sits in (op upsert).
func liveBuckets(tx core.App, collection, id string) ([]string, error) {
	var buckets []string
	err := tx.DB().NewQuery("SELECT bucket FROM sync_feed WHERE collection = {:c} AND record_id = {:id} AND op = 0").
		Bind(dbx.Params{"c": collection, "id": id}).Column(&buckets)
	if err != nil {
		return nil, fmt.Errorf("feed buckets of %s/%s: %w", collection, id, err)
	}
	slices.Sort(buckets)
	return buckets, nil
}

// feedSave records that a record was created or its content changed: every
// bucket of its scope gets the new seq, buckets it left get a delete, and
// the render store keeps the record as a pull sends it, at that seq
// (schema/render_store.go). If
// its scope changed, the records whose scope follows it move too. An
// update of a record whose scope cannot move (schema.ScopeMayMove) just
// moves the record's rows forward, in one statement. Whether a record's
// scope moved is never judged from the saved copy: a stale copy writes
// back the values it was loaded with, so only the stored rows can tell.
func feedSave(tx core.App, r *core.Record, isNew bool) error {
	collection, id := r.Collection().Name, r.Id
	seq, err := schema.NextFeedSeq(tx.DB())
	if err != nil {
		return err
	}
	stores := schema.StoresRender(r.Collection())
	if stores && !isNew {
		if err := schema.DropRender(tx.DB(), collection, id); err != nil {
			return err
		}
	}
	moved := false
	if !isNew && !schema.ScopeMayMove(collection) {
		if moved, err = moveLive(tx, collection, id, seq, opUpsert); err != nil {
			return err
		}
	}
	scopeMoved := false
	if !moved {
		if scopeMoved, err = writeScope(tx, collection, id, seq, isNew); err != nil {
			return err
		}
	}
	if stores {
		if err := schema.StoreRender(tx.DB(), r.Collection(), id, seq); err != nil {
			return err
		}
	}
	if scopeMoved {
		return cascadeScope(tx, collection, id)
	}
	return nil
}

// writeScope writes the record's rows at seq into every bucket of its
// scope and deletes into the buckets it left. It reports whether an
// existing record's buckets changed.
func writeScope(tx core.App, collection, id string, seq int64, isNew bool) (bool, error) {
	scope, err := schema.ScopeOf(tx.DB(), collection, id)
	if err != nil {
		return false, err
	}
	buckets := scope.Buckets()
	var old []string
	if !isNew {
		if old, err = liveBuckets(tx, collection, id); err != nil {
			return false, err
		}
	}
	if err := writeFeed(tx, collection, id, seq, buckets, minus(old, buckets)); err != nil {
		return false, err
	}
	return !isNew && !slices.Equal(old, buckets), nil
}

// feedDelete turns every live bucket row of the record into a tombstone.
func feedDelete(tx core.App, collection, id string) error {
	seq, err := schema.NextFeedSeq(tx.DB())
	if err != nil {
		return err
	}
	if err := schema.DropRender(tx.DB(), collection, id); err != nil {
		return err
	}
	_, err = moveLive(tx, collection, id, seq, opDelete)
	return err
}

// moveLive gives every live row of a record seq and op (opUpsert: the
// record changed in place; opDelete: it is gone). It reports whether the
// record had live rows.
func moveLive(tx core.App, collection, id string, seq int64, op int) (bool, error) {
	res, err := tx.DB().NewQuery("UPDATE sync_feed SET op = {:op}, seq = {:seq}, at = {:at} WHERE collection = {:c} AND record_id = {:id} AND op = 0").
		Bind(dbx.Params{"op": op, "seq": seq, "at": time.Now().Unix(), "c": collection, "id": id}).Execute()
	if err != nil {
		return false, fmt.Errorf("feed %s/%s: %w", collection, id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// feedUpsert writes one row per bucket of the JSON list {:b}. (The WHERE
// is SQLite's way to tell an upsert's ON from a join's.)
const feedUpsert = "INSERT INTO sync_feed (collection, record_id, bucket, seq, op, at) " +
	"SELECT {:c}, {:id}, value, {:seq}, {:op}, {:at} FROM json_each({:b}) WHERE true " +
	"ON CONFLICT (collection, record_id, bucket) DO UPDATE SET seq = excluded.seq, op = excluded.op, at = excluded.at"

// writeFeed upserts the record into the given buckets at seq and marks it
// deleted (left) in the exit buckets at the same seq.
func writeFeed(tx core.App, collection, id string, seq int64, upserts, exits []string) error {
	at := time.Now().Unix()
	for op, buckets := range [][]string{opUpsert: upserts, opDelete: exits} {
		if len(buckets) == 0 {
			continue
		}
		// One statement for any number of buckets (a JSON list), so it is
		// prepared once and stays short: every query pays for dbx's
		// placeholder expressions in proportion to its length.
		list, err := json.Marshal(buckets)
		if err != nil {
			return fmt.Errorf("feed %s/%s: %w", collection, id, err)
		}
		_, err = tx.DB().NewQuery(feedUpsert).
			Bind(dbx.Params{"c": collection, "id": id, "b": string(list), "seq": seq, "op": op, "at": at}).Execute()
		if err != nil {
			return fmt.Errorf("feed %s/%s: %w", collection, id, err)
		}
	}
	return nil
}

// cascadeScope moves the records whose scope follows this record's (a
// client's plan, a safari's observations and photos) into their new
// buckets, and updates the conflicts about all of them. Only the buckets
// that changed get a new seq: devices that could already see a record are
// not sent it again.
func cascadeScope(tx core.App, collection, id string) error {
	deps, err := schema.Dependents(tx.DB(), collection, id)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if err := rebucket(tx, d.Collection, d.ID); err != nil {
			return err
		}
	}
	for _, ref := range append([]schema.Ref{{Collection: collection, ID: id}}, deps...) {
		if err := refreshConflictsAbout(tx, ref); err != nil {
			return err
		}
	}
	return nil
}

// rebucket recomputes a record's buckets without a change to its content.
func rebucket(tx core.App, collection, id string) error {
	scope, err := schema.ScopeOf(tx.DB(), collection, id)
	if errors.Is(err, schema.ErrNoScope) {
		return nil // deleted in this same transaction
	}
	if err != nil {
		return err
	}
	buckets := scope.Buckets()
	old, err := liveBuckets(tx, collection, id)
	if err != nil {
		return err
	}
	if slices.Equal(old, buckets) {
		return nil
	}
	seq, err := schema.NextFeedSeq(tx.DB())
	if err != nil {
		return err
	}
	return writeFeed(tx, collection, id, seq, minus(buckets, old), minus(old, buckets))
}

// refreshConflictsAbout copies the current scope of a record onto the
// sync_conflicts records about it, so they stay visible to exactly the
// people who can see that record. Each is a normal save: its version and
// feed rows follow.
func refreshConflictsAbout(tx core.App, ref schema.Ref) error {
	conflicts, err := tx.FindAllRecords(schema.SyncConflicts,
		dbx.HashExp{schema.FieldCollection: ref.Collection, schema.FieldRecord: ref.ID})
	if err != nil || len(conflicts) == 0 {
		return err
	}
	scope, err := schema.ScopeOf(tx.DB(), ref.Collection, ref.ID)
	if errors.Is(err, schema.ErrNoScope) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, c := range conflicts {
		schema.SetConflictScope(c, scope)
		if err := tx.Save(c); err != nil {
			return fmt.Errorf("refresh scope of conflict %s: %w", c.Id, err)
		}
	}
	return nil
}

// minus returns the elements of a that are not in b.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
