package sync

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/samenspel/samenspel/internal/apierr"
)

// cursorVersion is bumped when the cursor layout changes; an older cursor
// then makes the device start over (reset) instead of failing. Version 2
// added the feed's epoch and rejoined buckets.
const cursorVersion = 2

// cursor is where a device stands in the change feed, per bucket of the
// scope it last synced. Pos maps a bucket to the highest seq the device has
// received from it. Drop holds buckets the person has since left, with
// [progress, position-at-leaving]: their records are being deleted from
// the device page by page. Rejoined holds buckets at position 0 that the
// person joined again before their drop ended: the device may still hold
// some of their records, so they are read from the start with their
// deletes (a bucket at position 0 otherwise skips deletes). Epoch is the
// feed's history id the positions belong to (sync_state.epoch).
//
// On the wire a cursor is opaque: base64url(JSON) "." base64url(MAC). The
// MAC binds it to this server; Person and Device bind it to one device.
type cursor struct {
	V        int                 `json:"v"`
	Epoch    string              `json:"e"`
	Person   string              `json:"p"`
	Device   string              `json:"d"`
	Pos      map[string]int64    `json:"b"`
	Drop     map[string][2]int64 `json:"x,omitempty"`
	Rejoined map[string]bool     `json:"r,omitempty"`
}

// b64 decodes strictly: without Strict, the unused low bits of the last
// character are ignored, so a MAC could be spelled several ways and a
// changed cursor would still be accepted.
var b64 = base64.RawURLEncoding.Strict()

const cursorMACSize = 16

func encodeCursor(c *cursor, key []byte) (string, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	body := b64.EncodeToString(raw)
	return body + "." + b64.EncodeToString(cursorMAC(body, key)), nil
}

func cursorMAC(body string, key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(body))
	return m.Sum(nil)[:cursorMACSize]
}

// rotatedCursor is the V a cursor decodes with when its MAC was made
// with the previous server key (before `sync rotate-keys`): no layout we
// issue, so the caller starts over as for an old layout.
const rotatedCursor = 0

// decodeCursor parses and authenticates a cursor. Any damage, a MAC made
// with another key, or a cursor of another person or device is
// invalid_request. A cursor of an unknown layout version, or one MAC'd
// with previous (the key before the last rotation; nil if none), decodes
// with V set so the caller can reset.
func decodeCursor(s string, key, previous []byte, person, device string) (*cursor, error) {
	bad := func(why string) error {
		return apierr.Errorf(apierr.CodeInvalidRequest, "The cursor is not valid: %s. Pull again without a cursor.", why).
			WithData(map[string]any{"cursor": why})
	}
	body, mac, ok := strings.Cut(s, ".")
	if !ok || len(s) > 64<<10 {
		return nil, bad("malformed")
	}
	gotMAC, err := b64.DecodeString(mac)
	if err != nil {
		return nil, bad("not issued by this server")
	}
	rotated := false
	if !hmac.Equal(gotMAC, cursorMAC(body, key)) {
		if previous == nil || !hmac.Equal(gotMAC, cursorMAC(body, previous)) {
			return nil, bad("not issued by this server")
		}
		rotated = true
	}
	raw, err := b64.DecodeString(body)
	if err != nil {
		return nil, bad("malformed")
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, bad("malformed")
	}
	if c.Person != person || c.Device != device {
		return nil, bad("issued to another person or device")
	}
	if rotated {
		c.V = rotatedCursor
	}
	if c.V != cursorVersion {
		return &c, nil
	}
	for b, p := range c.Pos {
		if b == "" || p < 0 {
			return nil, bad("malformed")
		}
	}
	for b, d := range c.Drop {
		if b == "" || d[0] < 0 || d[1] < 0 {
			return nil, bad("malformed")
		}
	}
	return &c, nil
}
