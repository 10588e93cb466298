package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The render store (table sync_render) keeps every record of a
// collection that renders the same for everyone as the JSON a pull sends
// (RecordJSON with nothing omitted), with its version and the clients it
// is about (for the access log). A row is keyed by the seq of the
// record's row in BucketAll, which every bucket row of the record shares
// after a change of its content: a pull joins its feed rows to the store
// on seq, reading it in key order, with no lookup by id and no rendering
// (issue 13; BenchmarkRenderStoreProbe measured the layouts).
//
// The store is a cache of what the records say, never the truth: a feed
// row that finds no row of its seq, or one of another shape (the
// collection's fields changed since), is rendered from the record as
// before. The write hooks keep it (hooks/feed.go): a change of content
// drops the record's row and stores it at its new seq, in the same
// transaction; a delete drops it. A record moved to another bucket
// without a change of content (a client moving team) keeps its row at its
// BucketAll seq, and its rows in the new buckets, at a newer seq, miss and
// are rendered.
//
// Not stored: auth collections (clients, users), whose e-mail shows to
// some readers and not to others. Readers from whom a collection's fields
// are hidden (HiddenFields) do not use it.

// StoresRender reports whether the records of c are kept rendered.
func StoresRender(c *core.Collection) bool {
	return IsSynced(c.Name) && !c.IsAuth()
}

// RenderExpr returns the SQL rendering of c's records for the store and
// its shape: a hash of the expression, so a row rendered before a change
// of the collection's fields is told from a current one.
func RenderExpr(c *core.Collection) (expr string, shape int64, err error) {
	expr, err = RecordJSON(c, nil)
	if err != nil {
		return "", 0, err
	}
	h := fnv.New64a()
	h.Write([]byte(expr))
	return expr, int64(h.Sum64()), nil
}

// storedClients is the clients expression kept with a record: ” where
// the clients come from a parent row (a step's goal, a photo's
// observation), which can change without a write of the record; a pull
// reads those from the records (ClientsOf).
func storedClients(collection string) string {
	if ClientsFromParent(collection) {
		return "''"
	}
	if e, ok := ClientsExpr(collection, collection); ok {
		return "COALESCE(" + e + ", '')"
	}
	return "''"
}

// ClientsFromParent reports whether the clients of a record of collection
// are read from another record (so the render store does not keep them).
func ClientsFromParent(collection string) bool {
	return collection == GoalSteps || collection == Media
}

// renderSelect selects, from the records of c, the store's columns after
// seq and collection: record_id, shape and change.
func renderSelect(c *core.Collection, expr string) string {
	return fmt.Sprintf(`[[%[1]s.id]], {:shape}, {:shape} || '|' || %[2]s || '|"version":' || [[%[1]s.version]] || ',"record":' || %[3]s`,
		c.Name, storedClients(c.Name), expr)
}

// StoredChange splits a row's change: the shape it was rendered in, the
// clients the record is about (ParseClients reads them; empty where
// ClientsFromParent) and the tail of the change as a pull sends it,
// "version":N,"record":{...}. The shape comes first so a reader can tell a
// current row without a column of its own; clients (ids, or a JSON array
// of ids) hold no '|'. ok is false for a change of another form.
func StoredChange(change []byte) (shape int64, clients, tail []byte, ok bool) {
	i := bytes.IndexByte(change, '|')
	if i <= 0 {
		return 0, nil, nil, false
	}
	j := bytes.IndexByte(change[i+1:], '|')
	if j < 0 {
		return 0, nil, nil, false
	}
	shape, ok = parseInt(change[:i])
	if !ok {
		return 0, nil, nil, false
	}
	return shape, change[i+1 : i+1+j], change[i+2+j:], true
}

// parseInt reads a decimal int64 as SQLite writes one (strconv.ParseInt
// would want a string: one allocation a record of a pull).
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int64(n), true
}

// DropRender removes a record's stored rendering: call it before the
// record's feed rows move (it finds the row by the record's BucketAll seq).
func DropRender(db dbx.Builder, collection, id string) error {
	_, err := db.NewQuery("DELETE FROM sync_render WHERE seq = (SELECT seq FROM sync_feed WHERE collection = {:c} AND record_id = {:id} AND bucket = {:all})").
		Bind(dbx.Params{"c": collection, "id": id, "all": BucketAll}).Execute()
	if err != nil {
		return fmt.Errorf("drop rendering of %s/%s: %w", collection, id, err)
	}
	return nil
}

// StoreRender renders the stored record into the store at seq, the seq
// its feed rows now carry.
func StoreRender(db dbx.Builder, c *core.Collection, id string, seq int64) error {
	q, err := storeRenderSQL(c)
	if err != nil {
		return err
	}
	if exec := executorOf(db); exec != nil {
		_, err = exec.Exec(q.positional, seq, id)
	} else {
		_, err = db.NewQuery(q.named).Bind(dbx.Params{"seq": seq, "id": id}).Execute()
	}
	if err != nil {
		return fmt.Errorf("store rendering of %s/%s: %w", c.Name, id, err)
	}
	return nil
}

// storeStatement is StoreRender's statement for one rendering, its names
// quoted and its constants written in, with ? placeholders (seq, id) and
// with dbx's.
type storeStatement struct{ positional, named string }

// storeRenders holds StoreRender's statement per rendering expression (one
// a collection and shape). Through dbx, a write paid for its rewriting of
// the whole statement (two regular expressions over a twenty-field
// rendering) as much as for running it: the statement goes to the
// transaction's executor as it is.
var storeRenders gosync.Map // expression -> storeStatement

func storeRenderSQL(c *core.Collection) (storeStatement, error) {
	expr, shape, err := RenderExpr(c)
	if err != nil {
		return storeStatement{}, err
	}
	if q, ok := storeRenders.Load(expr); ok {
		return q.(storeStatement), nil
	}
	sel := strings.ReplaceAll(renderSelect(c, expr), "{:shape}", strconv.FormatInt(shape, 10))
	named := quoteNames(fmt.Sprintf("INSERT INTO sync_render (seq, collection, record_id, shape, change) SELECT {:seq}, '%s', %s FROM {{%s}} WHERE [[%s.id]] = {:id}",
		c.Name, sel, c.Name, c.Name))
	q := storeStatement{positional: strings.NewReplacer("{:seq}", "?", "{:id}", "?").Replace(named), named: named}
	storeRenders.Store(expr, q)
	return q, nil
}

// executorOf is the database/sql side of a dbx builder (a transaction's
// *sql.Tx), or nil.
func executorOf(db dbx.Builder) dbx.Executor {
	b := db
	switch d := db.(type) {
	case *dbx.Tx:
		b = d.Builder
	case *dbx.DB:
		b = d.Builder
	}
	if e, ok := b.(interface{ Executor() dbx.Executor }); ok {
		return e.Executor()
	}
	return nil
}

// quoteNames quotes the {{table}} and [[table.column]] names of a
// statement as dbx does for SQLite, once.
var dbxNames = regexp.MustCompile(`(\{\{[\w\-\. ]+\}\}|\[\[[\w\-\. ]+\]\])`)

func quoteNames(q string) string {
	return dbxNames.ReplaceAllStringFunc(q, func(m string) string {
		parts := strings.Split(m[2:len(m)-2], ".")
		for i, p := range parts {
			parts[i] = "`" + p + "`"
		}
		return strings.Join(parts, ".")
	})
}

// FillRenders brings the store of c up to date: rows of another shape go,
// and every live record without a row is rendered. It returns how many
// rows it dropped and stored.
func FillRenders(db dbx.Builder, c *core.Collection) (dropped, stored int64, err error) {
	expr, shape, err := RenderExpr(c)
	if err != nil {
		return 0, 0, err
	}
	res, err := db.NewQuery("DELETE FROM sync_render WHERE collection = {:c} AND shape != {:shape}").Bind(dbx.Params{"c": c.Name, "shape": shape}).Execute()
	if err != nil {
		return 0, 0, fmt.Errorf("fill renderings of %s: %w", c.Name, err)
	}
	dropped, _ = res.RowsAffected()
	stored, err = renderMissing(db, c, expr, shape)
	return dropped, stored, err
}

// renderMissing renders into the store every live record of c that has no
// row at its BucketAll seq.
func renderMissing(db dbx.Builder, c *core.Collection, expr string, shape int64) (int64, error) {
	q := fmt.Sprintf(`INSERT INTO sync_render (seq, collection, record_id, shape, change)
		SELECT f.seq, {:c}, %s FROM sync_feed f JOIN {{%s}} ON [[%s.id]] = f.record_id
		WHERE f.collection = {:c} AND f.bucket = {:all} AND f.op = 0 AND NOT EXISTS (SELECT 1 FROM sync_render r WHERE r.seq = f.seq)`,
		renderSelect(c, expr), c.Name, c.Name)
	res, err := db.NewQuery(q).Bind(dbx.Params{"c": c.Name, "shape": shape, "all": BucketAll}).Execute()
	if err != nil {
		return 0, fmt.Errorf("fill renderings of %s: %w", c.Name, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// RefreshRenders brings the whole store up to date, at the server's start,
// so it follows migrations and writes made while the hooks were not bound:
// in one pass over the store, rows go that no record's BucketAll row
// points at any more (nothing deleted lingers in it) or that are of
// another shape than their collection's now; then every live record
// without a row is rendered. It returns how many rows it dropped and
// stored.
func RefreshRenders(app core.App) (dropped, stored int64, err error) {
	err = app.RunInTransaction(func(tx core.App) error {
		type current struct {
			c     *core.Collection
			expr  string
			shape int64
		}
		var all []current
		shapes := map[string]int64{}
		for _, name := range Synced {
			c, err := tx.FindCollectionByNameOrId(name)
			if err != nil {
				return fmt.Errorf("refresh renderings: %w", err)
			}
			if !StoresRender(c) {
				continue
			}
			expr, shape, err := RenderExpr(c)
			if err != nil {
				return err
			}
			all = append(all, current{c, expr, shape})
			shapes[name] = shape
		}
		raw, err := json.Marshal(shapes)
		if err != nil {
			return err
		}
		res, err := tx.DB().NewQuery(`DELETE FROM sync_render WHERE json_extract({:shapes}, '$.' || collection) IS NOT shape
			OR NOT EXISTS (SELECT 1 FROM sync_feed f WHERE f.collection = sync_render.collection AND f.record_id = sync_render.record_id
				AND f.bucket = {:all} AND f.seq = sync_render.seq AND f.op = 0)`).
			Bind(dbx.Params{"shapes": string(raw), "all": BucketAll}).Execute()
		if err != nil {
			return fmt.Errorf("refresh renderings: %w", err)
		}
		dropped, _ = res.RowsAffected()
		for _, cur := range all {
			n, err := renderMissing(tx.DB(), cur.c, cur.expr, cur.shape)
			if err != nil {
				return err
			}
			stored += n
		}
		return nil
	})
	return dropped, stored, err
}
