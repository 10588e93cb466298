package client

import (
	"bytes"
	"encoding/json"

	"github.com/samenspel/samenspel/sync/internal/rawjson"
)

// A pull page is megabytes of JSON, nearly all of it records the client
// keeps as they are. encoding/json reads such a page three times: it checks
// the whole document, then decodes it, skipping over each record value
// (scanning it again) to copy it into a json.RawMessage. decodePage reads
// it once, checking every byte as it goes (package rawjson), and copies
// each record as encoding/json would. It takes only the plain shape the
// server sends; anything else (escapes in the head's strings, numbers that
// are not plain integers, a null record, keys in another case, invalid
// JSON) is handed to json.Unmarshal, so the result and the errors are
// always exactly encoding/json's.

// decodePage decodes a pull page into p (a zero Page).
func decodePage(data []byte, p *Page) error {
	var fast Page
	if err := decodePageFast(data, &fast); err == nil {
		*p = fast
		return nil
	}
	return json.Unmarshal(data, p)
}

func decodePageFast(data []byte, p *Page) error {
	r := rawjson.NewReader(data)
	r.Space()
	if err := r.Object(func(key []byte) error {
		switch string(key) {
		case "changes":
			return changes(r, p)
		case "cursor":
			return r.StringInto(&p.Cursor)
		case "history":
			return r.StringInto(&p.History)
		case "has_more":
			return r.BoolInto(&p.HasMore)
		case "reset":
			return r.BoolInto(&p.Reset)
		case "replay_window_seconds":
			return r.IntInto(&p.ReplayWindowSeconds)
		}
		return r.Unknown(key, "changes", "cursor", "history", "has_more", "reset", "replay_window_seconds")
	}); err != nil {
		return err
	}
	return r.End()
}

func changes(r *rawjson.Reader, p *Page) error {
	if r.Literal("null") {
		p.Changes = nil
		return nil
	}
	if !r.Peek('[') {
		return rawjson.ErrSlowPath
	}
	p.Changes = make([]Change, 0, bytes.Count(r.Rest(), []byte(`"op":`)))
	return r.Array(func() error {
		var ch Change
		if err := change(r, &ch); err != nil {
			return err
		}
		p.Changes = append(p.Changes, ch)
		return nil
	})
}

func change(r *rawjson.Reader, ch *Change) error {
	return r.Object(func(key []byte) error {
		switch string(key) {
		case "collection":
			return r.StringInto(&ch.Collection)
		case "id":
			return r.StringInto(&ch.ID)
		case "op":
			return r.StringInto(&ch.Op)
		case "version":
			return r.IntInto(&ch.Version)
		case "record":
			if r.Peek('n') {
				return rawjson.ErrSlowPath // null into a RawMessage: encoding/json's call
			}
			raw, err := r.Value()
			if err != nil {
				return err
			}
			// A copy, as json.RawMessage makes: a kept record does not pin
			// the whole page.
			ch.Record = append(json.RawMessage(nil), raw...)
			return nil
		}
		return r.Unknown(key, "collection", "id", "op", "version", "record")
	})
}
