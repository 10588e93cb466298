package storage

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// Errors every Store returns, wrapped with context; test with errors.Is.
var (
	// ErrNotFound means the object (or, on S3, its bucket) does not exist.
	ErrNotFound = errors.New("storage: object not found")
	// ErrTooLarge means a body holds more bytes than it was announced or
	// allowed to hold. Nothing was stored.
	ErrTooLarge = errors.New("storage: object too large")
	// ErrInvalidKey means a key or list prefix breaks the rules of ValidateKey.
	ErrInvalidKey = errors.New("storage: invalid key")
)

// Limits on presigned URLs. S3 signatures (SigV4) cannot be valid for less
// than a second or more than a week; the local store keeps the same bounds
// so that code tested against one backend behaves the same on the other.
const (
	MinExpires = time.Second
	MaxExpires = 7 * 24 * time.Hour
)

// Store keeps photo bytes under string keys. Keys are opaque to the store
// beyond the rules of ValidateKey; the caller (the media endpoints) chooses
// them. Implementations are safe for concurrent use.
//
// Phones never send bytes through Store.Put: the server hands them a
// Request from PresignPut and they upload straight to the backend (S3 or the
// local store's own HTTP handler). Put, Open and friends are for the server
// itself: reading an upload back to check and clean it, writing the cleaned
// version, sweeping orphans.
type Store interface {
	// Put stores exactly size bytes from r under key, replacing any object
	// there. size must be known: S3 clients buffer bodies of unknown length
	// in memory by the hundreds of MiB. If r ends early Put fails; if r holds
	// more than size bytes Put returns ErrTooLarge. In both cases no new
	// object is stored.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error

	// Stat describes the object at key, or returns ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)

	// Open returns the object's bytes and description, or ErrNotFound. The
	// caller closes the reader.
	Open(ctx context.Context, key string) (io.ReadCloser, Info, error)

	// Delete removes the object at key. Deleting a missing key is not an
	// error: the orphan sweeper and a retried request must both succeed.
	Delete(ctx context.Context, key string) error

	// List calls fn for every object whose key starts with prefix, in no
	// particular order. Info.ContentType may be empty: S3 listings do not
	// carry it. If fn returns an error List stops and returns it unwrapped.
	List(ctx context.Context, prefix string, fn func(Info) error) error

	// PresignPut returns a request that lets its holder upload one object to
	// key, without other credentials, until p.Expires has passed. See
	// PutPolicy for what each backend enforces. It returns ErrTooLarge if
	// p.Size exceeds p.MaxSize.
	PresignPut(ctx context.Context, key string, p PutPolicy) (Request, error)

	// PresignGet returns a request that lets its holder download the object
	// at key until expires has passed. It does not check that the object
	// exists: the download answers 404 if it does not.
	PresignGet(ctx context.Context, key string, expires time.Duration) (Request, error)
}

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	ModTime     time.Time
}

// PutPolicy says what a presigned upload may send. Every field that is set
// is bound into the signature (S3) or the ticket (local store): a request
// that breaks it is refused before anything is stored, with one exception,
// MaxSize on S3, below.
//
// The media endpoints know the announced size and SHA-256 of every photo
// before they hand out an upload URL, so they set Size and SHA256 and both
// backends then refuse any other bytes. The server still checks size and
// SHA-256 when the device calls complete: that check, not the presigned
// URL, is what decides whether a photo is kept.
type PutPolicy struct {
	// Expires is how long the request stays valid, MinExpires to MaxExpires,
	// in whole seconds (S3 signs seconds).
	Expires time.Duration

	// MaxSize caps the body in bytes when Size is not given. The local
	// store enforces it while streaming (413 payload_too_large). S3 cannot:
	// a presigned PUT binds an exact Content-Length or none at all (only
	// POST policies carry a content-length-range), so on S3 an upload
	// without Size is bounded only by the check on complete.
	MaxSize int64

	// Size, if positive, is the exact body length: S3 signs Content-Length,
	// the local store checks it. An upload of any other length is refused.
	Size int64

	// ContentType, if set, is the exact Content-Type the upload must send.
	ContentType string

	// SHA256, if set, is the lowercase hex SHA-256 of the body. S3 signs it
	// as x-amz-checksum-sha256 and verifies the body against it (400
	// BadDigest); the local store hashes while streaming (400
	// invalid_request). A body that does not match is not stored.
	SHA256 string
}

// Request is a presigned HTTP request for a phone to perform as it is:
// Method on URL, sending every header in Headers with exactly that value.
// Headers may list Content-Length, because S3 signs it; HTTP clients set it
// from the body, and it must equal the body's length.
type Request struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// checkPolicy validates p for key; both backends share it so that they
// refuse the same policies.
func checkPolicy(key string, p PutPolicy) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := checkExpires(p.Expires); err != nil {
		return err
	}
	if p.MaxSize < 0 || p.Size < 0 {
		return fmt.Errorf("presign put %s: negative size", key)
	}
	if p.MaxSize > 0 && p.Size > p.MaxSize {
		return fmt.Errorf("presign put %s: size %d over maximum %d: %w", key, p.Size, p.MaxSize, ErrTooLarge)
	}
	if p.SHA256 != "" {
		if b, err := hex.DecodeString(p.SHA256); err != nil || len(b) != 32 || hex.EncodeToString(b) != p.SHA256 {
			return fmt.Errorf("presign put %s: sha256 %q is not 64 lowercase hex digits", key, p.SHA256)
		}
	}
	return nil
}

func checkExpires(d time.Duration) error {
	if d < MinExpires || d > MaxExpires {
		return fmt.Errorf("presign: expiry %v outside %v to %v", d, MinExpires, MaxExpires)
	}
	return nil
}

// expiresAt is the moment a request signed now for d stops working, rounded
// down to the second as both backends sign it.
func expiresAt(now time.Time, d time.Duration) time.Time {
	return now.Truncate(time.Second).Add(d.Truncate(time.Second)).UTC()
}

// exactReader yields exactly n bytes from r. When r runs out early it
// fails with io.ErrUnexpectedEOF; when r holds more it fails with
// ErrTooLarge instead of returning the last bytes, so that a consumer that
// stops after n bytes (an S3 client sending Content-Length n) still aborts
// rather than store a truncated object. The flags say which happened, as
// the consumer may wrap or replace the error.
type exactReader struct {
	r        io.Reader
	left     int64
	short    bool
	tooLarge bool
	done     error
}

func newExactReader(r io.Reader, n int64) *exactReader { return &exactReader{r: r, left: n} }

func (e *exactReader) Read(p []byte) (int, error) {
	if e.done != nil {
		return 0, e.done
	}
	var n int
	if e.left > 0 {
		if int64(len(p)) > e.left {
			p = p[:e.left]
		}
		var err error
		n, err = e.r.Read(p)
		e.left -= int64(n)
		if e.left > 0 {
			if err == io.EOF {
				e.short, e.done = true, io.ErrUnexpectedEOF
				return n, e.done
			}
			return n, err
		}
	}
	// Every byte is delivered: make sure nothing follows before saying EOF.
	var one [1]byte
	for {
		m, err := e.r.Read(one[:])
		switch {
		case m > 0:
			e.tooLarge, e.done = true, ErrTooLarge
			return 0, e.done
		case err == io.EOF:
			e.done = io.EOF
			return n, io.EOF
		case err != nil:
			e.done = err
			return n, err
		}
	}
}

// err is the size error the reader found, or nil.
func (e *exactReader) err() error {
	switch {
	case e.tooLarge:
		return ErrTooLarge
	case e.short:
		return io.ErrUnexpectedEOF
	}
	return nil
}

// ctxReader stops reading once ctx is done, so a cancelled request does not
// keep copying a large body.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
