package hooks

import (
	"fmt"
	gosync "sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// Deleting a record deletes its children too (a safari's observations, a
// goal's steps). The person deleting may never have seen every child: an
// observation logged offline by a colleague, a step the client added
// yesterday. So when a person's delete cascades into a record that someone
// else wrote, that record's content is kept in sync_conflicts (reason
// cascade_deleted), visible to whoever could see it. Nothing typed
// vanishes silently.
//
// The person behind the root delete is remembered per transaction: the
// cascade runs in the same transaction (PocketBase passes the same
// transactional app down), and SQLite has one writer at a time.
var deleters = struct {
	gosync.Mutex
	m map[core.App]writer
}{m: map[core.App]writer{}}

// writer is a person on a device ("" for writes outside a sync push).
type writer struct{ author, device string }

// beginDelete records the deleting person for the transaction if this is
// the root of a cascade, and returns a func to call when it is done.
func beginDelete(tx core.App, r *core.Record) (root bool, done func()) {
	author := schema.AuthorFrom(r)
	deleters.Lock()
	defer deleters.Unlock()
	if _, busy := deleters.m[tx]; busy || !schema.IsPerson(author) {
		return false, func() {}
	}
	deleters.m[tx] = writer{author, schema.AuthorDeviceFrom(r)}
	return true, func() {
		deleters.Lock()
		delete(deleters.m, tx)
		deleters.Unlock()
	}
}

func deleterOf(tx core.App) writer {
	deleters.Lock()
	defer deleters.Unlock()
	return deleters.m[tx]
}

// keepCascaded saves a child's content as a conflict when the cascade
// deleting it was started by someone other than all of its authors.
func keepCascaded(tx core.App, r *core.Record, deleter writer) error {
	authorship := schema.ReadAuthorship(r)
	lastBy, lastAt := authorship.Of("*")
	foreign := false
	for _, v := range authorship {
		if v[0] != deleter.author || v[2] != deleter.device {
			foreign = true
			if v[1] > lastAt {
				lastBy, lastAt = v[0], v[1]
			}
		}
	}
	if len(authorship) == 0 {
		foreign = true
	}
	if !foreign {
		return nil
	}
	buckets, err := liveBuckets(tx, r.Collection().Name, r.Id)
	if err != nil {
		return err
	}
	scope := schema.ScopeFromBuckets(buckets)
	// A cascade from deleting a client takes their own data with it (plan,
	// network, the observations they logged): keeping it here would undo
	// the deletion, and the conflict's clients relation could not point at
	// a client already gone anyway (its save failed, and with it the delete).
	if gone, err := clientGone(tx, scope.Clients); err != nil || gone {
		return err
	}
	col, err := tx.FindCachedCollectionByNameOrId(schema.SyncConflicts)
	if err != nil {
		return err
	}
	c := core.NewRecord(col)
	c.Set(schema.FieldCollection, r.Collection().Name)
	c.Set(schema.FieldRecord, r.Id)
	c.Set(schema.FieldField, "_record")
	c.Set("lost_value", r.PublicExport())
	c.Set("lost_by", lastBy)
	c.Set("lost_at", lastAt)
	c.Set("kept_by", deleter.author)
	c.Set("kept_at", time.Now().UTC())
	c.Set("reason", "cascade_deleted")
	schema.SetConflictScope(c, scope)
	if err := tx.Save(c); err != nil {
		return fmt.Errorf("keep cascade-deleted %s/%s: %w", r.Collection().Name, r.Id, err)
	}
	return nil
}

// clientGone reports whether any of the clients no longer exists (deleted
// earlier in this transaction).
func clientGone(tx core.App, clients []string) (bool, error) {
	if len(clients) == 0 {
		return false, nil
	}
	ids := make([]any, len(clients))
	for i, c := range clients {
		ids[i] = c
	}
	var n int
	if err := tx.DB().Select("count(*)").From(schema.Clients).Where(dbx.In("id", ids...)).Row(&n); err != nil {
		return false, fmt.Errorf("clients of a cascade-deleted record: %w", err)
	}
	return n < len(clients), nil
}
