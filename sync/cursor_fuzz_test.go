package sync

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/samenspel/samenspel/internal/apierr"
)

// fuzzCursorKey is the key the fuzz tests sign with. The seed corpora under
// testdata/fuzz/FuzzDecodeCursor hold cursors made with it, so the fuzzer
// starts from cursors that pass the MAC.
var fuzzCursorKey = []byte("samenspel-fuzz-cursor-key-0123456789")

const (
	fuzzPerson = "users:bega00000000001"
	fuzzDevice = "phone-1"
)

// mustRefuse fails unless err is the protocol's invalid_request with the
// cursor named in data, which is how every bad cursor must be answered.
func mustRefuse(t *testing.T, err error, what string) {
	t.Helper()
	var pe *apierr.Error
	if !errors.As(err, &pe) {
		t.Fatalf("%s: err=%v, want a protocol error", what, err)
	}
	if got, want := pe.Code, apierr.CodeInvalidRequest; got != want {
		t.Fatalf("%s: code=%s, want %s", what, got, want)
	}
	if _, ok := pe.Data["cursor"]; !ok {
		t.Fatalf("%s: data=%v, want it to name the cursor", what, pe.Data)
	}
}

// checkAccepted holds the properties of a cursor decodeCursor accepted: it
// belongs to the asking person and device, it re-encodes to a cursor that
// decodes to the same value, and nobody else may use it.
func checkAccepted(t *testing.T, c *cursor) {
	t.Helper()
	if c.Person != fuzzPerson || c.Device != fuzzDevice {
		t.Fatalf("accepted a cursor of %q/%q for %q/%q", c.Person, c.Device, fuzzPerson, fuzzDevice)
	}
	if c.V == cursorVersion {
		for b, p := range c.Pos {
			if b == "" || p < 0 {
				t.Fatalf("accepted position %q=%d", b, p)
			}
		}
		for b, d := range c.Drop {
			if b == "" || d[0] < 0 || d[1] < 0 {
				t.Fatalf("accepted drop %q=%v", b, d)
			}
		}
	}
	again, err := encodeCursor(c, fuzzCursorKey)
	if err != nil {
		t.Fatalf("re-encode %+v: %v", c, err)
	}
	c2, err := decodeCursor(again, fuzzCursorKey, nil, fuzzPerson, fuzzDevice)
	if err != nil {
		t.Fatalf("re-encoded cursor refused: %v", err)
	}
	if !reflect.DeepEqual(normal(c), normal(c2)) {
		t.Fatalf("re-encoded cursor differs:\n got %+v\nwant %+v", c2, c)
	}
	_, err = decodeCursor(again, fuzzCursorKey, nil, "users:someoneelse0001", fuzzDevice)
	mustRefuse(t, err, "another person")
	_, err = decodeCursor(again, fuzzCursorKey, nil, fuzzPerson, "phone-2")
	mustRefuse(t, err, "another device")
	_, err = decodeCursor(again, []byte("another server's key, 32 bytes.."), nil, fuzzPerson, fuzzDevice)
	mustRefuse(t, err, "another key")
}

// normal treats an empty map and no map alike: JSON drops an empty Drop
// or Rejoined
// (omitempty), and readPage treats nil and empty the same.
func normal(c *cursor) cursor {
	n := *c
	if len(n.Pos) == 0 {
		n.Pos = nil
	}
	if len(n.Drop) == 0 {
		n.Drop = nil
	}
	if len(n.Rejoined) == 0 {
		n.Rejoined = nil
	}
	return n
}

// FuzzDecodeCursor feeds decodeCursor arbitrary text twice: as a whole
// cursor (the MAC almost never fits; damage of any kind must be refused,
// never panic) and as the JSON inside a correctly signed cursor, which
// explores what a cursor this server signed could hold.
func FuzzDecodeCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCursor(string(data), fuzzCursorKey, nil, fuzzPerson, fuzzDevice)
		if err != nil {
			mustRefuse(t, err, "raw cursor")
		} else {
			checkAccepted(t, c)
		}

		body := b64.EncodeToString(data)
		signed := body + "." + b64.EncodeToString(cursorMAC(body, fuzzCursorKey))
		c, err = decodeCursor(signed, fuzzCursorKey, nil, fuzzPerson, fuzzDevice)
		if err != nil {
			mustRefuse(t, err, "signed cursor")
			return
		}
		checkAccepted(t, c)
	})
}

// FuzzCursorTamper encodes a cursor, checks it decodes to itself, then
// changes one byte of it: the result must be refused. A cursor that still
// decoded would let a device (or anyone on the wire) move its position.
func FuzzCursorTamper(f *testing.F) {
	f.Fuzz(func(t *testing.T, bucket string, pos int64, left int64, at uint16, flip byte) {
		if bucket == "" || !utf8.ValidString(bucket) || pos < 0 || left < 0 {
			return // not a cursor the server makes
		}
		c := &cursor{V: cursorVersion, Person: fuzzPerson, Device: fuzzDevice,
			Pos:  map[string]int64{bucket: pos, "*": pos / 2},
			Drop: map[string][2]int64{bucket + "-left": {pos / 3, left}}}
		s, err := encodeCursor(c, fuzzCursorKey)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		got, err := decodeCursor(s, fuzzCursorKey, nil, fuzzPerson, fuzzDevice)
		if err != nil {
			t.Fatalf("own cursor refused: %v", err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("decoded %+v, want %+v", got, c)
		}
		checkAccepted(t, got)

		if flip == 0 {
			flip = 1
		}
		b := []byte(s)
		i := int(at) % len(b)
		b[i] ^= flip
		_, err = decodeCursor(string(b), fuzzCursorKey, nil, fuzzPerson, fuzzDevice)
		if err == nil {
			t.Fatalf("cursor with byte %d of %d changed (%q -> %q) accepted", i, len(b), s[i], b[i])
		}
		mustRefuse(t, err, "tampered cursor")
	})
}
