package hooks

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// Validation for what access rules cannot express. These run on every save
// with validation (REST, admin UI, sync push, Go code); checks about the
// caller apply when a person is stamped as the writer (schema.AuthorKey).
// Each returns field errors, which the REST API and the sync push report as
// invalid_request with the fields named.

var validators = map[string]func(app core.App, r *core.Record) validation.Errors{
	schema.Clients:         validateClient,
	schema.Safaris:         validateSafari,
	schema.Observations:    validateObservation,
	schema.Media:           validateMedia,
	schema.Goals:           validateGoal,
	schema.NetworkContacts: validateContact,
	schema.GoalSteps:       validateStep,
	schema.Feedback:        validateFeedback,
	schema.SyncConflicts:   validateConflict,
}

func validateRecord(e *core.RecordEvent) error {
	if errs := schema.CheckStored(e.Record); len(errs) > 0 {
		return errs
	}
	if check, ok := validators[e.Record.Collection().Name]; ok {
		if errs := check(e.App, e.Record); len(errs) > 0 {
			return errs
		}
	}
	return e.Next()
}

// checkBody refuses, for a REST create or update of a synced collection,
// values the field would cast into something else (schema.CheckBody). It
// must see the body as sent: PocketBase's handler casts every value before
// its rules and hooks see the body, so this runs in the guard middleware
// (and for each request of a batch), before the handler.
func checkBody(app core.App, method, path string, body map[string]any) error {
	if method != http.MethodPost && method != http.MethodPatch {
		return nil
	}
	name, ok := recordsPath(path)
	if !ok || !schema.IsSynced(name) {
		return nil
	}
	col, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return nil // PocketBase answers the unknown collection
	}
	if errs := schema.CheckBody(col, body); len(errs) > 0 {
		return apis.NewBadRequestError("Some values do not fit their fields.", errs)
	}
	return nil
}

// checkBatchBodies applies checkBody to each request of an /api/batch.
func checkBatchBodies(e *core.BatchRequestEvent) error {
	for _, r := range e.Batch {
		u, err := url.Parse(r.URL)
		if err != nil {
			continue // PocketBase refuses it
		}
		if err := checkBody(e.App, strings.ToUpper(r.Method), u.Path, r.Body); err != nil {
			return err
		}
	}
	return e.Next()
}

func fieldError(field, code, message string) validation.Errors {
	return validation.Errors{field: validation.NewError("validation_"+code, message)}
}

// changed reports whether an existing record's field differs from its
// stored value.
func changed(r *core.Record, field string) bool {
	if r.IsNew() {
		return false
	}
	return !reflect.DeepEqual(r.Original().Get(field), r.Get(field))
}

// immutable refuses a change of the relation that decides where a record
// belongs: goals, contacts, steps, observations and photos stay with their
// client, goal, safari or observation. Move by creating anew.
func immutable(r *core.Record, field string) validation.Errors {
	if changed(r, field) {
		return fieldError(field, "immutable", "This relation cannot be changed after creation.")
	}
	return nil
}

func validateClient(app core.App, r *core.Record) validation.Errors {
	author := schema.AuthorFrom(r)
	if schema.IsClientAuthor(author) && changed(r, schema.FieldTeam) {
		return fieldError(schema.FieldTeam, "forbidden", "A client cannot change their own team.")
	}
	return nil
}

// validateSafari: participants who join a walk belong to the walk's team.
func validateSafari(app core.App, r *core.Record) validation.Errors {
	var before []string
	if !r.IsNew() {
		before = r.Original().GetStringSlice(schema.FieldClients)
	}
	var added []any
	for _, c := range r.GetStringSlice(schema.FieldClients) {
		if !slices.Contains(before, c) {
			added = append(added, c)
		}
	}
	if len(added) == 0 {
		return nil
	}
	var n int
	err := app.DB().Select("count(*)").From(schema.Clients).
		Where(dbx.In("id", added...)).AndWhere(dbx.HashExp{schema.FieldTeam: r.GetString(schema.FieldTeam)}).Row(&n)
	if err != nil || n != len(added) {
		return fieldError(schema.FieldClients, "team", "Participants must be clients of the safari's team.")
	}
	return nil
}

// validateObservation: exactly one of author_user / author_client, equal to
// the person writing; authors and safari never change afterwards, except
// that the system clears author_user when a staff account is deleted (the
// team's observation stays).
func validateObservation(app core.App, r *core.Record) validation.Errors {
	if errs := immutable(r, schema.FieldSafari); errs != nil {
		return errs
	}
	user, client := r.GetString(schema.FieldAuthorUser), r.GetString(schema.FieldAuthorClient)
	author := schema.AuthorFrom(r)
	if !r.IsNew() {
		if !changed(r, schema.FieldAuthorUser) && !changed(r, schema.FieldAuthorClient) {
			return nil
		}
		if schema.IsPerson(author) || user != "" || client != "" {
			return fieldError(schema.FieldAuthorUser, "immutable", "The author of an observation cannot be changed.")
		}
		return nil // the author's account was deleted
	}
	if (user == "") == (client == "") {
		return fieldError(schema.FieldAuthorUser, "author", "Set exactly one of author_user and author_client.")
	}
	if schema.IsPerson(author) {
		want, field := schema.Users+":"+user, schema.FieldAuthorUser
		if client != "" {
			want, field = schema.Clients+":"+client, schema.FieldAuthorClient
		}
		if author != want {
			return fieldError(field, "author", "The author must be the person logging the observation.")
		}
	}
	return nil
}

// validateMedia: a photo stays with its observation; people announce it as
// pending and only the server, having checked and cleaned the bytes, marks
// it stored and says where they are.
func validateMedia(app core.App, r *core.Record) validation.Errors {
	if errs := immutable(r, schema.FieldObservation); errs != nil {
		return errs
	}
	if !schema.IsPerson(schema.AuthorFrom(r)) || schema.IsTrusted(r) {
		return nil
	}
	if r.IsNew() {
		if st := r.GetString(schema.FieldStatus); st != "" && st != schema.MediaPending {
			return fieldError(schema.FieldStatus, "forbidden", "A photo starts as pending; the server marks it stored after the upload is checked.")
		}
		r.Set(schema.FieldStatus, schema.MediaPending)
		r.Set(schema.FieldObjectKey, "")
		return nil
	}
	for _, f := range []string{schema.FieldStatus, schema.FieldSHA256, "size", "content_type", schema.FieldObjectKey} {
		if changed(r, f) {
			return fieldError(f, "forbidden", "Only the server changes a photo's bytes and status.")
		}
	}
	return nil
}

// validateGoal: the goal stays with its client; agreed_at is the client's
// own act, and a staff member's rewording asks for agreement again.
func validateGoal(app core.App, r *core.Record) validation.Errors {
	if errs := immutable(r, schema.FieldClient); errs != nil {
		return errs
	}
	author := schema.AuthorFrom(r)
	if !schema.IsPerson(author) {
		return nil
	}
	agreedSet := r.GetString(schema.FieldAgreedAt) != "" &&
		(r.IsNew() || changed(r, schema.FieldAgreedAt))
	if agreedSet && author != schema.Clients+":"+r.GetString(schema.FieldClient) {
		return fieldError(schema.FieldAgreedAt, "forbidden", "Only the client can agree to their goal.")
	}
	if !schema.IsClientAuthor(author) && changed(r, schema.FieldTitle) && !changed(r, schema.FieldAgreedAt) {
		r.Set(schema.FieldAgreedAt, "") // the client is asked again
	}
	return nil
}

// validateContact: phone and e-mail of a third party only with the client's
// consent. Withdrawing consent erases them. A dormant contact turned active
// is stamped revived_at (contact_revived.go).
func validateContact(app core.App, r *core.Record) validation.Errors {
	if errs := immutable(r, schema.FieldClient); errs != nil {
		return errs
	}
	if errs := reviveContact(r); errs != nil {
		return errs
	}
	if r.GetBool(schema.FieldInvolveConsent) {
		return nil
	}
	withdrawn := !r.IsNew() && r.Original().GetBool(schema.FieldInvolveConsent)
	for _, f := range []string{schema.FieldPhone, schema.FieldEmail} {
		if r.GetString(f) == "" {
			continue
		}
		if withdrawn && !changed(r, f) {
			r.Set(f, "")
			continue
		}
		return fieldError(f, "consent", "Phone and e-mail of a network contact need involve_consent.")
	}
	return nil
}

// validateStep: the step stays with its goal; a network contact carrying it
// is from the same client's network.
func validateStep(app core.App, r *core.Record) validation.Errors {
	if errs := immutable(r, schema.FieldGoal); errs != nil {
		return errs
	}
	contact := r.GetString("contact")
	if contact == "" || !(r.IsNew() || changed(r, "contact") || changed(r, schema.FieldGoal)) {
		return nil
	}
	var n int
	err := app.DB().NewQuery(`SELECT count(*) FROM network_contacts n JOIN goals g ON g.client = n.client
		WHERE n.id = {:contact} AND g.id = {:goal}`).
		Bind(dbx.Params{"contact": contact, "goal": r.GetString(schema.FieldGoal)}).Row(&n)
	if err != nil || n == 0 {
		return fieldError("contact", "network", "The contact must be in the network of the goal's client.")
	}
	return nil
}

// validateFeedback: the subject of a review note is from the same team.
func validateFeedback(app core.App, r *core.Record) validation.Errors {
	team := r.GetString(schema.FieldTeam)
	checks := []struct{ field, query string }{
		{schema.FieldSafari, "SELECT count(*) FROM safaris WHERE id = {:id} AND team = {:team}"},
		{schema.FieldObservation, "SELECT count(*) FROM observations o JOIN safaris s ON s.id = o.safari WHERE o.id = {:id} AND s.team = {:team}"},
	}
	for _, c := range checks {
		id := r.GetString(c.field)
		if id == "" {
			continue
		}
		var n int
		if err := app.DB().NewQuery(c.query).Bind(dbx.Params{"id": id, "team": team}).Row(&n); err != nil || n == 0 {
			return fieldError(c.field, "team", "The subject of feedback must belong to the same team.")
		}
	}
	return validateThread(app, r)
}

// validateThread holds the shape of a feedback conversation for every
// writer (the rules hold it for people; this also for superusers and Go
// code): an answer answers another, top-level note of its own team, and a
// note with answers neither moves to another team nor becomes an answer.
func validateThread(app core.App, r *core.Record) validation.Errors {
	answerTo := r.GetString(schema.FieldAnswerTo)
	if answerTo != "" && (r.IsNew() || changed(r, schema.FieldAnswerTo) || changed(r, schema.FieldTeam)) {
		var n int
		err := app.DB().NewQuery(`SELECT count(*) FROM feedback WHERE id = {:id} AND id != {:self} AND team = {:team} AND answer_to = ''`).
			Bind(dbx.Params{"id": answerTo, "self": r.Id, "team": r.GetString(schema.FieldTeam)}).Row(&n)
		if err != nil || n == 0 {
			return fieldError(schema.FieldAnswerTo, "thread", "An answer must answer a note of the same team that is no answer itself.")
		}
	}
	if r.IsNew() || !(changed(r, schema.FieldTeam) || changed(r, schema.FieldAnswerTo)) {
		return nil
	}
	var answers int
	err := app.DB().NewQuery(`SELECT count(*) FROM feedback WHERE answer_to = {:id}`).Bind(dbx.Params{"id": r.Id}).Row(&answers)
	if err != nil || answers > 0 {
		field := schema.FieldTeam
		if changed(r, schema.FieldAnswerTo) {
			field = schema.FieldAnswerTo
		}
		return fieldError(field, "thread", "Feedback that has answers stays where it is, with its answers.")
	}
	return nil
}

// validateConflict: people may only mark a conflict resolved (or not); the
// rest is the server's record of what happened.
func validateConflict(app core.App, r *core.Record) validation.Errors {
	if !schema.IsPerson(schema.AuthorFrom(r)) {
		return nil
	}
	if r.IsNew() {
		return fieldError(schema.FieldCollection, "forbidden", "Conflicts are recorded by the server.")
	}
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if name == schema.FieldResolved || isBookkeeping(name) {
			continue
		}
		if changed(r, name) {
			return fieldError(name, "forbidden", "Only the resolved flag of a conflict can be changed.")
		}
	}
	return nil
}
