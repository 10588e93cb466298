package schema

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Some people may read a record but not all of it (docs/domain.md,
// "Changes after the first build"):
//
//   - teamadviseurs see that clients took part in a safari or wrote an
//     observation, never who: safaris.clients,
//     observations.author_client and the copy of a safari's participants
//     on a conflict about it (sync_conflicts.clients) are hidden from
//     them;
//   - clients see the begeleiders of their own team by name and role
//     only: every other field of users is hidden from them.
//
// The access rules cannot say this (a rule admits a whole record), so it
// is enforced where records leave: the REST API, realtime and expand
// through an enrich hook (hooks), the sync pull and push results through
// the rendering of records (sync), and filters and sorts that name a
// hidden field are refused (hooks' guard), as PocketBase refuses them on
// its own hidden fields. Conflicts whose values name a client are not
// hidden field by field: they go to the plans audience, which team
// advisers do not read (ConflictNamesClient).

// ClientIDFields lists, per collection, the fields that hold client ids
// on records team advisers may read.
var ClientIDFields = map[string][]string{
	Safaris:       {FieldClients},
	Observations:  {FieldAuthorClient},
	SyncConflicts: {FieldClients},
}

// StaffFieldsForClients are the only fields of users a client may read.
var StaffFieldsForClients = []string{"id", FieldName, FieldRole}

// IsAdviser reports whether auth is a teamadviseur.
func IsAdviser(auth *core.Record) bool {
	return auth != nil && auth.Collection().Name == Users && auth.GetString(FieldRole) == RoleTeamadviseur
}

// IsClientAuth reports whether auth is a client.
func IsClientAuth(auth *core.Record) bool {
	return auth != nil && auth.Collection().Name == Clients
}

// HiddenFields lists the fields of a collection's records that a person
// may not read, though they may read the records. c is the collection
// (its fields are needed for "everything but"); nil for a person who may
// read every field they can reach.
func HiddenFields(p Principal, c *core.Collection) []string {
	switch {
	case p.Collection == Users && p.Role == RoleTeamadviseur:
		return ClientIDFields[c.Name]
	case p.Collection == Clients && c.Name == Users:
		var out []string
		for _, f := range c.Fields {
			if !slices.Contains(StaffFieldsForClients, f.GetName()) {
				out = append(out, f.GetName())
			}
		}
		return out
	}
	return nil
}

// MayFilterOn reports whether a person may name field of collection c in
// a filter or sort: not when the field is hidden from them.
func MayFilterOn(p Principal, c *core.Collection, field string) bool {
	return !slices.Contains(HiddenFields(p, c), field)
}

// ConflictNamesClient reports whether a sync_conflicts record names a
// client in what it keeps of the record it is about: a client wrote one
// of the values, the field holds client ids, or a value is a whole record
// with such a field set. Such a conflict is for the plans audience (no
// team advisers).
func ConflictNamesClient(conflict *core.Record) bool {
	for _, by := range []string{"kept_by", "lost_by"} {
		if IsClientAuthor(conflict.GetString(by)) {
			return true
		}
	}
	fields := ClientIDFields[conflict.GetString(FieldCollection)]
	if len(fields) == 0 {
		return false
	}
	if slices.Contains(fields, conflict.GetString(FieldField)) {
		return true
	}
	for _, v := range []string{"kept_value", "lost_value"} {
		var rec map[string]any
		raw, _ := json.Marshal(conflict.Get(v))
		if json.Unmarshal(raw, &rec) != nil {
			continue
		}
		for _, f := range fields {
			switch x := rec[f].(type) {
			case string:
				if strings.TrimSpace(x) != "" {
					return true
				}
			case []any:
				if len(x) > 0 {
					return true
				}
			}
		}
	}
	return false
}
