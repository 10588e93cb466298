package hooks

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/schema"
)

// captureSave wraps the database write of a synced record (create or update,
// by any path) in a transaction that also bumps its version, updates its
// per-field authorship and advances the change feed. Either all of it is
// committed or none of it.
func captureSave(e *core.RecordEvent) error {
	original := e.App
	err := e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		isNew := e.Record.IsNew()
		if err := stampVersion(tx, e.Record, isNew); err != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		return feedSave(tx, e.Record, isNew)
	})
	e.App = original
	return err
}

// captureDelete wraps the delete of a synced record (including cascades,
// which PocketBase runs inside the same call) and writes its tombstones.
func captureDelete(e *core.RecordEvent) error {
	original := e.App
	err := e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		root, done := beginDelete(tx, e.Record)
		defer done()
		// A conflict deleted inside another delete (a deleted client's,
		// forget_client.go) is not kept as a conflict of itself.
		if deleter := deleterOf(tx); !root && deleter.author != "" && e.Record.Collection().Name != schema.SyncConflicts {
			if err := keepCascaded(tx, e.Record, deleter); err != nil {
				return err
			}
		}
		if err := e.Next(); err != nil {
			return err
		}
		return feedDelete(tx, e.Record.Collection().Name, e.Record.Id)
	})
	e.App = original
	return err
}

// stampVersion sets version (1 on create, stored+1 on update, read inside
// the transaction so stale in-memory copies still count right) and merges
// the authorship of the fields this write changes.
func stampVersion(tx core.App, r *core.Record, isNew bool) error {
	entry := [3]string{schema.AuthorFrom(r), time.Now().UTC().Format(time.RFC3339Nano), schema.AuthorDeviceFrom(r)}
	if isNew {
		r.Set(schema.FieldVersion, 1)
		return setAuthorship(r, schema.Authorship{"*": entry})
	}

	var version int
	var stored types.JSONRaw
	err := tx.DB().Select(schema.FieldVersion, schema.FieldAuthorship).
		From(r.Collection().Name).
		Where(dbx.HashExp{"id": r.Id}).
		Row(&version, &stored)
	if err != nil {
		return fmt.Errorf("read version of %s/%s: %w", r.Collection().Name, r.Id, err)
	}
	r.Set(schema.FieldVersion, version+1)

	a := schema.Authorship{}
	if len(stored) > 0 {
		_ = json.Unmarshal(stored, &a) // damaged authorship reads as empty
	}
	old := r.Original()
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if isBookkeeping(name) {
			continue
		}
		if !reflect.DeepEqual(old.Get(name), r.Get(name)) {
			a[name] = entry
		}
	}
	return setAuthorship(r, a)
}

func setAuthorship(r *core.Record, a schema.Authorship) error {
	raw, err := json.Marshal(a)
	if err != nil {
		return err
	}
	r.Set(schema.FieldAuthorship, types.JSONRaw(raw))
	return nil
}

// isBookkeeping tells the fields that are not content: nobody "writes" them.
func isBookkeeping(field string) bool {
	switch field {
	case schema.FieldID, schema.FieldVersion, schema.FieldAuthorship, schema.FieldCreated, schema.FieldUpdated,
		core.FieldNamePassword, core.FieldNameTokenKey:
		return true
	}
	return false
}
