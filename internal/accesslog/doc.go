// Package accesslog is the NEN 7513 access log: an append-only record of
// every access to a client's data, by any path (REST, sync, dashboard,
// /me/, photos, exports), kept in its own SQLite file next to
// PocketBase's (pb_data/access_log.db), so that writing it never waits on
// the main database and the main database never waits on it.
//
// One Entry is one person's access to one client's data in one request,
// for one action: a REST list of 300 records of 12 clients is 12 entries,
// each with the collections it touched and a count. Touches aggregates a
// request's records into those entries. A sync pull counts as one access
// per pull run, however many pages the device fetches (server/audit's
// pullRuns drops from each page's Touches what the run logged already).
//
// Entries are hash-chained: each stores sha256(prev_hash || canonical
// bytes of the entry) (chain.go), so Verify finds any entry edited,
// deleted or inserted with plain SQL, and names the first one. Pruning
// old entries (Prune) keeps an anchor: the hash of the last pruned entry,
// from which the rest of the chain still verifies.
//
// Writes are asynchronous: Add hands entries to one writer goroutine
// (writer.go) that numbers and chains them in order and commits whatever
// has queued up in one transaction. Add blocks only when the queue is full
// (the log never drops an entry); a crash loses what was queued and not
// yet committed, typically the last few milliseconds. Flush waits for
// everything added so far; Close flushes and stops.
//
// There is no API that changes or deletes an entry: the package offers
// Add, Prune (retention, at least five years by the server's config) and
// read-only queries.
package accesslog
