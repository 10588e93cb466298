// Package sync implements the sync protocol v1 (docs/sync-protocol.md)
// over a PocketBase app: device registration and tokens, pull, push,
// conflicts and the tombstone horizon. It is transport-free; the server
// package mounts it under /api/sync/v1 with echo.
//
// This package shadows the standard library's sync. Where both are needed,
// import ours as fieldsync (as the server package does) and the standard
// one as gosync (as this package does).
//
// # The change feed and cursors
//
// Every write of a synced record, by any path, runs the hooks package's
// capture in the same transaction: the record's version goes up and the
// table sync_feed gets, per bucket of the record's scope (schema.Scope), a
// row with a fresh, server-assigned sequence number. The feed is compacted:
// one row per record and bucket, holding its latest change — upsert (the
// record is in that bucket now) or delete (it was deleted, or left the
// bucket). A person follows a set of buckets (schema.Principal.Buckets):
// a begeleider the team and plans buckets of their teams, a client their
// own bucket and their team's members bucket, a coordinator the bucket "*".
//
// A cursor records, per bucket, the highest sequence number the device has
// received. A pull merges the person's buckets in sequence order from those
// positions, so a record appears once, at its latest state, and a record
// changed while a device pages through arrives again later. When the
// person's buckets change (a begeleider joins or leaves a team, a client
// moves), the cursor notices: a new bucket is read from the start (its
// records arrive however old they are), a bucket left is read once more to
// send deletes for its records that the person can no longer see. A bucket
// rejoined before its drop ended is read from the start with its deletes:
// the device may still hold records of it that have since left it.
// Sequence numbers are assigned inside the write transaction and SQLite
// has a single writer, so the sequence follows commit order: a pull never
// sees seq n+1 without seq n, and no change is skipped.
//
// Delete rows older than the tombstone horizon are purged hourly; a cursor
// that stands before purged history answers cursor_expired, and the device
// starts over without a cursor (reset). So does a cursor that is not of
// this history: the feed has an epoch (sync_state.epoch) the cursor
// carries, changed by NewHistory after a restore from a backup
// (RegisterHistoryHooks), and a cursor ahead of the feed's last seq (the
// database went back in time) is refused, since new writes would reuse
// seqs the device has passed.
//
// # Idempotency
//
// A push is one transaction; each mutation is a savepoint inside it,
// applied together with its result in sync_mutations, keyed by (device
// record id, mutation_id), with a digest of its content. The record id, not
// the device_id the app chose, so a stored result never passes to another
// person through a device id they re-use. Replaying a mutation returns the
// stored result and changes nothing, also after a crash between commit and
// answer; the same id with other content is refused (mutation_id_reused).
// A mutation that fails for any reason is rolled back to its savepoint and
// rejected, the rest of the push goes on. Rejected mutations are stored
// too, with their payload (bounded) in sync_rejections, for a coordinator
// to see.
//
// # Conflicts
//
// An update carries the fields it changes, their base values and the
// version the device saw. A field that nobody else changed since the base
// is written; a base version the record never had (ahead of it) counts as
// concurrent, like an older one. A field changed on both sides is a conflict: the later push
// wins, except in goals, goal_steps and network_contacts, where the value
// a client wrote beats a staff member's, whichever came later. Who wrote a
// field's current value is kept per field in the hidden authorship field.
// The losing value goes to sync_conflicts, visible to whoever can see the
// record. A delete of a record changed since the device's base is not
// applied (also when its base version is ahead of the record's); an
// update of a deleted record is kept in sync_conflicts. Deleting a client
// deletes the conflicts and rejections about their data (the hooks
// package).
//
// # Scoping is the access rules
//
// The pull reads buckets, not API rules, because evaluating the rules per
// record is too slow for a phone pulling 100k records. The buckets are
// defined next to the rules (schema/scope.go, schema/rules.go), and tests
// compare what pull sends each person with what the REST API shows them.
// Push evaluates the API rules themselves, the way PocketBase's REST API
// does, on the body cast the way REST casts it (judge.go), so a mutation is
// allowed exactly when the same REST write would be.
package sync
