package sync

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
)

// bucketRows must give what reading every bucket whole and sorting by
// (seq, bucket) gives, cut at the limit: with a few buckets (one
// statement) and with more than maxArms (several, merged in Go), with ties
// in seq across buckets, deletes, and buckets at position 0 (upserts
// only) or rejoined; each upsert with its stored rendering, if the render
// store has one at its seq (a delete never).
func TestBucketRowsAsSortedReference(t *testing.T) {
	db, err := dbx.Open("sqlite", filepath.Join(t.TempDir(), "feed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.NewQuery(`CREATE TABLE sync_feed (collection TEXT NOT NULL, record_id TEXT NOT NULL, bucket TEXT NOT NULL,
		seq INTEGER NOT NULL, op INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (collection, record_id, bucket)) WITHOUT ROWID;
		CREATE INDEX sync_feed_bucket_seq ON sync_feed (bucket, seq, op);
		CREATE TABLE sync_render (seq INTEGER PRIMARY KEY, collection TEXT NOT NULL, record_id TEXT NOT NULL,
		shape INTEGER NOT NULL, change TEXT NOT NULL)`).Execute(); err != nil {
		t.Fatal(err)
	}
	fill, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 5))
	const nBuckets = 150 // more than two runs of maxArms
	var all []feedRow
	for seq := int64(1); seq <= 3000; seq++ {
		// Most writes have their rendering stored, at their seq; an upsert
		// comes with it, a delete without.
		var stored storedRender
		if rng.IntN(4) > 0 {
			stored = storedRender{shape: -7 + seq%3, clients: []byte(fmt.Sprintf("c%d", seq%3)), tail: []byte(fmt.Sprintf(`"version":%d,"record":{"seq":%d}`, seq%5, seq))}
			change := fmt.Sprintf("%d|%s|%s", stored.shape, stored.clients, stored.tail)
			if _, err := fill.Insert("sync_render", dbx.Params{"seq": seq, "collection": "goals", "record_id": fmt.Sprintf("r%d", seq),
				"shape": stored.shape, "change": change}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
		// One write lands in one to three buckets at the same seq.
		for range 1 + rng.IntN(3) {
			r := feedRow{Bucket: fmt.Sprintf("b%03d", rng.IntN(nBuckets)), Seq: seq, Collection: "goals", RecordID: fmt.Sprintf("r%d", seq), Op: rng.IntN(2)}
			if r.Op == 0 {
				r.stored = stored
			}
			if slices.ContainsFunc(all, func(x feedRow) bool { return x.Seq == seq && x.Bucket == r.Bucket }) {
				continue
			}
			all = append(all, r)
			if _, err := fill.Insert("sync_feed", dbx.Params{"collection": r.Collection, "record_id": r.RecordID, "bucket": r.Bucket, "seq": r.Seq, "op": r.Op, "at": 0}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := fill.Commit(); err != nil {
		t.Fatal(err)
	}
	// The plan: each arm read in index order, the store by its key, the
	// arms merged as they come; no sorter, no scan.
	q, params := mergedQuery([]string{"b001", "b002"}, map[string]int64{"b001": 5, "b002": 0}, nil, 10)
	var plan []string
	rs, err := db.NewQuery("EXPLAIN QUERY PLAN " + q).Bind(params).Rows()
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var id, parent, unused int
		var detail string
		if err := rs.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	rs.Close()
	joined := strings.Join(plan, "; ")
	if !strings.Contains(joined, "MERGE") || strings.Contains(joined, "TEMP B-TREE") || strings.Contains(joined, "SCAN") ||
		!strings.Contains(joined, "SEARCH r USING INTEGER PRIMARY KEY") {
		t.Fatalf("plan of the merged feed read: %s", joined)
	}

	for _, n := range []int{3, maxArms, nBuckets} {
		for round := range 20 {
			pos, rejoined := map[string]int64{}, map[string]bool{}
			for _, i := range rng.Perm(nBuckets)[:n] {
				b := fmt.Sprintf("b%03d", i)
				pos[b] = 0
				if rng.IntN(2) == 0 {
					pos[b] = rng.Int64N(3000)
				}
				rejoined[b] = rng.IntN(4) == 0
			}
			limit := 1 + rng.IntN(400)
			var want []feedRow
			for _, r := range all {
				p, ok := pos[r.Bucket]
				if ok && r.Seq > p && (r.Op == 0 || p > 0 || rejoined[r.Bucket]) {
					want = append(want, r)
				}
			}
			slices.SortFunc(want, func(a, b feedRow) int {
				return cmp.Or(cmp.Compare(a.Seq, b.Seq), strings.Compare(a.Bucket, b.Bucket))
			})
			wantMore := len(want) > limit
			want = want[:min(limit, len(want))]
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			got, more, err := bucketRows(tx, pos, rejoined, limit, new([]byte))
			tx.Rollback()
			if err != nil {
				t.Fatal(err)
			}
			if more != wantMore || !slices.EqualFunc(got, want, sameFeedRow) {
				t.Fatalf("%d buckets, round %d, limit %d: got %d rows (more %v), want %d (more %v)", n, round, limit, len(got), more, len(want), wantMore)
			}
		}
	}
}

func sameFeedRow(a, b feedRow) bool {
	return a.Bucket == b.Bucket && a.Seq == b.Seq && a.Collection == b.Collection && a.RecordID == b.RecordID && a.Op == b.Op &&
		a.stored.shape == b.stored.shape && bytes.Equal(a.stored.clients, b.stored.clients) &&
		bytes.Equal(a.stored.tail, b.stored.tail) && (a.stored.tail == nil) == (b.stored.tail == nil)
}
