// Package backup replicates the server's database to S3, continuously,
// with Litestream, and restores it from there to any moment in its
// retention window.
//
// Litestream runs inside the server process as a library (not a sidecar):
// the binary stays one binary with two commands, `samenspel serve` (which
// replicates while it serves) and `samenspel restore` (which brings the
// database back). It watches data.db's write-ahead log, cuts every
// committed transaction into an LTX file and uploads it, about once a
// second; snapshots and compaction keep a restore fast. A restore
// downloads a snapshot and the LTX files after it, up to the moment
// asked for.
//
// Litestream must own checkpoints: it holds a read transaction on the
// database so no other connection can restart the WAL under it, and
// checkpoints itself. The server turns SQLite's automatic checkpoint off
// on its own connections while backup is on (sqlitecache.Connect) and
// drops PocketBase's nightly TRUNCATE checkpoint, which would otherwise
// wait on Litestream's read transaction with the writer lock held.
//
// Only data.db is replicated. auxiliary.db holds PocketBase's request logs,
// which a restore can do without.
//
// Only this package imports Litestream (and through it the AWS SDK).
package backup
