package sync

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// deleteField is the field name under which a losing delete is kept.
const deleteField = "_delete"

// lostValue is one value that lost a conflict, with the one that was kept.
type lostValue struct {
	field          string
	kept, lost     any
	keptBy, lostBy string
	keptAt         string
	reason         string // same_field, record_deleted, delete_changed
}

// mergePlan is what an update does: fields to write, values that lost.
type mergePlan struct {
	apply map[string]any
	lost  []lostValue
}

// planMerge applies the conflict policy to an update of record r by author:
//
//   - a field the update does not change is left alone;
//   - a field nobody else changed since the device's base is written;
//   - a field changed on both sides is a conflict: the later push wins,
//     except in goals, goal_steps and network_contacts, where a client's own
//     value beats a staff member's whichever arrived later. The losing value
//     is kept (in sync_conflicts).
//
// "Changed since base": when the device's base_version is the record's
// version, nothing changed. Otherwise (an older base, or one the record
// never had, ahead of its version: a device of a restored server, or a
// forged push) a field whose base value the device sent changed if the
// stored value differs from it; a field without a base value counts as
// changed.
func planMerge(r *core.Record, author, device string, m Mutation, data map[string]any) (*mergePlan, error) {
	plan := &mergePlan{apply: map[string]any{}}
	current := int64(r.GetInt(schema.FieldVersion))
	var baseVersion int64
	if m.BaseVersion != nil {
		baseVersion = *m.BaseVersion
	}
	concurrent := baseVersion != current
	authorship := schema.ReadAuthorship(r)
	for _, field := range slices.Sorted(maps.Keys(data)) {
		want := normalized(r.Collection(), field, data[field])
		have := r.Get(field)
		if sameValue(want, have) {
			continue
		}
		if !concurrent {
			plan.apply[field] = data[field]
			continue
		}
		if base, ok := m.Base[field]; ok && sameValue(normalized(r.Collection(), field, base), have) {
			plan.apply[field] = data[field]
			continue
		}
		entry := authorship.Entry(field)
		holder, at := entry[0], entry[1]
		if holder == author && entry[2] == device {
			// This device wrote the current value itself: its edit follows
			// its own earlier one, even if it has not pulled since.
			plan.apply[field] = data[field]
			continue
		}
		clientHolds := schema.ClientWins[r.Collection().Name] && schema.IsClientAuthor(holder) && !schema.IsClientAuthor(author)
		if clientHolds {
			plan.lost = append(plan.lost, lostValue{field: field, kept: have, keptBy: holder, keptAt: at, lost: want, lostBy: author, reason: "same_field"})
			continue
		}
		plan.apply[field] = data[field]
		plan.lost = append(plan.lost, lostValue{field: field, kept: want, keptBy: author, lost: have, lostBy: holder, reason: "same_field"})
	}
	return plan, nil
}

// normalized is a value as the field would store it (so "3" and 3, or two
// spellings of the same JSON, compare equal).
func normalized(c *core.Collection, field string, v any) any {
	scratch := core.NewRecord(c)
	scratch.Set(field, v)
	return scratch.Get(field)
}

// sameValue compares two field values by their JSON meaning.
func sameValue(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a, b)
	}
	var va, vb any
	if json.Unmarshal(ja, &va) != nil || json.Unmarshal(jb, &vb) != nil {
		return string(ja) == string(jb)
	}
	return reflect.DeepEqual(va, vb)
}

// saveConflicts keeps the losing values in sync_conflicts, visible to
// exactly who can see the record they are about.
func saveConflicts(tx core.App, collection, recordID string, scope schema.Scope, lost []lostValue) error {
	col, err := tx.FindCachedCollectionByNameOrId(schema.SyncConflicts)
	if err != nil {
		return err
	}
	if scope, err = liveScope(tx, scope); err != nil {
		return err
	}
	now := time.Now().UTC()
	for _, l := range lost {
		c := core.NewRecord(col)
		c.Set(schema.FieldCollection, collection)
		c.Set(schema.FieldRecord, recordID)
		c.Set(schema.FieldField, l.field)
		c.Set("kept_value", l.kept)
		c.Set("lost_value", l.lost)
		c.Set("kept_by", l.keptBy)
		if l.keptAt != "" {
			c.Set("kept_at", l.keptAt)
		} else {
			c.Set("kept_at", now)
		}
		c.Set("lost_by", l.lostBy)
		c.Set("lost_at", now)
		c.Set("reason", l.reason)
		schema.SetConflictScope(c, scope)
		if err := tx.Save(c); err != nil {
			return fmt.Errorf("save conflict on %s/%s.%s: %w", collection, recordID, l.field, err)
		}
	}
	return nil
}

// liveScope drops from a scope the team and clients that no longer exist:
// an update of a deleted client's goal is kept for the team, not refused
// for naming a client that is gone.
func liveScope(tx core.App, s schema.Scope) (schema.Scope, error) {
	if s.Team != "" {
		if _, err := tx.FindRecordById(schema.Teams, s.Team); err != nil {
			if !isNoRows(err) {
				return s, err
			}
			s.Team = ""
		}
	}
	var live []string
	if len(s.Clients) > 0 {
		err := tx.DB().Select("id").From(schema.Clients).Where(dbx.In("id", anySlice(s.Clients)...)).Column(&live)
		if err != nil {
			return s, fmt.Errorf("live clients: %w", err)
		}
	}
	s.Clients = live
	return s, nil
}

func anySlice(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// tombstoneBuckets lists the buckets a deleted record was in (empty if it
// never existed or its tombstones were purged).
func tombstoneBuckets(tx core.App, collection, id string) ([]string, error) {
	var buckets []string
	err := tx.DB().NewQuery("SELECT bucket FROM sync_feed WHERE collection = {:c} AND record_id = {:id} AND op = 1").
		Bind(dbx.Params{"c": collection, "id": id}).Column(&buckets)
	if err != nil {
		return nil, fmt.Errorf("tombstones of %s/%s: %w", collection, id, err)
	}
	return buckets, nil
}

func fieldsOf(lost []lostValue) []string {
	out := make([]string, len(lost))
	for i, l := range lost {
		out[i] = l.field
	}
	return out
}
