package servertest

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// RenderStoreMismatches compares the render store (schema/render_store.go)
// with the records: every live record of a stored collection has exactly
// one row, at the seq of its BucketAll feed row, of the collection's
// current shape, whose version, clients and JSON are what rendering the
// record now gives; and there is no other row. It returns what differs,
// sorted (nil: the store is right).
func RenderStoreMismatches(app core.App) ([]string, error) {
	type row struct {
		Seq        int64  `db:"seq"`
		Collection string `db:"collection"`
		RecordID   string `db:"record_id"`
		Shape      int64  `db:"shape"`
		Change     string `db:"change"`
	}
	var stored []row
	if err := app.DB().NewQuery("SELECT seq, collection, record_id, shape, change FROM sync_render").All(&stored); err != nil {
		return nil, err
	}
	bySeq := map[int64]row{}
	for _, r := range stored {
		bySeq[r.Seq] = r
	}
	var out []string
	for _, name := range schema.Synced {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return nil, err
		}
		if !schema.StoresRender(c) {
			continue
		}
		expr, shape, err := schema.RenderExpr(c)
		if err != nil {
			return nil, err
		}
		clients := "''"
		if e, ok := schema.ClientsExpr(name, name); ok && !schema.ClientsFromParent(name) {
			clients = "COALESCE(" + e + ", '')"
		}
		var live []struct {
			Seq      int64  `db:"seq"`
			RecordID string `db:"record_id"`
			Version  int64  `db:"version"`
			Clients  string `db:"clients"`
			JSON     string `db:"json"`
		}
		err = app.DB().NewQuery(fmt.Sprintf(`SELECT f.seq AS seq, [[%[1]s.id]] AS record_id, [[%[1]s.version]] AS version, %[2]s AS clients, %[3]s AS json
			FROM {{%[1]s}} JOIN sync_feed f ON f.collection = {:c} AND f.record_id = [[%[1]s.id]] AND f.bucket = {:all} AND f.op = 0`, name, clients, expr)).
			Bind(dbx.Params{"c": name, "all": schema.BucketAll}).All(&live)
		if err != nil {
			return nil, err
		}
		for _, l := range live {
			got, ok := bySeq[l.Seq]
			delete(bySeq, l.Seq)
			want := row{Seq: l.Seq, Collection: name, RecordID: l.RecordID, Shape: shape,
				Change: fmt.Sprintf(`%d|%s|"version":%d,"record":%s`, shape, l.Clients, l.Version, l.JSON)}
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s/%s: no row at seq %d", name, l.RecordID, l.Seq))
			case got != want:
				out = append(out, fmt.Sprintf("%s/%s: stored %+v, rendered now %+v", name, l.RecordID, got, want))
			}
		}
	}
	for _, r := range bySeq {
		out = append(out, fmt.Sprintf("%s/%s: stale row at seq %d", r.Collection, r.RecordID, r.Seq))
	}
	slices.Sort(out)
	return out, nil
}
