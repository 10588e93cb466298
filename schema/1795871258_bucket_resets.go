package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// sync_bucket_resets makes every device that synced a bucket before seq
// start over (pull answers reset: true). An erasure (sync/erase.go)
// removes the feed rows of the erased client's records instead of leaving
// tombstones that would carry their ids for the tombstone horizon; the
// devices that may hold those records drop everything and pull again.
// A bucket name is a team's or another client's (the erased client's own
// bucket is never listed: nobody else follows it).
const bucketResetsSQL = `
CREATE TABLE sync_bucket_resets (
	bucket TEXT PRIMARY KEY,
	seq    INTEGER NOT NULL
) WITHOUT ROWID;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(bucketResetsSQL).Execute()
		return err
	}, nil)
}
