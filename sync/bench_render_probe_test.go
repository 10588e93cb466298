package sync_test

// BenchmarkRenderStoreProbe measures, before building it, what keeping
// each record's rendered JSON in a side table (written with the feed)
// would buy a fresh pull and cost a write (issue 13, item 5): the read side
// of a pull as it is, records rendered by SQLite's json_object by id
// (render-sql), against reading the same JSON from such a table by id
// (render-store), page by page in feed order as a coordinator's fresh pull
// reads them. Filling the table from the records gives the cost of
// rendering and storing one record, which every write would pay, and the
// table's size. Only the read of the records is measured: the feed
// scan, page writing, HTTP and the client are the same either way.
//
//	go test ./sync/ -run '^$' -bench RenderStoreProbe -benchtime 3x -count 2
//
// Result (2026-12-04, 2 shared cores, load average 9 to 17): reading the
// stored JSON took 1.23 s of CPU for the 100k records against 0.97 s
// rendering them (0.79x: slower, not faster); filling the table took
// 94 µs of CPU a record and grew the database from 95 to 165 MB. The
// per-record seek by id, which both do, is what costs; json_object is a
// small part of a pull (about 0.13 s of 1.3 s in the profile), and a
// table of 600-byte rows keyed by text packs worse than the records'
// own. So the side table was not built.
//
// render-table-order (2026-12-05, quiet machine): the same records
// rendered by json_object in one scan of each table, with no lookup by
// id, as a fresh pull read in table order (a snapshot, then the feed from
// its seq) would read them: 0.39 s against 0.52 s by id in feed order
// (1.33x wall, 1.27x CPU), as fast as the plain scan with encoding/json
// (0.39 s). That ordering alone would take the in-process pull from about
// 0.80 s to 0.67 s, 0.58x of the scan: not the 0.8x of issue 13, since
// reading the feed and building the page come on top of a render that
// already costs what the whole scan does. Not built.

// feed-store-seq (2026-12-05, quiet machine): the layout that was built
// (schema/render_store.go). The rendered JSON keyed by the seq of the
// record's last change, which all of its bucket rows carry, read by
// joining the coordinator's feed to it page by page: 0.25 s for feed and
// records together, against 0.08 s for the feed alone plus 0.54 s
// rendering by id (render-sql), and 0.49 s for the plain scan
// (sqlite-scan-json). Filling it took 1.8 s of CPU for the 100k records
// and grew the database by 58 MB. Keyed by (collection, record_id), as
// render-store, the same JSON was slower than rendering; keyed by seq it
// is read in key order.

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/schema"
)

func BenchmarkRenderStoreProbe(b *testing.B) {
	env := newBenchEnv(b, benchDataOf(b, 100_000))
	exprs := map[string]string{}
	for _, col := range benchListed {
		c, err := env.app.FindCollectionByNameOrId(col)
		if err != nil {
			b.Fatal(err)
		}
		if exprs[col], err = schema.RecordJSON(c, nil); err != nil {
			b.Fatal(err)
		}
	}
	params := dbx.Params{"me": "", "manage": true} // the coordinator's view
	w := env.app.NonconcurrentDB()
	size := func() int64 {
		var pages, pageSize int64
		if err := w.NewQuery("SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()").Row(&pages, &pageSize); err != nil {
			b.Fatal(err)
		}
		return pages * pageSize
	}
	before := size()
	if _, err := w.NewQuery(`CREATE TABLE probe_render (collection TEXT NOT NULL, record_id TEXT NOT NULL,
		version INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (collection, record_id)) WITHOUT ROWID`).Execute(); err != nil {
		b.Fatal(err)
	}
	cpu0, t0 := benchProcessCPU(), time.Now()
	for _, col := range benchListed {
		q := fmt.Sprintf("INSERT INTO probe_render SELECT '%s', [[%s.id]], [[%s.version]], %s FROM {{%s}}", col, col, col, exprs[col], col)
		if _, err := w.NewQuery(q).Bind(params).Execute(); err != nil {
			b.Fatal(err)
		}
	}
	fill, fillWall := benchProcessCPU()-cpu0, time.Since(t0)
	fmt.Printf("probe: rendering and storing %d records took %s CPU (%s wall), %.1f µs CPU a record; database %d MB -> %d MB\n",
		env.data.total, fill.Round(time.Millisecond), fillWall.Round(time.Millisecond),
		float64(fill.Microseconds())/float64(env.data.total), before>>20, size()>>20)

	// The coordinator's feed in pages, as a fresh pull reads it.
	r := env.app.ConcurrentDB()
	var pages []map[string][]string
	var rows []struct {
		Collection string `db:"collection"`
		RecordID   string `db:"record_id"`
	}
	if err := r.NewQuery("SELECT collection, record_id FROM sync_feed WHERE bucket = {:b} AND op = 0 ORDER BY seq").
		Bind(dbx.Params{"b": schema.BucketAll}).All(&rows); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(rows); i += benchPullLimit {
		page := map[string][]string{}
		for _, row := range rows[i:min(i+benchPullLimit, len(rows))] {
			page[row.Collection] = append(page[row.Collection], row.RecordID)
		}
		pages = append(pages, page)
	}
	// drain reads every (version, json) row of q and counts them.
	drain := func(b *testing.B, q *dbx.Query) int {
		rs, err := q.Rows()
		if err != nil {
			b.Fatal(err)
		}
		defer rs.Close()
		n := 0
		var version int64
		var js []byte
		for rs.Next() {
			if err := rs.Scan(&version, &js); err != nil {
				b.Fatal(err)
			}
			n++
		}
		return n
	}
	read := func(b *testing.B, query func(col string) string) {
		n := 0
		m := benchMeasure(b)
		for b.Loop() {
			n = 0
			for _, page := range pages {
				for col, ids := range page {
					raw, _ := json.Marshal(ids)
					p := dbx.Params{"ids": string(raw)}
					for k, v := range params {
						p[k] = v
					}
					n += drain(b, r.NewQuery(query(col)).Bind(p))
				}
			}
		}
		m.finish(n, 0)
	}
	b.Run("render-sql", func(b *testing.B) {
		read(b, func(col string) string {
			return fmt.Sprintf("SELECT [[%s.version]], %s FROM json_each({:ids}) AS [[ids]] JOIN {{%s}} ON [[%s.id]] = [[ids.value]]", col, exprs[col], col, col)
		})
	})
	b.Run("render-store", func(b *testing.B) {
		read(b, func(col string) string {
			// CROSS JOIN: driven by the id list (a plain JOIN let SQLite
			// scan the table and search the list for every row).
			return fmt.Sprintf("SELECT [[p.version]], [[p.json]] FROM json_each({:ids}) AS [[ids]] CROSS JOIN {{probe_render}} p ON [[p.collection]] = '%s' AND [[p.record_id]] = [[ids.value]]", col)
		})
	})
	// The same records rendered in table order, one scan a collection and
	// no lookups by id: what a fresh pull read in table order rather than
	// feed order (a snapshot, then the feed from its seq) would read.
	b.Run("render-table-order", func(b *testing.B) {
		n := 0
		m := benchMeasure(b)
		for b.Loop() {
			n = 0
			for _, col := range benchListed {
				n += drain(b, r.NewQuery(fmt.Sprintf("SELECT [[%s.version]], %s FROM {{%s}}", col, exprs[col], col)).Bind(params))
			}
		}
		m.finish(n, 0)
	})
	// The rendered JSON keyed by the record's feed seq: every bucket row of
	// a record carries the seq of its last change, so a pull that joins its
	// feed rows to such a table reads it in key order (one index range scan
	// of the feed, then rowid lookups in ascending order), not by id.
	if _, err := w.NewQuery(`CREATE TABLE probe_seq (seq INTEGER PRIMARY KEY, version INTEGER NOT NULL, json TEXT NOT NULL)`).Execute(); err != nil {
		b.Fatal(err)
	}
	before = size()
	cpu0, t0 = benchProcessCPU(), time.Now()
	for _, col := range benchListed {
		q := fmt.Sprintf("INSERT INTO probe_seq SELECT f.seq, [[%s.version]], %s FROM sync_feed f JOIN {{%s}} ON [[%s.id]] = f.record_id WHERE f.bucket = '*' AND f.collection = '%s' AND f.op = 0",
			col, exprs[col], col, col, col)
		if _, err := w.NewQuery(q).Bind(params).Execute(); err != nil {
			b.Fatal(err)
		}
	}
	fill, fillWall = benchProcessCPU()-cpu0, time.Since(t0)
	fmt.Printf("probe: seq-keyed store of %d records took %s CPU (%s wall); database %d MB -> %d MB\n",
		env.data.total, fill.Round(time.Millisecond), fillWall.Round(time.Millisecond), before>>20, size()>>20)
	feedPages := func(b *testing.B, q string, cols int) {
		n := 0
		m := benchMeasure(b)
		for b.Loop() {
			n = 0
			var last int64
			for {
				rs, err := r.NewQuery(q).Bind(dbx.Params{"b": schema.BucketAll, "p": last, "n": benchPullLimit}).Rows()
				if err != nil {
					b.Fatal(err)
				}
				got := 0
				dest := make([]any, cols)
				raws := make([]sql.RawBytes, cols)
				for i := range dest {
					dest[i] = &raws[i]
				}
				var seq int64
				dest[0] = &seq
				for rs.Next() {
					if err := rs.Scan(dest...); err != nil {
						b.Fatal(err)
					}
					got++
					last = seq
				}
				rs.Close()
				n += got
				if got < benchPullLimit {
					break
				}
			}
		}
		m.finish(n, 0)
	}
	b.Run("feed-only", func(b *testing.B) {
		feedPages(b, "SELECT seq, collection, record_id, op FROM sync_feed WHERE bucket = {:b} AND seq > {:p} ORDER BY seq LIMIT {:n}", 4)
	})
	b.Run("feed-store-seq", func(b *testing.B) {
		feedPages(b, "SELECT f.seq, f.collection, f.record_id, f.op, p.version, p.json FROM sync_feed f LEFT JOIN probe_seq p ON p.seq = f.seq WHERE f.bucket = {:b} AND f.seq > {:p} ORDER BY f.seq LIMIT {:n}", 6)
	})
	b.Run("sqlite-scan-json", func(b *testing.B) { benchScanJSON(b, env) })
	benchRatio(b, "records read from a render table vs rendered by json_object", b.Name()+"/render-store", b.Name()+"/render-sql", 0)
	benchRatio(b, "records rendered in table order vs by id in feed order", b.Name()+"/render-table-order", b.Name()+"/render-sql", 0)
}
