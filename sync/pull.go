package sync

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// PullRequest is a pull as the device sent it.
type PullRequest struct {
	Cursor string
	Limit  int // 0 means DefaultPullLimit; larger than MaxPullLimit is capped

	// Touched, if set, collects per client the records the page delivers,
	// for the access log (read while rendering, so it costs no query).
	Touched *accesslog.Touches
}

// feedRow is one row of sync_feed as a pull reads it.
type feedRow struct {
	Bucket     string `db:"bucket"`
	Seq        int64  `db:"seq"`
	Collection string `db:"collection"`
	RecordID   string `db:"record_id"`
	Op         int    `db:"op"`

	stored storedRender // the render store's row of the upsert, if any
}

// storedRender is a record as the render store keeps it
// (schema.StoredChange). tail is nil when the store had no row of the
// feed row's seq; clients and tail live in the page's arena.
type storedRender struct {
	shape   int64
	clients []byte
	tail    []byte // "version":N,"record":{...}

	sendable bool // renderPage: current, and this person may have it whole
}

// page is what one pull sends.
type page struct {
	rows    []feedRow // deduplicated, in feed order
	history string    // the feed's epoch
	cursor  *cursor
	hasMore bool
	reset   bool
	behind  int64 // feed positions the incoming cursor stood behind the head

	stored, rendered int // records sent from the render store, and rendered
}

// PageEnd is where a pull page leaves the device: the cursor the page
// returns and whether more pages follow. The access log tells by it one
// pull run (a device following has_more page after page) from the next,
// without reading the page's JSON.
type PageEnd struct {
	Cursor  string
	HasMore bool
}

// Pull writes one page of changes for the device to w, as the JSON of the
// protocol. Everything is read in one read transaction, so a page is a
// consistent snapshot. Errors are protocol errors (invalid_request for a bad
// cursor, cursor_expired) or internal; nothing is written to w on error.
func (s *Service) Pull(ctx context.Context, dev *Device, req PullRequest, w io.Writer) error {
	return s.PullPage(ctx, dev, req, func(page []byte, _ PageEnd) error {
		_, err := w.Write(page)
		return err
	})
}

// PullPage is Pull handing the whole page to write, with where it leaves
// the device. write must not keep the bytes after it returns (they are
// reused); it is not called on error.
func (s *Service) PullPage(ctx context.Context, dev *Device, req PullRequest, write func(page []byte, end PageEnd) error) error {
	if req.Limit < 0 {
		return apierr.Errorf(apierr.CodeInvalidRequest, "limit must be a positive number.").WithData(map[string]any{"limit": "must be positive"})
	}
	limit := req.Limit
	if limit == 0 {
		limit = DefaultPullLimit
	}
	limit = min(limit, MaxPullLimit)
	key, err := s.key("cursor")
	if err != nil {
		return err
	}
	db, ok := s.app.ConcurrentDB().(*dbx.DB)
	if !ok {
		return fmt.Errorf("pull: unexpected db type %T", s.app.ConcurrentDB())
	}
	// A few pulls at a time read: on a couple of cores more only share the
	// CPU, while each holds a read connection (with its page cache) and a
	// page buffer. A Monday-morning storm of fresh pulls queues here
	// instead of growing the server's memory with the crowd.
	select {
	case s.pulling <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	buf := getPageBuf()
	defer putPageBuf(buf)
	// The page's records, stored or rendered, are copied into one buffer
	// rather than a slice each: a fresh pull of 100k records leaves no
	// 60 MB of garbage behind for the collector.
	arena := getArena(limit * recordSizeHint)
	defer putArena(arena)
	var stats *page
	var end PageEnd
	err = func() error {
		defer func() { <-s.pulling }() // also on a panic, which PocketBase recovers
		return db.TransactionalContext(ctx, nil, func(tx *dbx.Tx) error {
			p, err := s.readPage(tx, dev, req.Cursor, limit, key, arena)
			if err != nil {
				return err
			}
			stats = p
			end, err = s.renderPage(tx, dev, p, key, buf, req.Touched, arena)
			return err
		})
	}()
	if err != nil {
		return err
	}
	s.markSeen(dev, "last_pull_at")
	if err := write(buf.Bytes(), end); err != nil {
		return err
	}
	if s.cfg.OnPull != nil {
		s.cfg.OnPull(PullStats{Fresh: stats.reset, Behind: stats.behind, Rows: len(stats.rows), More: stats.hasMore, Stored: stats.stored, Rendered: stats.rendered})
	}
	return nil
}

// readPage works out which feed rows the page holds and the next cursor.
func (s *Service) readPage(tx *dbx.Tx, dev *Device, rawCursor string, limit int, key []byte, arena *[]byte) (*page, error) {
	var high, purged int64
	var epoch string
	if err := tx.NewQuery("SELECT seq, purged_seq, epoch FROM sync_state WHERE id = 1").Row(&high, &purged, &epoch); err != nil {
		return nil, fmt.Errorf("read feed state: %w", err)
	}
	p := &page{history: epoch}
	c := &cursor{V: cursorVersion, Epoch: epoch, Person: dev.PersonKey(), Device: dev.ID, Pos: map[string]int64{}}
	p.reset = rawCursor == ""
	if rawCursor != "" {
		prev, err := s.previousKey("cursor")
		if err != nil {
			return nil, err
		}
		got, err := decodeCursor(rawCursor, key, prev, dev.PersonKey(), dev.ID)
		if err != nil {
			return nil, err
		}
		if got.V != cursorVersion {
			p.reset = true // a cursor of an older layout: start over
		} else {
			if err := checkExpiry(got, epoch, high, purged); err != nil {
				return nil, err
			}
			stale, err := holdsErased(tx, got)
			if err != nil {
				return nil, err
			}
			if stale {
				p.reset = true // an erasure removed records the device may hold: start over
			} else {
				c = got
				p.behind = behind(c.Pos, high)
			}
		}
	}
	if c.Pos == nil {
		c.Pos = map[string]int64{}
	}
	if c.Drop == nil {
		c.Drop = map[string][2]int64{}
	}
	if c.Rejoined == nil {
		c.Rejoined = map[string]bool{}
	}
	buckets := dev.Principal.Buckets()
	reconcile(c, buckets)

	var rows []feedRow
	remaining := limit
	for _, b := range slices.Sorted(maps.Keys(c.Drop)) {
		if remaining == 0 {
			p.hasMore = true
			break
		}
		got, done, err := dropRows(tx, b, c.Drop[b], remaining)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
		remaining -= len(got)
		if done {
			delete(c.Drop, b)
		} else {
			c.Drop[b] = [2]int64{got[len(got)-1].Seq, c.Drop[b][1]}
			p.hasMore = true
		}
	}
	if remaining > 0 {
		got, more, err := bucketRows(tx, c.Pos, c.Rejoined, remaining, arena)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
		advance(c.Pos, got, more, high)
		maps.DeleteFunc(c.Rejoined, func(b string, _ bool) bool { return c.Pos[b] > 0 })
		p.hasMore = p.hasMore || more
	} else if len(c.Pos) > 0 {
		p.hasMore = true
	}

	visible, err := visibleAmong(tx, rows, buckets)
	if err != nil {
		return nil, err
	}
	p.rows = dedupe(rows, visible)
	p.cursor = c
	return p, nil
}

// behind is how far the lowest synced bucket position stands behind the
// feed's head (0 when nothing was synced yet).
func behind(pos map[string]int64, high int64) int64 {
	low := high
	for _, p := range pos {
		if p > 0 {
			low = min(low, p)
		}
	}
	return high - low
}

// checkExpiry refuses a cursor that stands before purged history (deletes
// it has not seen may be gone), and one that is not of this history: of
// another epoch, or past the feed's last seq (the database was restored
// from a backup older than the cursor). Positions the device has passed
// would be handed out again to new writes, and never reach it.
func checkExpiry(c *cursor, epoch string, high, purged int64) error {
	expired := false
	for _, pos := range c.Pos {
		expired = expired || (pos > 0 && pos < purged) || pos > high
	}
	for _, d := range c.Drop {
		expired = expired || (d[1] > 0 && d[1] < purged) || d[0] > high || d[1] > high
	}
	if expired {
		return apierr.Errorf(apierr.CodeCursorExpired, "This cursor is older than the history the server keeps. Pull again without a cursor.")
	}
	if c.Epoch != epoch {
		return apierr.Errorf(apierr.CodeCursorExpired, "This cursor belongs to another history of the server (it was restored from a backup). Pull again without a cursor.")
	}
	return nil
}

// holdsErased reports whether the device may hold records that an erasure
// removed from the feed without tombstones (sync_bucket_resets): it
// synced one of the reset buckets, or was dropping one, before the
// erasure's seq.
func holdsErased(tx *dbx.Tx, c *cursor) (bool, error) {
	var resets []struct {
		Bucket string `db:"bucket"`
		Seq    int64  `db:"seq"`
	}
	var followed []string
	for b, pos := range c.Pos {
		if pos > 0 || c.Rejoined[b] {
			followed = append(followed, b)
		}
	}
	for b := range c.Drop {
		followed = append(followed, b)
	}
	if len(followed) == 0 {
		return false, nil
	}
	err := tx.NewQuery("SELECT bucket, seq FROM sync_bucket_resets WHERE bucket IN (SELECT value FROM json_each({:b}))").
		Bind(dbx.Params{"b": mustJSON(followed)}).All(&resets)
	if err != nil {
		return false, fmt.Errorf("read bucket resets: %w", err)
	}
	for _, r := range resets {
		if pos, ok := c.Pos[r.Bucket]; ok && pos < r.Seq {
			return true, nil
		}
		if d, ok := c.Drop[r.Bucket]; ok && d[0] < r.Seq {
			return true, nil
		}
	}
	return false, nil
}

// reconcile aligns the cursor with the person's current buckets: buckets
// they left start dropping (their records are deleted from the device),
// buckets they joined start from the beginning (their records arrive,
// however old). A bucket joined again while it was still dropping is
// marked Rejoined: the device may hold records of it that have since left
// it or been deleted, so its deletes are read too.
func reconcile(c *cursor, buckets []string) {
	for b, pos := range c.Pos {
		if !slices.Contains(buckets, b) {
			delete(c.Pos, b)
			delete(c.Rejoined, b)
			c.Drop[b] = [2]int64{0, pos}
		}
	}
	for _, b := range buckets {
		if _, ok := c.Pos[b]; !ok {
			if _, dropping := c.Drop[b]; dropping {
				c.Rejoined[b] = true
			}
			delete(c.Drop, b)
			c.Pos[b] = 0
		}
	}
}

// dropRows reads the next rows of a bucket the person left: every record
// still in it, and every record that left it after the device's position.
func dropRows(tx *dbx.Tx, bucket string, d [2]int64, limit int) (rows []feedRow, done bool, err error) {
	err = tx.NewQuery(`SELECT bucket, seq, collection, record_id, 1 AS op FROM sync_feed
		WHERE bucket = {:b} AND seq > {:from} AND (op = 0 OR seq > {:left}) ORDER BY seq LIMIT {:n}`).
		Bind(dbx.Params{"b": bucket, "from": d[0], "left": d[1], "n": limit}).All(&rows)
	if err != nil {
		return nil, false, fmt.Errorf("drop bucket %s: %w", bucket, err)
	}
	return rows, len(rows) < limit, nil
}

// bucketRows merges the buckets' feeds in seq order from their positions
// and returns up to limit rows, and whether more follow. A bucket at
// position 0 has never been synced: its deletes are skipped, unless it was
// rejoined (the device may still hold its records; deletes of those still
// visible elsewhere are filtered by visibleAmong).
//
// One statement: each bucket is read in index order, and SQLite merges
// the arms of the UNION ALL as they come (its query plan says MERGE, no
// sorter), stopping at the limit. Reading each bucket up to the limit and
// merging here, as before, read up to a page per bucket to send one: for
// a begeleider (team and plans buckets) twice the rows. Ties in seq (one
// write, several buckets) come in bucket order. SQLite takes at most 500
// arms in a compound SELECT: past maxArms buckets, each run of them is one
// statement and the runs are merged here.
func bucketRows(tx *dbx.Tx, pos map[string]int64, rejoined map[string]bool, limit int, arena *[]byte) ([]feedRow, bool, error) {
	buckets := slices.Sorted(maps.Keys(pos))
	var rows []feedRow
	for run := range slices.Chunk(buckets, maxArms) {
		got, err := mergedRows(tx, run, pos, rejoined, limit+1, arena)
		if err != nil {
			return nil, false, err
		}
		if rows == nil {
			rows = got // the one run of most people: no copy
		} else {
			rows = append(rows, got...)
		}
	}
	if len(buckets) > maxArms {
		slices.SortFunc(rows, func(a, b feedRow) int {
			return cmp.Or(cmp.Compare(a.Seq, b.Seq), strings.Compare(a.Bucket, b.Bucket))
		})
	}
	if len(rows) > limit {
		return rows[:limit], true, nil
	}
	return rows, false, nil
}

// maxArms is the most buckets read by one statement.
const maxArms = 64

// mergedRows reads up to n rows of the buckets (sorted) in (seq, bucket)
// order from their positions, each upsert with the render store's row of
// its seq (copied into arena), if there is one. The store is keyed by seq
// and the feed is read in seq order, so the join reads it in key order.
func mergedRows(tx *dbx.Tx, buckets []string, pos map[string]int64, rejoined map[string]bool, n int, arena *[]byte) ([]feedRow, error) {
	q, params := mergedQuery(buckets, pos, rejoined, n)
	rs, err := tx.NewQuery(q).Bind(params).Rows()
	if err != nil {
		return nil, fmt.Errorf("read feed: %w", err)
	}
	defer rs.Close()
	rows := make([]feedRow, 0, min(n, 1024))
	// Buckets and collections are a handful of names over thousands of
	// rows: one string each.
	names := map[string]string{}
	intern := func(b sql.RawBytes) string {
		if s, ok := names[string(b)]; ok {
			return s
		}
		s := string(b)
		names[s] = s
		return s
	}
	var bucket, collection, change sql.RawBytes
	for rs.Next() {
		var r feedRow
		if err := rs.Scan(&bucket, &r.Seq, &collection, &r.RecordID, &r.Op, &change); err != nil {
			return nil, fmt.Errorf("read feed: %w", err)
		}
		r.Bucket, r.Collection = intern(bucket), intern(collection)
		if change != nil {
			// A row of another form is not sent: the record is rendered.
			if shape, clients, tail, ok := schema.StoredChange(appendArena(arena, change)); ok {
				r.stored = storedRender{shape: shape, clients: clients, tail: tail}
			}
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read feed: %w", err)
	}
	return rows, nil
}

// mergedQuery is mergedRows' statement.
func mergedQuery(buckets []string, pos map[string]int64, rejoined map[string]bool, n int) (string, dbx.Params) {
	var q strings.Builder
	params := dbx.Params{"n": n}
	for i, b := range buckets {
		maxOp := 1 // every row
		if pos[b] == 0 && !rejoined[b] {
			maxOp = 0 // upserts only
		}
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		k := strconv.Itoa(i)
		q.WriteString("SELECT f.bucket AS bucket, f.seq AS seq, f.collection, f.record_id, f.op, r.change" +
			" FROM sync_feed f LEFT JOIN sync_render r ON r.seq = f.seq AND f.op = 0 AND r.record_id = f.record_id AND r.collection = f.collection" +
			" WHERE f.bucket = {:b" + k + "} AND f.seq > {:p" + k + "} AND f.op <= {:op" + k + "}")
		params["b"+k], params["p"+k], params["op"+k] = b, pos[b], maxOp
	}
	q.WriteString(" ORDER BY seq, bucket LIMIT {:n}")
	return q.String(), params
}

// advance moves every bucket's position past what this page covered. When
// the feed is exhausted, all stand at the high-water mark. Otherwise every
// row below the page's last seq has been read in every bucket (the merge is
// in seq order), and rows at that seq only in buckets that emitted them.
func advance(pos map[string]int64, rows []feedRow, more bool, high int64) {
	if !more {
		for b := range pos {
			pos[b] = max(pos[b], high)
		}
		return
	}
	last := rows[len(rows)-1].Seq
	for b := range pos {
		pos[b] = max(pos[b], last-1)
	}
	for _, r := range rows {
		pos[r.Bucket] = max(pos[r.Bucket], r.Seq)
	}
}

type recordKey struct{ collection, id string }

// visibleAmong finds which records of the delete rows are still live in
// one of the person's buckets: those are not deleted from the device (they
// left one bucket of the person's for another).
func visibleAmong(tx *dbx.Tx, rows []feedRow, buckets []string) (map[recordKey]bool, error) {
	var pairs [][2]string
	for _, r := range rows {
		if r.Op == 1 {
			pairs = append(pairs, [2]string{r.Collection, r.RecordID})
		}
	}
	visible := map[recordKey]bool{}
	if len(pairs) == 0 || len(buckets) == 0 {
		return visible, nil
	}
	var live []struct {
		Collection string `db:"collection"`
		RecordID   string `db:"record_id"`
	}
	err := tx.NewQuery(`SELECT DISTINCT collection, record_id FROM sync_feed
		WHERE (collection, record_id) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each({:pairs}))
		AND op = 0 AND bucket IN (SELECT value FROM json_each({:buckets}))`).
		Bind(dbx.Params{"pairs": mustJSON(pairs), "buckets": mustJSON(buckets)}).All(&live)
	if err != nil {
		return nil, fmt.Errorf("check visibility: %w", err)
	}
	for _, l := range live {
		visible[recordKey{l.Collection, l.RecordID}] = true
	}
	return visible, nil
}

// dedupe keeps each record once, at its last row in the page (an upsert
// beats a delete at the same seq), and drops deletes of records the person
// can still see.
func dedupe(rows []feedRow, visible map[recordKey]bool) []feedRow {
	last := map[recordKey]int{}
	for i, r := range rows {
		k := recordKey{r.Collection, r.RecordID}
		if j, ok := last[k]; ok && rows[j].Seq == r.Seq && rows[j].Op == 0 {
			continue
		}
		last[k] = i
	}
	out := make([]feedRow, 0, len(last))
	for i, r := range rows {
		k := recordKey{r.Collection, r.RecordID}
		if last[k] != i || (r.Op == 1 && visible[k]) {
			continue
		}
		out = append(out, r)
	}
	return out
}
