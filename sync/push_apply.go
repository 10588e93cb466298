package sync

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/forms"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// apply judges and applies one mutation, the i-th of its push, inside tx
// (judge.go says how). A *apierr.Error result means rejected (nothing written);
// any other error is internal.
func (s *Service) apply(tx core.App, dev *Device, m Mutation, i int, runs *createRuns) (MutationResult, error) {
	if m.invalid != nil {
		return MutationResult{}, m.invalid
	}
	if !schema.IsSynced(m.Collection) {
		return MutationResult{}, apierr.Errorf(apierr.CodeNotFound, "Unknown collection %q.", truncate(m.Collection, 50)).
			WithData(map[string]any{"collection": "unknown"})
	}
	if !recordIDPattern.MatchString(m.ID) {
		return MutationResult{}, apierr.Errorf(apierr.CodeInvalidRequest, "The record id must be 15 characters of a-z and 0-9.").
			WithData(map[string]any{"id": "invalid"})
	}
	col, err := tx.FindCachedCollectionByNameOrId(m.Collection)
	if err != nil {
		return MutationResult{}, err
	}
	if m.Collection == schema.Media && m.Op != "delete" {
		return MutationResult{}, apierr.Errorf(apierr.CodeInvalidRequest, "Photos are announced with POST /api/sync/v1/media, not pushed.").
			WithData(map[string]any{"collection": "use the media endpoints"})
	}
	switch m.Op {
	case "create":
		return s.applyCreate(tx, dev, col, m, i, runs)
	case "update":
		return s.applyUpdate(tx, dev, col, m)
	case "delete":
		return s.applyDelete(tx, dev, col, m)
	}
	return MutationResult{}, apierr.Errorf(apierr.CodeInvalidRequest, "op must be create, update or delete.").
		WithData(map[string]any{"op": "invalid"})
}

// metaFields are record keys an app may echo back; they are not writable
// and are ignored.
var metaFields = map[string]bool{
	"id": true, "version": true, "created": true, "updated": true,
	"collectionId": true, "collectionName": true, "expand": true,
}

// accountSettings are auth fields a push never writes, for anyone: they
// are changed through PocketBase's own auth API (password reset,
// verification). The e-mail address is not among them: the form lets the
// manage rule decide it, as on REST.
var accountSettings = map[string]bool{
	core.FieldNameVerified: true, core.FieldNameEmailVisibility: true,
	core.FieldNamePassword: true, core.FieldNameTokenKey: true,
	"passwordConfirm": true, "oldPassword": true,
}

// writableData checks the fields of data against the collection: unknown,
// hidden and account fields are refused by name, and values the field would
// cast into something else (schema.CheckBody).
func writableData(col *core.Collection, data map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(data))
	bad := map[string]any{}
	for k, v := range data {
		if metaFields[k] {
			continue
		}
		f := col.Fields.GetByName(k)
		switch {
		case col.IsAuth() && accountSettings[k]:
			bad[k] = "not writable through sync: an account setting"
		case f == nil:
			bad[k] = "unknown field"
		case f.GetHidden():
			bad[k] = "not writable"
		default:
			out[k] = v
		}
	}
	if len(bad) > 0 {
		return nil, apierr.Errorf(apierr.CodeInvalidRequest, "Some fields cannot be written.").WithData(bad)
	}
	if errs := schema.CheckBody(col, out); len(errs) > 0 {
		return nil, apierr.Errorf(apierr.CodeInvalidRequest, "Some values do not fit their fields.").WithData(schema.FieldErrors(errs))
	}
	return out, nil
}

// loaded is a record with the form that loaded it.
type loaded struct {
	record *core.Record
	form   *forms.RecordUpsert
}

// loadNew loads data into a new record as recordCreate does, and returns
// the body its rules read (bodyOf).
func loadNew(tx core.App, col *core.Collection, id string, data map[string]any) (loaded, map[string]any) {
	r := core.NewRecord(col)
	r.Id = id
	if col.IsAuth() {
		r.SetRandomPassword() // clients log in after an invite sets their own password
	}
	body := bodyOf(r, data)
	form := forms.NewRecordUpsert(tx, r)
	form.Load(body)
	return loaded{r, form}, body
}

// bodyOf is the body PocketBase's rules read for a write of data to r:
// each value as the field casts it (recordDataFromRequest's
// ReplaceModifiers). A list sent for a single relation is its last id
// there, which is why writableData refuses such lists: the rule and the
// record would not otherwise read what was sent.
func bodyOf(r *core.Record, data map[string]any) map[string]any {
	return r.ReplaceModifiers(data)
}

func (s *Service) applyCreate(tx core.App, dev *Device, col *core.Collection, m Mutation, i int, runs *createRuns) (MutationResult, error) {
	data, err := writableData(col, m.Data)
	if err != nil {
		return MutationResult{}, err
	}
	l, data := loadNew(tx, col, m.ID, data)
	ok, err := runs.mayCreate(i, l.record, data)
	if err != nil {
		return MutationResult{}, err
	}
	if !ok {
		return MutationResult{}, apierr.Errorf(apierr.CodeForbidden, "You may not create this %s.", col.Name)
	}
	// Only now, for a write the rule allows, is the id looked up: whether
	// an id exists in a team one cannot see is nobody's business.
	var exists int
	if err := tx.DB().NewQuery("SELECT count(*) FROM {{" + col.Name + "}} WHERE id = {:id}").Bind(dbx.Params{"id": m.ID}).Row(&exists); err != nil {
		return MutationResult{}, err
	}
	if exists > 0 {
		return MutationResult{}, apierr.Errorf(apierr.CodeInvalidRequest, "This id is already in use: make a new id for the new record.").
			WithData(map[string]any{"id": "already in use"})
	}
	info := schema.RequestInfo(dev.Person, "POST", data)
	if ok, err := mayManageNew(tx, l.record, info); err != nil {
		return MutationResult{}, err
	} else if ok {
		l.form.GrantManagerAccess()
	}
	schema.SetAuthor(l.record, dev.PersonKey())
	schema.SetAuthorDevice(l.record, dev.ID)
	if err := submit(l); err != nil {
		return MutationResult{}, err
	}
	return MutationResult{MutationID: m.MutationID, Status: StatusApplied, Version: int64(l.record.GetInt(schema.FieldVersion))}, nil
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
	data = bodyOf(r, data)
	info := schema.RequestInfo(dev.Person, "PATCH", data)
	if ok, err := canAccess(tx, r, info, col.UpdateRule); err != nil {
		return MutationResult{}, err
	} else if !ok {
		return MutationResult{}, denied(tx, r, dev.Person)
	}
	plan, err := planMerge(r, dev.PersonKey(), dev.ID, m, data)
	if err != nil {
		return MutationResult{}, err
	}
	if len(plan.apply) > 0 {
		l := loaded{r, forms.NewRecordUpsert(tx, r)}
		if ok, err := mayManage(tx, r, info); err != nil {
			return MutationResult{}, err
		} else if ok {
			l.form.GrantManagerAccess()
		}
		l.form.Load(plan.apply)
		schema.SetAuthor(r, dev.PersonKey())
		schema.SetAuthorDevice(r, dev.ID)
		if err := submit(l); err != nil {
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
		return MutationResult{}, apierr.Errorf(apierr.CodeNotFound, "No such %s.", col.Name)
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
		return MutationResult{}, apierr.Errorf(apierr.CodeNotFound, "No such %s.", col.Name)
	}
	if ok, err := canAccess(tx, r, schema.RequestInfo(dev.Person, "DELETE", nil), col.DeleteRule); err != nil {
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
		return MutationResult{}, apierr.Errorf(apierr.CodeInvalidRequest, "The record cannot be deleted: %v", err)
	}
	return MutationResult{MutationID: m.MutationID, Status: StatusApplied}, nil
}

// submit saves a loaded record through its form (PocketBase's account
// field checks, then every validator); field errors become
// invalid_request with the fields named, anything else stays an internal
// error.
func submit(l loaded) error {
	err := l.form.Submit()
	if err == nil {
		return nil
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return apierr.Errorf(apierr.CodeInvalidRequest, "The record has invalid fields.").WithData(schema.FieldErrors(verrs))
	}
	return fmt.Errorf("save %s/%s: %w", l.record.Collection().Name, l.record.Id, err)
}

// conflictResult answers a conflict with the record as it now stands.
func (s *Service) conflictResult(tx core.App, dev *Device, collection string, r *core.Record, lost []lostValue) (MutationResult, error) {
	out := map[recordKey]renderedRecord{}
	if err := s.loadRecords(tx.DB(), dev, collection, []string{r.Id}, out, false, nil); err != nil {
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

// saveRecord saves a record the server itself loaded (photos), through the
// same form and error mapping as a pushed one.
func saveRecord(tx core.App, r *core.Record) error {
	return submit(loaded{r, forms.NewRecordUpsert(tx, r)})
}
