package invite

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/samenspel/samenspel/internal/secret"
)

// macLen is how many bytes of the HMAC a code carries: 128 bits cannot be
// guessed, and the code stays short enough for a small QR code.
const macLen = 16

var macEncoding = base64.RawURLEncoding.Strict()

// sign returns the code of invite id for client.
func (s *Service) sign(id, client string) (string, error) {
	mac, err := s.mac(id, client)
	if err != nil {
		return "", err
	}
	return id + "." + macEncoding.EncodeToString(mac), nil
}

// mac is the truncated HMAC-SHA256 of an invite id and its client under
// the invite key. The client is in it so that a code names the person it
// was made for, whatever later happens to the record.
func (s *Service) mac(id, client string) ([]byte, error) {
	key, err := s.keys.Key(secret.External("invite"))
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("samenspel/invite/v1\x00" + id + "\x00" + client))
	return m.Sum(nil)[:macLen], nil
}

// parseCode splits a code into the invite id and its MAC; ok is false for
// anything that is not the shape sign makes.
func parseCode(code string) (id string, mac []byte, ok bool) {
	id, enc, found := strings.Cut(code, ".")
	if !found || !validID(id) || len(enc) != macEncoding.EncodedLen(macLen) {
		return "", nil, false
	}
	mac, err := macEncoding.DecodeString(enc)
	if err != nil || len(mac) != macLen {
		return "", nil, false
	}
	return id, mac, true
}

// verify reports whether mac is the MAC of invite id for client.
func (s *Service) verify(id, client string, mac []byte) (bool, error) {
	want, err := s.mac(id, client)
	if err != nil {
		return false, err
	}
	return hmac.Equal(mac, want), nil
}

// validID: PocketBase's record ids, 15 characters of a-z and 0-9.
func validID(id string) bool {
	if len(id) != 15 {
		return false
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
