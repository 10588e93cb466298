// Package hooks holds the PocketBase event hooks that make every write,
// whatever its path (REST API, JS SDK, admin UI, /api/batch, the sync push,
// Go code, cascade deletes), do the same things:
//
//   - capture: in the same transaction as the record, bump its version, note
//     who wrote which field (the hidden authorship field), and advance the
//     change feed (sync_feed) in every bucket of the record's scope. When a
//     record's scope changes (a client moves team, a safari gets another
//     participant) the records whose scope follows it move to their new
//     buckets too, and the conflicts about them follow.
//   - validate: what access rules cannot express (one author per
//     observation, contact details only with consent, a client cannot move
//     themselves, relations that fix where a record belongs are immutable).
//   - guard: refuse disabled accounts, and filters that would reach data the
//     caller cannot read (@collection; for team advisers, clients' plans).
//
// The writer of a save travels on the record under schema.AuthorKey: REST
// request hooks stamp it, the sync push stamps it, anything else is the
// system. hooks and sync never import each other; they meet at schema.
package hooks
