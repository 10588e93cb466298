package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/schema"
)

// reviveContact stamps revived_at when a save turns a dormant contact
// active: picking up an old contact again is what the team review counts
// as "dormant contacts revived", and nothing else records the moment.
//
// It runs in the contact validator, so every validated write path (REST,
// /api/batch, the sync push and its conflict merges, Go code) stamps it.
// The stamp is the server's: a person who sets or changes revived_at
// themselves gets a field error, as with a photo's status, so the count
// cannot be inflated by hand. The system and superusers may set it (data
// imports); when they do, their value stands.
func reviveContact(r *core.Record) validation.Errors {
	if schema.IsPerson(schema.AuthorFrom(r)) && !schema.IsTrusted(r) {
		if (r.IsNew() && r.GetString(schema.FieldRevivedAt) != "") || changed(r, schema.FieldRevivedAt) {
			return fieldError(schema.FieldRevivedAt, "forbidden", "The server sets revived_at when a dormant contact becomes active.")
		}
	}
	if r.IsNew() || changed(r, schema.FieldRevivedAt) {
		return nil
	}
	if r.Original().GetString(schema.FieldStatus) == schema.ContactDormant && r.GetString(schema.FieldStatus) == schema.ContactActive {
		r.Set(schema.FieldRevivedAt, types.NowDateTime())
	}
	return nil
}
