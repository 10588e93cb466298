package schema

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// AuthorKey is the transient (never stored) record key under which the
// writer of a save is passed from the request or the sync push down to the
// model hooks: "users:<id>", "clients:<id>" or "_superusers:<id>". A save
// without it (Go code, migrations, the server itself) is by AuthorSystem.
//
// PocketBase never exports or stores custom keys with the "@pbInternal"
// prefix, so the marker cannot leak or be set from outside.
const AuthorKey = "@pbInternalSamenspelAuthor"

// AuthorSystem writes what no person wrote: migrations, cascades, the
// server's own bookkeeping.
const AuthorSystem = "system"

// AuthorOf names the person behind an auth record, or AuthorSystem for nil.
func AuthorOf(auth *core.Record) string {
	if auth == nil {
		return AuthorSystem
	}
	return auth.Collection().Name + ":" + auth.Id
}

// AuthorDeviceKey carries the device a push was made on, next to AuthorKey:
// a person with two phones is two writers for the question "did whoever
// deleted this ever see it?".
const AuthorDeviceKey = "@pbInternalSamenspelAuthorDevice"

// SetAuthor stamps the writer of the coming save on the record.
func SetAuthor(r *core.Record, author string) { r.SetRaw(AuthorKey, author) }

// SetAuthorDevice stamps the device of the coming save (sync pushes).
func SetAuthorDevice(r *core.Record, device string) { r.SetRaw(AuthorDeviceKey, device) }

// AuthorDeviceFrom reads the stamped device, "" if none.
func AuthorDeviceFrom(r *core.Record) string {
	d, _ := r.GetRaw(AuthorDeviceKey).(string)
	return d
}

// AuthorFrom reads the writer stamped on a record, AuthorSystem if none.
func AuthorFrom(r *core.Record) string {
	if a, ok := r.GetRaw(AuthorKey).(string); ok && a != "" {
		return a
	}
	return AuthorSystem
}

// SplitAuthor splits "users:abc" into ("users", "abc"); AuthorSystem gives
// ("system", "").
func SplitAuthor(author string) (collection, id string) {
	collection, id, _ = strings.Cut(author, ":")
	return collection, id
}

// IsPerson reports whether the author is a logged-in staff member or client
// (not a superuser and not the system). Caller-dependent checks apply only
// to persons.
func IsPerson(author string) bool {
	c, _ := SplitAuthor(author)
	return c == Users || c == Clients
}

// IsClientAuthor reports whether the author is a client.
func IsClientAuthor(author string) bool {
	c, _ := SplitAuthor(author)
	return c == Clients
}

// TrustedKey marks a save the server itself vouches for, although a person
// is its author: a photo the server checked and cleaned is marked stored
// for the person who uploaded it. Like AuthorKey it is never stored or
// exported, so it cannot be set from outside.
const TrustedKey = "@pbInternalSamenspelTrusted"

// SetTrusted marks the coming save as vouched for by the server.
func SetTrusted(r *core.Record) { r.SetRaw(TrustedKey, true) }

// IsTrusted reports whether the server vouches for the coming save.
func IsTrusted(r *core.Record) bool { t, _ := r.GetRaw(TrustedKey).(bool); return t }
