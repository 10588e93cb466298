package schema

import (
	"fmt"

	"github.com/pocketbase/dbx"
)

// NextFeedSeq takes the next position in the change feed (sync_state's
// counter). It runs inside the write transaction, and SQLite has one
// writer at a time, so sequence order is commit order: a reader never
// sees seq n+1 without seq n.
//
// Two statements, not UPDATE ... RETURNING: SQLite buffers a RETURNING
// statement's rows in a temporary b-tree, whose page and scratch space it
// allocates and frees every time, and every record write takes a seq: on
// the pure-Go SQLite those allocations mapped and unmapped memory pages,
// 7 % of the CPU of a push of 10,000 goals (BenchmarkAccessLog's profile,
// its callers in hooks/feed.go).
func NextFeedSeq(db dbx.Builder) (int64, error) {
	if _, err := db.NewQuery("UPDATE sync_state SET seq = seq + 1 WHERE id = 1").Execute(); err != nil {
		return 0, fmt.Errorf("next feed seq: %w", err)
	}
	var seq int64
	if err := db.NewQuery("SELECT seq FROM sync_state WHERE id = 1").Row(&seq); err != nil {
		return 0, fmt.Errorf("next feed seq: %w", err)
	}
	return seq, nil
}
