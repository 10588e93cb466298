package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The change feed and the sync bookkeeping are plain tables, not
// collections: they are written on every write, must stay small and fast,
// and are nobody's business through the REST API.
//
// sync_feed holds, per record and per bucket of its scope, the latest
// change: op 0 is an upsert (the record is in that bucket now), op 1 a
// delete (it was deleted, or left the bucket). seq is the server-assigned
// position in the feed; a row's seq moves forward on every change, so the
// feed is compacted to one row per (record, bucket). at is the unix time
// of the change, used to purge old delete rows (the tombstone horizon).
//
// sync_state holds the sequence counter, the highest purged seq (older
// cursors are expired), and the server secret that signs cursors, device
// tokens and upload tickets.
//
// sync_mutations remembers the result of every pushed mutation per device,
// so a replayed mutation_id returns its stored result.
const syncTablesSQL = `
CREATE TABLE sync_feed (
	collection TEXT NOT NULL,
	record_id  TEXT NOT NULL,
	bucket     TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	op         INTEGER NOT NULL,
	at         INTEGER NOT NULL,
	PRIMARY KEY (collection, record_id, bucket)
) WITHOUT ROWID;
CREATE INDEX sync_feed_bucket_seq ON sync_feed (bucket, seq, op);
CREATE TABLE sync_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	seq        INTEGER NOT NULL,
	purged_seq INTEGER NOT NULL,
	secret     BLOB NOT NULL
);
INSERT INTO sync_state (id, seq, purged_seq, secret) VALUES (1, 0, 0, randomblob(32));
CREATE TABLE sync_mutations (
	device      TEXT NOT NULL,
	mutation_id TEXT NOT NULL,
	result      TEXT NOT NULL,
	at          INTEGER NOT NULL,
	PRIMARY KEY (device, mutation_id)
) WITHOUT ROWID;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(syncTablesSQL).Execute()
		return err
	}, nil)
}
