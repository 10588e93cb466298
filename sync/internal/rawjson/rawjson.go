// Package rawjson reads JSON documents of a known, plain shape in one
// checked pass, keeping values as raw bytes: what encoding/json does in
// three (it checks the whole document, then decodes it, scanning each
// json.RawMessage value again to copy it). A Reader takes only plain JSON:
// strings without escapes where their value is wanted, plain integers, no
// null where a value is wanted. Anything else, invalid JSON included, is
// ErrSlowPath: the caller hands the document to encoding/json, so results
// and errors stay encoding/json's. Used by the sync client for pull pages
// and, so that the baseline decodes as the client does, by the REST
// baseline of the sync benchmarks.
package rawjson

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf8"
)

// ErrSlowPath means: let encoding/json decode this document.
var ErrSlowPath = errors.New("document needs encoding/json")

// maxDepth bounds the nesting a Reader follows (encoding/json refuses
// past 10,000; deeper documents go to it).
const maxDepth = 500

// NewReader reads data from its start.
func NewReader(data []byte) *Reader { return &Reader{b: data} }

// End checks that only white space follows the document.
func (r *Reader) End() error {
	r.Space()
	if r.i != len(r.b) {
		return ErrSlowPath
	}
	return nil
}

// Rest is what is left to read.
func (r *Reader) Rest() []byte { return r.b[r.i:] }

// Array reads an array at the position, calling elem with the position at
// each element; elem reads it.
func (r *Reader) Array(elem func() error) error {
	if !r.Peek('[') {
		return ErrSlowPath
	}
	r.i++
	r.Space()
	if r.Peek(']') {
		r.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		r.Space()
		if r.i >= len(r.b) {
			return ErrSlowPath
		}
		switch r.b[r.i] {
		case ',':
			r.i++
			r.Space()
		case ']':
			r.i++
			return nil
		default:
			return ErrSlowPath
		}
	}
}

// Value checks and skips any value at the position and returns its bytes
// (the reader's, not a copy).
func (r *Reader) Value() ([]byte, error) {
	start := r.i
	if err := r.value(0); err != nil {
		return nil, err
	}
	return r.b[start:r.i], nil
}

// Reader is a position in a document being read.
type Reader struct {
	b []byte
	i int
}

// Object reads an object at the position, calling field with the position at each value
// (after the colon and any space); field reads the value.
func (r *Reader) Object(field func(key []byte) error) error {
	if !r.Peek('{') {
		return ErrSlowPath
	}
	r.i++
	r.Space()
	if r.Peek('}') {
		r.i++
		return nil
	}
	for {
		key, ok := r.PlainString()
		if !ok {
			return ErrSlowPath
		}
		r.Space()
		if !r.Peek(':') {
			return ErrSlowPath
		}
		r.i++
		r.Space()
		if err := field(key); err != nil {
			return err
		}
		r.Space()
		if r.i >= len(r.b) {
			return ErrSlowPath
		}
		switch r.b[r.i] {
		case ',':
			r.i++
			r.Space()
		case '}':
			r.i++
			return nil
		default:
			return ErrSlowPath
		}
	}
}

// Unknown skips the value of a key the type has no field for; a key that
// names one of known in another case is encoding/json's to match.
func (r *Reader) Unknown(key []byte, known ...string) error {
	for _, k := range known {
		if bytes.EqualFold(key, []byte(k)) {
			return ErrSlowPath
		}
	}
	return r.value(0)
}

// PlainString reads a string without escapes, control characters or
// invalid UTF-8 (whose bytes are its value as they stand).
func (r *Reader) PlainString() ([]byte, bool) {
	if !r.Peek('"') {
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

// StringInto reads a plain string, or null (which leaves dst as it is).
func (r *Reader) StringInto(dst *string) error {
	if r.Literal("null") {
		return nil // null leaves the field as it is, as encoding/json does
	}
	s, ok := r.PlainString()
	if !ok {
		return ErrSlowPath
	}
	*dst = string(s)
	return nil
}

// BoolInto reads true, false, or null (which leaves dst as it is).
func (r *Reader) BoolInto(dst *bool) error {
	switch {
	case r.Literal("true"):
		*dst = true
	case r.Literal("false"):
		*dst = false
	case r.Literal("null"):
	default:
		return ErrSlowPath
	}
	return nil
}

// IntInto reads a plain integer (no fraction or exponent) that fits, or
// null (which leaves dst as it is).
func (r *Reader) IntInto(dst *int64) error {
	if r.Literal("null") {
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
		return ErrSlowPath
	}
	if j < len(r.b) && (r.b[j] == '.' || r.b[j] == 'e' || r.b[j] == 'E') {
		return ErrSlowPath
	}
	n, err := strconv.ParseInt(string(r.b[start:j]), 10, 64)
	if err != nil {
		return ErrSlowPath
	}
	*dst = n
	r.i = j
	return nil
}

// value checks and skips any JSON value at r.i.
func (r *Reader) value(depth int) error {
	if r.i >= len(r.b) || depth > maxDepth {
		return ErrSlowPath
	}
	switch c := r.b[r.i]; {
	case c == '{':
		return r.Object(func([]byte) error { return r.value(depth + 1) })
	case c == '[':
		return r.Array(func() error { return r.value(depth + 1) })
	case c == '"':
		return r.skipString()
	case c == '-' || (c >= '0' && c <= '9'):
		return r.skipNumber()
	case r.Literal("true"), r.Literal("false"), r.Literal("null"):
		return nil
	}
	return ErrSlowPath
}

// skipString checks and skips a string: no control characters, only the
// escapes JSON allows. (Like encoding/json's check, it does not ask for
// valid UTF-8.)
func (r *Reader) skipString() error {
	j := r.i + 1
	for j < len(r.b) {
		c := r.b[j]
		if c >= 0x20 && c != '"' && c != '\\' {
			j++
			continue
		}
		if c < 0x20 {
			return ErrSlowPath
		}
		if c == '"' {
			r.i = j + 1
			return nil
		}
		// An escape.
		if j+1 >= len(r.b) {
			return ErrSlowPath
		}
		switch r.b[j+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			j += 2
		case 'u':
			if j+6 > len(r.b) {
				return ErrSlowPath
			}
			for _, h := range r.b[j+2 : j+6] {
				if !isHex(h) {
					return ErrSlowPath
				}
			}
			j += 6
		default:
			return ErrSlowPath
		}
	}
	return ErrSlowPath
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// skipNumber checks and skips a number as JSON writes them.
func (r *Reader) skipNumber() error {
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
		return ErrSlowPath
	}
	if j < len(r.b) && r.b[j] == '.' {
		j++
		if digits() == 0 {
			return ErrSlowPath
		}
	}
	if j < len(r.b) && (r.b[j] == 'e' || r.b[j] == 'E') {
		j++
		if j < len(r.b) && (r.b[j] == '+' || r.b[j] == '-') {
			j++
		}
		if digits() == 0 {
			return ErrSlowPath
		}
	}
	r.i = j
	return nil
}

// Literal reads lit if it stands at the position.
func (r *Reader) Literal(lit string) bool {
	if bytes.HasPrefix(r.b[r.i:], []byte(lit)) {
		r.i += len(lit)
		return true
	}
	return false
}

// Peek reports whether c stands at the position.
func (r *Reader) Peek(c byte) bool { return r.i < len(r.b) && r.b[r.i] == c }

// Space skips white space.
func (r *Reader) Space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}
