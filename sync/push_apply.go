package sync

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// apply judges and applies one mutation inside tx. A *Error result means
// rejected (nothing written); any other error is internal.
func (s *Service) apply(tx core.App, dev *Device, m Mutation, memo *ruleMemo) (MutationResult, error) {
	if m.invalid != nil {
		return MutationResult{}, m.invalid
	}
	if !schema.IsSynced(m.Collection) {
		return MutationResult{}, Errorf(CodeNotFound, "Unknown collection %q.", m.Collection).
			WithData(map[string]any{"collection": "unknown"})
	}
	if !recordIDPattern.MatchString(m.ID) {
		return MutationResult{}, Errorf(CodeInvalidRequest, "The record id must be 15 characters of a-z and 0-9.").
			WithData(map[string]any{"id": "invalid"})
	}
	col, err := tx.FindCachedCollectionByNameOrId(m.Collection)
	if err != nil {
		return MutationResult{}, err
	}
	if m.Collection == schema.Media && m.Op != "delete" {
		return MutationResult{}, Errorf(CodeInvalidRequest, "Photos are announced with POST /api/sync/v1/media, not pushed.").
			WithData(map[string]any{"collection": "use the media endpoints"})
	}
	switch m.Op {
	case "create":
		return s.applyCreate(tx, dev, col, m, memo)
	case "update":
		return s.applyUpdate(tx, dev, col, m)
	case "delete":
		return s.applyDelete(tx, dev, col, m)
	}
	return MutationResult{}, Errorf(CodeInvalidRequest, "op must be create, update or delete.").
		WithData(map[string]any{"op": "invalid"})
}

// metaFields are record keys an app may echo back; they are not writable
// and are ignored.
var metaFields = map[string]bool{
	"id": true, "version": true, "created": true, "updated": true,
	"collectionId": true, "collectionName": true, "expand": true,
}

// writableData checks the fields of data against the collection: unknown,
// hidden and system fields are refused by name.
func writableData(col *core.Collection, data map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(data))
	bad := map[string]any{}
	for k, v := range data {
		if metaFields[k] {
			continue
		}
		f := col.Fields.GetByName(k)
		switch {
		case f == nil:
			bad[k] = "unknown field"
		case f.GetHidden() || k == core.FieldNameVerified || k == core.FieldNameEmailVisibility:
			bad[k] = "not writable"
		default:
			out[k] = v
		}
	}
	if len(bad) > 0 {
		return nil, Errorf(CodeInvalidRequest, "Some fields cannot be written.").WithData(bad)
	}
	return out, nil
}

func (s *Service) applyCreate(tx core.App, dev *Device, col *core.Collection, m Mutation, memo *ruleMemo) (MutationResult, error) {
	data, err := writableData(col, m.Data)
	if err != nil {
		return MutationResult{}, err
	}
	var exists int
	if err := tx.DB().NewQuery("SELECT count(*) FROM {{" + col.Name + "}} WHERE id = {:id}").Bind(dbx.Params{"id": m.ID}).Row(&exists); err != nil {
		return MutationResult{}, err
	}
	if exists > 0 {
		return MutationResult{}, Errorf(CodeInvalidRequest, "A record with this id already exists.").
			WithData(map[string]any{"id": "already exists"})
	}
	r := core.NewRecord(col)
	r.Id = m.ID
	for k, v := range data {
		r.Set(k, v)
	}
	if col.IsAuth() {
		r.SetRandomPassword() // clients log in after an invite sets their own password
	}
	ok := memo.prechecked[m.MutationID]
	if !ok {
		var err error
		if ok, err = memo.canCreate(tx, r, RequestInfo(dev.Person, "POST", data)); err != nil {
			return MutationResult{}, err
		}
	}
	if !ok {
		return MutationResult{}, Errorf(CodeForbidden, "You may not create this %s.", col.Name)
	}
	schema.SetAuthor(r, dev.PersonKey())
	schema.SetAuthorDevice(r, dev.ID)
	if err := saveRecord(tx, r); err != nil {
		return MutationResult{}, err
	}
	return MutationResult{MutationID: m.MutationID, Status: StatusApplied, Version: int64(r.GetInt(schema.FieldVersion))}, nil
}

func (s *Service) applyUpdate(tx core.App, dev *Device, col *core.Collection, m Mutation) (MutationResult, error) {
	data, err := writableData(col, m.Data)
	if err != nil {
		return MutationResult{}, err
	}
	r, err := tx.FindRecordById(col, m.ID)
	if err != nil {
		return s.updateOfGone(tx, dev, col, m, data)
	}
	if ok, err := canAccess(tx, r, RequestInfo(dev.Person, "PATCH", data), col.UpdateRule); err != nil {
		return MutationResult{}, err
	} else if !ok {
		return MutationResult{}, denied(tx, r, dev.Person)
	}
	plan, err := planMerge(r, dev.PersonKey(), dev.ID, m, data)
	if err != nil {
		return MutationResult{}, err
	}
	if len(plan.apply) > 0 {
		for k, v := range plan.apply {
			r.Set(k, v)
		}
		schema.SetAuthor(r, dev.PersonKey())
		schema.SetAuthorDevice(r, dev.ID)
		if err := saveRecord(tx, r); err != nil {
			return MutationResult{}, err
		}
	}
	if len(plan.lost) == 0 {
		return MutationResult{MutationID: m.MutationID, Status: StatusApplied, Version: int64(r.GetInt(schema.FieldVersion))}, nil
	}
	scope, err := schema.ScopeOf(tx.DB(), col.Name, r.Id)
	if err != nil {
		return MutationResult{}, err
	}
	if err := saveConflicts(tx, col.Name, r.Id, scope, plan.lost); err != nil {
		return MutationResult{}, err
	}
	return s.conflictResult(tx, dev, col.Name, r, plan.lost)
}

// updateOfGone answers an update of a record that does not exist: if it was
// deleted (and the person could see it), the update is a conflict and its
// data is kept in sync_conflicts; otherwise not_found.
func (s *Service) updateOfGone(tx core.App, dev *Device, col *core.Collection, m Mutation, data map[string]any) (MutationResult, error) {
	buckets, err := tombstoneBuckets(tx, col.Name, m.ID)
	if err != nil {
		return MutationResult{}, err
	}
	if len(buckets) == 0 || !overlaps(buckets, dev.Principal.Buckets()) {
		return MutationResult{}, Errorf(CodeNotFound, "No such %s.", col.Name)
	}
	var lost []lostValue
	for _, k := range slices.Sorted(maps.Keys(data)) {
		lost = append(lost, lostValue{field: k, lost: data[k], lostBy: dev.PersonKey(), keptBy: schema.AuthorSystem, reason: "record_deleted"})
	}
	if err := saveConflicts(tx, col.Name, m.ID, schema.ScopeFromBuckets(buckets), lost); err != nil {
		return MutationResult{}, err
	}
	return MutationResult{MutationID: m.MutationID, Status: StatusConflict, Conflict: &ConflictInfo{Fields: fieldsOf(lost)}}, nil
}

func (s *Service) applyDelete(tx core.App, dev *Device, col *core.Collection, m Mutation) (MutationResult, error) {
	r, err := tx.FindRecordById(col, m.ID)
	if err != nil {
		buckets, err := tombstoneBuckets(tx, col.Name, m.ID)
		if err != nil {
			return MutationResult{}, err
		}
		if len(buckets) > 0 && overlaps(buckets, dev.Principal.Buckets()) {
			return MutationResult{MutationID: m.MutationID, Status: StatusApplied}, nil // already gone
		}
		return MutationResult{}, Errorf(CodeNotFound, "No such %s.", col.Name)
	}
	if ok, err := canAccess(tx, r, RequestInfo(dev.Person, "DELETE", nil), col.DeleteRule); err != nil {
		return MutationResult{}, err
	} else if !ok {
		return MutationResult{}, denied(tx, r, dev.Person)
	}
	version := int64(r.GetInt(schema.FieldVersion))
	if m.BaseVersion != nil && *m.BaseVersion != version {
		// Changed since the device saw it: the delete loses, and is kept.
		scope, err := schema.ScopeOf(tx.DB(), col.Name, r.Id)
		if err != nil {
			return MutationResult{}, err
		}
		author, _ := schema.ReadAuthorship(r).Of("*")
		lost := []lostValue{{field: deleteField, lost: nil, kept: version, keptBy: author, lostBy: dev.PersonKey(), reason: "delete_changed"}}
		if err := saveConflicts(tx, col.Name, r.Id, scope, lost); err != nil {
			return MutationResult{}, err
		}
		return s.conflictResult(tx, dev, col.Name, r, lost)
	}
	schema.SetAuthor(r, dev.PersonKey())
	schema.SetAuthorDevice(r, dev.ID)
	if err := tx.Delete(r); err != nil {
		return MutationResult{}, Errorf(CodeInvalidRequest, "The record cannot be deleted: %v", err)
	}
	return MutationResult{MutationID: m.MutationID, Status: StatusApplied}, nil
}

// saveRecord saves with validation; field errors become invalid_request
// with the fields named, anything else stays an internal error.
func saveRecord(tx core.App, r *core.Record) error {
	err := tx.Save(r)
	if err == nil {
		return nil
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		data := map[string]any{}
		for k, v := range verrs {
			data[k] = v.Error()
		}
		return Errorf(CodeInvalidRequest, "The record has invalid fields.").WithData(data)
	}
	return fmt.Errorf("save %s/%s: %w", r.Collection().Name, r.Id, err)
}

// conflictResult answers a conflict with the record as it now stands.
func (s *Service) conflictResult(tx core.App, dev *Device, collection string, r *core.Record, lost []lostValue) (MutationResult, error) {
	out := map[recordKey]renderedRecord{}
	if err := s.loadRecords(tx.DB(), dev, collection, []string{r.Id}, out); err != nil {
		return MutationResult{}, err
	}
	rec := out[recordKey{collection, r.Id}]
	return MutationResult{
		MutationID: "", Status: StatusConflict, Version: rec.version, Record: rec.json,
		Conflict: &ConflictInfo{Fields: fieldsOf(lost)},
	}, nil
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
