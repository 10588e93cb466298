package sync

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	gosync "sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

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

// renderPage writes the page as the protocol's JSON into buf: each
// upsert's record as the render store keeps it, where it has it for this
// person, or else rendered from the record by SQLite (loadRecords). With
// touched set, each record's clients are counted there. It returns the
// cursor and has_more it wrote.
func (s *Service) renderPage(tx *dbx.Tx, dev *Device, p *page, key []byte, buf *bytes.Buffer, touched *accesslog.Touches, arena *[]byte) (PageEnd, error) {
	usable := storeUse{dev: dev, app: s.app, shapes: map[string]int64{}}
	ids := map[string][]string{}     // to render
	parents := map[string][]string{} // stored, whose clients are read from a parent row
	for i, r := range p.rows {
		if r.Op != 0 {
			continue
		}
		ok, err := usable.of(r)
		if err != nil {
			return PageEnd{}, err
		}
		p.rows[i].stored.sendable = ok
		switch {
		case !ok:
			ids[r.Collection] = append(ids[r.Collection], r.RecordID)
		case touched != nil && schema.ClientsFromParent(r.Collection):
			parents[r.Collection] = append(parents[r.Collection], r.RecordID)
		}
	}
	records := make(map[recordKey]renderedRecord, len(ids))
	for collection, list := range ids {
		if err := s.loadRecords(tx, dev, collection, list, records, touched != nil, arena); err != nil {
			return PageEnd{}, err
		}
	}
	parentClients := map[recordKey][]string{}
	for collection, list := range parents {
		got, err := schema.ClientsOf(tx, collection, list)
		if err != nil {
			return PageEnd{}, err
		}
		for id, cs := range got {
			parentClients[recordKey{collection, id}] = cs
		}
	}
	p.rendered = len(records)

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
		k := recordKey{r.Collection, r.RecordID}
		stored := r.Op == 0 && r.stored.sendable
		rec, ok := records[k]
		if r.Op == 0 && !ok && !stored {
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
		if touched != nil {
			switch {
			case !stored:
				clients = schema.ParseClients(rec.clients, clients[:0])
			case schema.ClientsFromParent(r.Collection):
				clients = append(clients[:0], parentClients[k]...)
			default:
				clients = schema.ParseClients(string(r.stored.clients), clients[:0])
			}
			for _, c := range clients {
				touched.Add(c, accesslog.ActionRead, r.Collection, 1)
			}
		}
		writeChangeHead(buf, r.Collection, r.RecordID, "upsert")
		if stored {
			p.stored++
			buf.WriteByte(',')
			buf.Write(r.stored.tail)
			buf.WriteByte('}')
			continue
		}
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

// storeUse tells which of a page's upserts may be sent as the render
// store keeps them: the store has the row, of the collection's current
// shape, and nothing of the collection is hidden from the person.
type storeUse struct {
	dev    *Device
	app    core.App
	shapes map[string]int64 // by collection; 0: not for this person
}

func (u *storeUse) of(r feedRow) (bool, error) {
	if r.stored.tail == nil {
		return false, nil
	}
	shape, ok := u.shapes[r.Collection]
	if !ok {
		c, err := u.app.FindCachedCollectionByNameOrId(r.Collection)
		if err != nil {
			return false, fmt.Errorf("collection %s: %w", r.Collection, err)
		}
		if schema.StoresRender(c) && len(schema.HiddenFields(u.dev.Principal, c)) == 0 {
			if _, shape, err = schema.RenderExpr(c); err != nil {
				return false, err
			}
		}
		u.shapes[r.Collection] = shape
	}
	return shape != 0 && shape == r.stored.shape, nil
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

// appendArena copies b into the arena and returns the copy. Appending may
// move the arena: copies made before keep the old array, which still
// holds their bytes.
func appendArena(arena *[]byte, b []byte) []byte {
	start := len(*arena)
	*arena = append(*arena, b...)
	return (*arena)[start:len(*arena):len(*arena)]
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
	expr, err := schema.RecordJSON(c, schema.HiddenFields(dev.Principal, c))
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
		out[recordKey{collection, id}] = renderedRecord{version: version, json: appendArena(arena, raw), clients: clients}
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

// manages reports whether a principal holds the manage rule of the auth
// collections (sees every e-mail).
func manages(p schema.Principal) bool {
	return p.Collection == schema.Users && p.Role == schema.RoleCoordinator
}
