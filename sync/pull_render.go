package sync

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	gosync "sync"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/schema"
)

// pageBufs keeps page buffers between pulls: a fresh pull asks for a few
// MB page after page, and fresh memory costs more to zero and fault in
// than the page costs to render.
var pageBufs = gosync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage is the largest buffer kept for reuse.
const maxPooledPage = 16 << 20

func getPageBuf() *bytes.Buffer { return pageBufs.Get().(*bytes.Buffer) }

func putPageBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooledPage {
		b.Reset()
		pageBufs.Put(b)
	}
}

// renderPage reads the records of the page's upserts and writes the page as
// the protocol's JSON into buf. Records are rendered by SQLite (see
// recordJSON). With touched set, each record's clients are read along with
// it and counted there. It returns the cursor and has_more it wrote.
func (s *Service) renderPage(tx *dbx.Tx, dev *Device, p *page, key []byte, buf *bytes.Buffer, touched *accesslog.Touches) (PageEnd, error) {
	ids := map[string][]string{}
	for _, r := range p.rows {
		if r.Op == 0 {
			ids[r.Collection] = append(ids[r.Collection], r.RecordID)
		}
	}
	records := make(map[recordKey]renderedRecord, len(p.rows))
	arena := getArena(len(p.rows) * recordSizeHint)
	defer putArena(arena)
	for collection, list := range ids {
		if err := s.loadRecords(tx, dev, collection, list, records, touched != nil, arena); err != nil {
			return PageEnd{}, err
		}
	}

	// The cursor and has_more go first: a client reading the answer as it
	// arrives can ask for the next page before the changes are in.
	cur, err := encodeCursor(p.cursor, key)
	if err != nil {
		return PageEnd{}, err
	}
	buf.Grow(256 + len(p.rows)*recordSizeHint)
	buf.WriteString(`{"cursor":`)
	buf.WriteString(strconv.Quote(cur))
	buf.WriteString(`,"has_more":`)
	buf.WriteString(strconv.FormatBool(p.hasMore))
	buf.WriteString(`,"reset":`)
	buf.WriteString(strconv.FormatBool(p.reset))
	buf.WriteString(`,"history":`)
	buf.WriteString(strconv.Quote(p.history))
	buf.WriteString(`,"replay_window_seconds":`)
	buf.WriteString(strconv.FormatInt(s.replayWindow(), 10))
	buf.WriteString(`,"changes":[`)
	n := 0
	var clients []string
	for _, r := range p.rows {
		rec, ok := records[recordKey{r.Collection, r.RecordID}]
		if r.Op == 0 && !ok {
			continue // cannot happen in one snapshot; never send a half change
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		if r.Op == 1 {
			writeChangeHead(buf, r.Collection, r.RecordID, "delete")
			buf.WriteByte('}')
			continue
		}
		if touched != nil && rec.clients != "" {
			clients = schema.ParseClients(rec.clients, clients[:0])
			for _, c := range clients {
				touched.Add(c, accesslog.ActionRead, r.Collection, 1)
			}
		}
		writeChangeHead(buf, r.Collection, r.RecordID, "upsert")
		buf.WriteString(`,"version":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), rec.version, 10))
		buf.WriteString(`,"record":`)
		buf.Write(rec.json)
		buf.WriteByte('}')
	}
	buf.WriteString("]}")
	return PageEnd{Cursor: cur, HasMore: p.hasMore}, nil
}

// recordSizeHint is the bytes a change takes on the wire, about: sizing the
// page buffer once avoids growing (and copying) it record by record.
const recordSizeHint = 700

// writeChangeHead writes {"collection":..,"id":..,"op":..  (ids and
// collection names are [a-z0-9_], so they need no escaping).
func writeChangeHead(buf *bytes.Buffer, collection, id, op string) {
	buf.WriteString(`{"collection":"`)
	buf.WriteString(collection)
	buf.WriteString(`","id":"`)
	buf.WriteString(id)
	buf.WriteString(`","op":"`)
	buf.WriteString(op)
	buf.WriteByte('"')
}

type renderedRecord struct {
	version int64
	json    []byte
	clients string // with withClients: schema.ClientsExpr's value
}

// arenas hold a page's rendered records between reading and writing them:
// copied into one buffer, rather than a fresh slice each, a fresh pull of
// 100k records leaves no 60 MB of garbage behind for the collector.
var arenas = gosync.Pool{New: func() any { return new([]byte) }}

func getArena(size int) *[]byte {
	a := arenas.Get().(*[]byte)
	if cap(*a) < size {
		*a = make([]byte, 0, size)
	}
	return a
}

func putArena(a *[]byte) {
	if cap(*a) <= maxPooledPage {
		*a = (*a)[:0]
		arenas.Put(a)
	}
}

// loadRecords renders the given records of one collection into out, and
// with withClients reads which clients each is about. The JSON is copied
// into arena (nil: a slice per record); out's records share its memory and
// must not outlive its reuse.
func (s *Service) loadRecords(tx dbx.Builder, dev *Device, collection string, ids []string, out map[recordKey]renderedRecord, withClients bool, arena *[]byte) error {
	c, err := s.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return fmt.Errorf("collection %s: %w", collection, err)
	}
	// Rendered for this person: what is hidden from them never leaves.
	expr, err := recordJSON(c, schema.HiddenFields(dev.Principal, c))
	if err != nil {
		return err
	}
	rawIDs, _ := json.Marshal(ids)
	// Driven by the id list: one primary-key lookup per id, no temporary
	// index over the list.
	clientsExpr, ok := schema.ClientsExpr(c.Name, c.Name)
	if !withClients || !ok {
		clientsExpr = "''"
	}
	q := tx.NewQuery(fmt.Sprintf("SELECT [[%s.id]], [[%s.version]], %s, COALESCE(%s, '') FROM json_each({:ids}) AS [[ids]] JOIN {{%s}} ON [[%s.id]] = [[ids.value]]",
		c.Name, c.Name, expr, clientsExpr, c.Name, c.Name)).
		Bind(dbx.Params{"ids": string(rawIDs), "me": dev.Principal.ID, "manage": manages(dev.Principal)})
	rows, err := q.Rows()
	if err != nil {
		return fmt.Errorf("read %s: %w", collection, err)
	}
	defer rows.Close()
	if arena == nil {
		arena = new([]byte)
	}
	var raw sql.RawBytes // the driver's copy, reused row by row
	for rows.Next() {
		var id string
		var version int64
		var clients string
		if err := rows.Scan(&id, &version, &raw, &clients); err != nil {
			return fmt.Errorf("scan %s: %w", collection, err)
		}
		// Appending may move the arena: records already read keep the
		// old array, which still holds their bytes.
		start := len(*arena)
		*arena = append(*arena, raw...)
		out[recordKey{collection, id}] = renderedRecord{version: version, json: (*arena)[start:len(*arena):len(*arena)], clients: clients}
	}
	return rows.Err()
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
