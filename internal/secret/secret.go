// Package secret holds the server secret (in sync_state) and derives
// purpose-bound keys from it: a key for one purpose (cursor MACs, device
// tokens, upload tickets, invite codes) can never pass for another. The
// secret can be rotated; the one it replaced is kept so that what was
// signed just before can be recognised as old rather than forged.
package secret

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// secretsTTL is how long a Keys trusts the secrets it read: a rotation
// by another process (the rotate-keys command next to a running server)
// takes effect within it, at the cost of one small read per interval.
const secretsTTL = time.Second

// secrets are the server secret in sync_state and the one it replaced at
// the last rotation (nil before the first).
type secrets struct {
	current, previous []byte
	read              time.Time
}

// Keys derives keys from the server secret of one app. It is safe for
// concurrent use.
type Keys struct {
	app     core.App
	secrets atomic.Pointer[secrets]
	reading sync.Mutex // held by the one caller reading sync_state
}

// New returns the keys of app, whose migrations must have run before the
// first key is asked for.
func New(app core.App) *Keys { return &Keys{app: app} }

// loadSecrets returns the server secrets, read again when older than
// secretsTTL. Every pull and push asks for a key, so the read must never
// queue them: it goes to the read pool (never behind the one write
// connection and a long push), and while one caller reads, the others go
// on with the secrets read last instead of waiting for it (in the load
// benchmark, one such read held up for 0.2 s by SQLite's page cache lock
// held up every request behind it).
func (s *Keys) loadSecrets() (secrets, error) {
	known := s.secrets.Load()
	if known != nil && time.Since(known.read) < secretsTTL {
		return *known, nil
	}
	if known != nil && !s.reading.TryLock() {
		return *known, nil // another caller is reading them again
	}
	if known == nil {
		s.reading.Lock()
	}
	defer s.reading.Unlock()
	if known := s.secrets.Load(); known != nil && time.Since(known.read) < secretsTTL {
		return *known, nil
	}
	var cur, prev []byte
	err := s.app.ConcurrentDB().NewQuery("SELECT secret, previous_secret FROM sync_state WHERE id = 1").Row(&cur, &prev)
	if err != nil {
		return secrets{}, fmt.Errorf("load server secret: %w", err)
	}
	if len(cur) < 32 {
		return secrets{}, fmt.Errorf("load server secret: too short (%d bytes)", len(cur))
	}
	fresh := &secrets{current: cur, previous: prev, read: time.Now()}
	s.secrets.Store(fresh)
	return *fresh, nil
}

// Key derives the key for a purpose from the server secret.
func (s *Keys) Key(purpose string) ([]byte, error) {
	sec, err := s.loadSecrets()
	if err != nil {
		return nil, err
	}
	return deriveKey(sec.current, purpose), nil
}

// Previous is Key under the secret before the last rotation, or nil. Only
// cursors are checked with it (to start over instead of failing);
// everything else signed with it is simply no longer valid.
func (s *Keys) Previous(purpose string) ([]byte, error) {
	sec, err := s.loadSecrets()
	if err != nil || len(sec.previous) == 0 {
		return nil, err
	}
	return deriveKey(sec.previous, purpose), nil
}

func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("samenspel/" + purpose))
	return m.Sum(nil)
}

// Rotate replaces the server secret with a fresh random one and
// keeps the replaced one as the previous secret (dropping the one before).
// Device tokens and upload and photo links signed with the old secret stop
// working: apps register again with their PocketBase login. Cursors made
// with it make their device start over (reset) instead of failing. Running
// servers pick the new secret up within secretsTTL.
func Rotate(app core.App) error {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return err
	}
	res, err := app.DB().NewQuery("UPDATE sync_state SET previous_secret = secret, secret = {:s} WHERE id = 1").
		Bind(dbx.Params{"s": fresh}).Execute()
	if err != nil {
		return fmt.Errorf("rotate server secret: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("rotate server secret: %w", sql.ErrNoRows)
	}
	return nil
}

// External names a purpose outside the sync protocol's own (invite codes,
// storage tickets): the "ext/" prefix keeps such keys apart from the
// protocol's, and equal to the keys of earlier releases.
func External(purpose string) string { return "ext/" + purpose }
