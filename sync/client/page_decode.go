package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// A pull page is megabytes of JSON, nearly all of it records the client
// keeps as they are. encoding/json reads such a page three times: it checks
// the whole document, then decodes it, skipping over each record value
// (scanning it again) to copy it into a json.RawMessage. decodePage reads
// it once, checking every byte as it goes, and copies each record as
// encoding/json would. It takes only the plain shape the server sends;
// anything else (escapes in the head's strings, numbers that are not plain
// integers, a null record, keys in another case, invalid JSON) is handed
// to json.Unmarshal, so the result and the errors are always exactly
// encoding/json's.

// errSlowPath means: let encoding/json decode this page.
var errSlowPath = errors.New("page needs encoding/json")

// maxFastDepth bounds the nesting the fast path follows (encoding/json
// refuses past 10,000; deeper pages go to it).
const maxFastDepth = 500

// decodePage decodes a pull page into p (a zero Page).
func decodePage(data []byte, p *Page) error {
	var fast Page
	if err := decodePageFast(data, &fast); err == nil {
		*p = fast
		return nil
	}
	return json.Unmarshal(data, p)
}

// pageReader is a position in a page being decoded.
type pageReader struct {
	b []byte
	i int
}

func decodePageFast(data []byte, p *Page) error {
	r := &pageReader{b: data}
	r.space()
	if err := r.object(func(key []byte) error {
		switch string(key) {
		case "changes":
			return r.changes(p)
		case "cursor":
			return r.stringInto(&p.Cursor)
		case "history":
			return r.stringInto(&p.History)
		case "has_more":
			return r.boolInto(&p.HasMore)
		case "reset":
			return r.boolInto(&p.Reset)
		case "replay_window_seconds":
			return r.intInto(&p.ReplayWindowSeconds)
		}
		return r.unknown(key, "changes", "cursor", "history", "has_more", "reset", "replay_window_seconds")
	}); err != nil {
		return err
	}
	r.space()
	if r.i != len(r.b) {
		return errSlowPath
	}
	return nil
}

func (r *pageReader) changes(p *Page) error {
	if r.literal("null") {
		p.Changes = nil
		return nil
	}
	if r.i >= len(r.b) || r.b[r.i] != '[' {
		return errSlowPath
	}
	r.i++
	p.Changes = make([]Change, 0, bytes.Count(r.b[r.i:], []byte(`"op":`)))
	r.space()
	if r.peek(']') {
		r.i++
		return nil
	}
	for {
		var ch Change
		if err := r.change(&ch); err != nil {
			return err
		}
		p.Changes = append(p.Changes, ch)
		r.space()
		if r.i >= len(r.b) {
			return errSlowPath
		}
		switch r.b[r.i] {
		case ',':
			r.i++
			r.space()
		case ']':
			r.i++
			return nil
		default:
			return errSlowPath
		}
	}
}

func (r *pageReader) change(ch *Change) error {
	return r.object(func(key []byte) error {
		switch string(key) {
		case "collection":
			return r.stringInto(&ch.Collection)
		case "id":
			return r.stringInto(&ch.ID)
		case "op":
			return r.stringInto(&ch.Op)
		case "version":
			return r.intInto(&ch.Version)
		case "record":
			start := r.i
			if r.peek('n') {
				return errSlowPath // null into a RawMessage: encoding/json's call
			}
			if err := r.value(0); err != nil {
				return err
			}
			// A copy, as json.RawMessage makes: a kept record does not pin
			// the whole page.
			ch.Record = append(json.RawMessage(nil), r.b[start:r.i]...)
			return nil
		}
		return r.unknown(key, "collection", "id", "op", "version", "record")
	})
}

// object reads an object at r.i, calling field with r.i at each value
// (after the colon and any space); field reads the value.
func (r *pageReader) object(field func(key []byte) error) error {
	if !r.peek('{') {
		return errSlowPath
	}
	r.i++
	r.space()
	if r.peek('}') {
		r.i++
		return nil
	}
	for {
		key, ok := r.plainString()
		if !ok {
			return errSlowPath
		}
		r.space()
		if !r.peek(':') {
			return errSlowPath
		}
		r.i++
		r.space()
		if err := field(key); err != nil {
			return err
		}
		r.space()
		if r.i >= len(r.b) {
			return errSlowPath
		}
		switch r.b[r.i] {
		case ',':
			r.i++
			r.space()
		case '}':
			r.i++
			return nil
		default:
			return errSlowPath
		}
	}
}

// unknown skips the value of a key the type has no field for; a key that
// names one of known in another case is encoding/json's to match.
func (r *pageReader) unknown(key []byte, known ...string) error {
	for _, k := range known {
		if bytes.EqualFold(key, []byte(k)) {
			return errSlowPath
		}
	}
	return r.value(0)
}

// plainString reads a string without escapes, control characters or
// invalid UTF-8 (whose bytes are its value as they stand).
func (r *pageReader) plainString() ([]byte, bool) {
	if !r.peek('"') {
		return nil, false
	}
	start := r.i + 1
	ascii := true
	for j := start; j < len(r.b); j++ {
		c := r.b[j]
		switch {
		case c == '"':
			s := r.b[start:j]
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			r.i = j + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

func (r *pageReader) stringInto(dst *string) error {
	if r.literal("null") {
		return nil // null leaves the field as it is, as encoding/json does
	}
	s, ok := r.plainString()
	if !ok {
		return errSlowPath
	}
	*dst = string(s)
	return nil
}

func (r *pageReader) boolInto(dst *bool) error {
	switch {
	case r.literal("true"):
		*dst = true
	case r.literal("false"):
		*dst = false
	case r.literal("null"):
	default:
		return errSlowPath
	}
	return nil
}

// intInto reads a plain integer (no fraction or exponent) that fits.
func (r *pageReader) intInto(dst *int64) error {
	if r.literal("null") {
		return nil
	}
	start := r.i
	j := r.i
	if j < len(r.b) && r.b[j] == '-' {
		j++
	}
	digits := j
	for j < len(r.b) && r.b[j] >= '0' && r.b[j] <= '9' {
		j++
	}
	if j == digits || (r.b[digits] == '0' && j-digits > 1) {
		return errSlowPath
	}
	if j < len(r.b) && (r.b[j] == '.' || r.b[j] == 'e' || r.b[j] == 'E') {
		return errSlowPath
	}
	n, err := strconv.ParseInt(string(r.b[start:j]), 10, 64)
	if err != nil {
		return errSlowPath
	}
	*dst = n
	r.i = j
	return nil
}

// value checks and skips any JSON value at r.i.
func (r *pageReader) value(depth int) error {
	if r.i >= len(r.b) || depth > maxFastDepth {
		return errSlowPath
	}
	switch c := r.b[r.i]; {
	case c == '{':
		return r.object(func([]byte) error { return r.value(depth + 1) })
	case c == '[':
		r.i++
		r.space()
		if r.peek(']') {
			r.i++
			return nil
		}
		for {
			if err := r.value(depth + 1); err != nil {
				return err
			}
			r.space()
			if r.i >= len(r.b) {
				return errSlowPath
			}
			switch r.b[r.i] {
			case ',':
				r.i++
				r.space()
			case ']':
				r.i++
				return nil
			default:
				return errSlowPath
			}
		}
	case c == '"':
		return r.skipString()
	case c == '-' || (c >= '0' && c <= '9'):
		return r.skipNumber()
	case r.literal("true"), r.literal("false"), r.literal("null"):
		return nil
	}
	return errSlowPath
}

// skipString checks and skips a string: no control characters, only the
// escapes JSON allows. (Like encoding/json's check, it does not ask for
// valid UTF-8.)
func (r *pageReader) skipString() error {
	j := r.i + 1
	for j < len(r.b) {
		c := r.b[j]
		if c >= 0x20 && c != '"' && c != '\\' {
			j++
			continue
		}
		if c < 0x20 {
			return errSlowPath
		}
		if c == '"' {
			r.i = j + 1
			return nil
		}
		// An escape.
		if j+1 >= len(r.b) {
			return errSlowPath
		}
		switch r.b[j+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			j += 2
		case 'u':
			if j+6 > len(r.b) {
				return errSlowPath
			}
			for _, h := range r.b[j+2 : j+6] {
				if !isHex(h) {
					return errSlowPath
				}
			}
			j += 6
		default:
			return errSlowPath
		}
	}
	return errSlowPath
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// skipNumber checks and skips a number as JSON writes them.
func (r *pageReader) skipNumber() error {
	j := r.i
	if r.b[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(r.b) && r.b[j] >= '0' && r.b[j] <= '9' {
			j++
		}
		return j - k
	}
	if j < len(r.b) && r.b[j] == '0' {
		j++
	} else if digits() == 0 {
		return errSlowPath
	}
	if j < len(r.b) && r.b[j] == '.' {
		j++
		if digits() == 0 {
			return errSlowPath
		}
	}
	if j < len(r.b) && (r.b[j] == 'e' || r.b[j] == 'E') {
		j++
		if j < len(r.b) && (r.b[j] == '+' || r.b[j] == '-') {
			j++
		}
		if digits() == 0 {
			return errSlowPath
		}
	}
	r.i = j
	return nil
}

// literal reads lit if it stands at r.i.
func (r *pageReader) literal(lit string) bool {
	if bytes.HasPrefix(r.b[r.i:], []byte(lit)) {
		r.i += len(lit)
		return true
	}
	return false
}

func (r *pageReader) peek(c byte) bool { return r.i < len(r.b) && r.b[r.i] == c }

func (r *pageReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}
