package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samenspel/samenspel/storage"
)

func testPresignRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	data := RandomBytes(64 << 10)
	sum := sha256.Sum256(data)
	start := time.Now()
	put, err := s.PresignPut(ctx, "media/p 1/é.jpg", storage.PutPolicy{
		Expires: 10 * time.Minute, MaxSize: 20 << 20, Size: int64(len(data)),
		ContentType: "image/jpeg", SHA256: hex.EncodeToString(sum[:]),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := put.Method, http.MethodPut; got != want {
		t.Errorf("method=%q, want %q", got, want)
	}
	if got, want := put.Headers["Content-Type"], "image/jpeg"; got != want {
		t.Errorf("Content-Type header=%q, want %q", got, want)
	}
	if lo, hi := start.Add(10*time.Minute-time.Second), time.Now().Add(10*time.Minute); put.ExpiresAt.Before(lo) || put.ExpiresAt.After(hi) {
		t.Errorf("expires at %v, want between %v and %v", put.ExpiresAt, lo, hi)
	}
	if status, body := Do(t, put, data); status != http.StatusOK {
		t.Fatalf("presigned PUT: %d %s", status, body)
	}
	info, err := s.Stat(ctx, "media/p 1/é.jpg")
	if err != nil {
		t.Fatalf("Stat after presigned PUT: %v", err)
	}
	if got, want := info.Size, int64(len(data)); got != want {
		t.Errorf("size=%d, want %d", got, want)
	}
	if got, want := info.ContentType, "image/jpeg"; got != want {
		t.Errorf("content type=%q, want %q", got, want)
	}

	get, err := s.PresignGet(ctx, "media/p 1/é.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := get.Method, http.MethodGet; got != want {
		t.Errorf("method=%q, want %q", got, want)
	}
	resp := DoResponse(t, get, nil)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Fatalf("presigned GET: %d %s", got, body)
	}
	if !bytes.Equal(body, data) {
		t.Errorf("presigned GET returned %d bytes, not the %d uploaded", len(body), len(data))
	}
	if got, want := resp.Header.Get("Content-Type"), "image/jpeg"; got != want {
		t.Errorf("presigned GET Content-Type=%q, want %q", got, want)
	}

	// A presigned GET of a missing object is made, and answers 404.
	missing, err := s.PresignGet(ctx, "media/none.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := Do(t, missing, nil); status != http.StatusNotFound {
		t.Errorf("presigned GET of a missing object: %d %s, want 404", status, body)
	}
}

// testPresignUnbound: a policy with only an expiry accepts any body.
func testPresignUnbound(t *testing.T, s storage.Store) {
	put, err := s.PresignPut(context.Background(), "free", storage.PutPolicy{Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	put.Headers["Content-Type"] = "image/png" // the phone's choice
	if status, body := Do(t, put, []byte("anything")); status != http.StatusOK {
		t.Fatalf("presigned PUT: %d %s", status, body)
	}
	if got, want := string(MustRead(t, s, "free")), "anything"; got != want {
		t.Errorf("read %q, want %q", got, want)
	}
}

func testPresignPolicyChecked(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.PresignPut(ctx, "k", storage.PutPolicy{Expires: time.Minute, MaxSize: 10, Size: 11})
	if !errors.Is(err, storage.ErrTooLarge) {
		t.Errorf("Size over MaxSize: err=%v, want ErrTooLarge", err)
	}
	for name, p := range map[string]storage.PutPolicy{
		"no expiry":       {},
		"under a second":  {Expires: time.Second / 2},
		"over a week":     {Expires: storage.MaxExpires + time.Second},
		"negative size":   {Expires: time.Minute, Size: -1},
		"short sha256":    {Expires: time.Minute, SHA256: "abcd"},
		"uppercase hex":   {Expires: time.Minute, SHA256: strings.Repeat("AB", 32)},
		"negative max":    {Expires: time.Minute, MaxSize: -1},
		"not hex sha256 ": {Expires: time.Minute, SHA256: strings.Repeat("zz", 32)},
	} {
		if _, err := s.PresignPut(ctx, "k", p); err == nil {
			t.Errorf("PresignPut with %s: no error", name)
		}
	}
	if _, err := s.PresignGet(ctx, "k", 0); err == nil {
		t.Errorf("PresignGet without expiry: no error")
	}
}

func testPresignExpired(t *testing.T, s storage.Store) {
	ctx := context.Background()
	MustPut(t, s, "old", []byte("original"), "image/jpeg")
	put, err := s.PresignPut(ctx, "old", storage.PutPolicy{Expires: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	get, err := s.PresignGet(ctx, "old", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(put.ExpiresAt) + 1500*time.Millisecond)
	if status, body := Do(t, put, []byte("replaced")); !Refused(status) {
		t.Errorf("expired PUT: %d %s, want refused", status, body)
	}
	if status, body := Do(t, get, nil); !Refused(status) {
		t.Errorf("expired GET: %d %s, want refused", status, body)
	}
	if got, want := string(MustRead(t, s, "old")), "original"; got != want {
		t.Errorf("after expired PUT the object is %q, want %q", got, want)
	}
}

// testPresignTampered changes one character in the middle of each query
// parameter in turn: whichever carries the signature or ticket, and
// whatever else it signs, no change may be accepted.
func testPresignTampered(t *testing.T, s storage.Store) {
	ctx := context.Background()
	MustPut(t, s, "secret.jpg", []byte("private photo"), "image/jpeg")
	put, err := s.PresignPut(ctx, "new.jpg", storage.PutPolicy{Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	get, err := s.PresignGet(ctx, "secret.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []storage.Request{put, get} {
		u, err := url.Parse(r.URL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if len(q) == 0 {
			t.Fatalf("%s URL %s has no query to carry a signature", r.Method, r.URL)
		}
		for name := range q {
			tampered := r
			tq := u.Query()
			tq.Set(name, flipMiddle(q.Get(name)))
			tu := *u
			tu.RawQuery = tq.Encode()
			tampered.URL = tu.String()
			var forged []byte
			if r.Method == http.MethodPut {
				forged = []byte("forged")
			}
			status, body := Do(t, tampered, forged)
			if !Refused(status) {
				t.Errorf("%s with %s tampered: %d %s, want refused", r.Method, name, status, body)
			}
			if r.Method == http.MethodGet && bytes.Contains(body, []byte("private photo")) {
				t.Errorf("GET with %s tampered returned the object", name)
			}
		}
	}
	if _, err := s.Stat(ctx, "new.jpg"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("after tampered PUTs: Stat err=%v, want ErrNotFound", err)
	}
}

// flipMiddle changes the character in the middle of v to another one of
// the same kind (digit, letter), so the value still parses but differs.
func flipMiddle(v string) string {
	if v == "" {
		return "x"
	}
	b := []byte(v)
	i := len(b) / 2
	switch c := b[i]; {
	case c >= '0' && c <= '8', c >= 'a' && c <= 'y', c >= 'A' && c <= 'Y':
		b[i]++
	case c == '9', c == 'z', c == 'Z':
		b[i]--
	default:
		b[i] = 'A'
	}
	return string(b)
}

// testPresignOtherKey puts one key's signature on another key's URL.
func testPresignOtherKey(t *testing.T, s storage.Store) {
	ctx := context.Background()
	MustPut(t, s, "team1/photo.jpg", []byte("team 1 photo"), "image/jpeg")
	MustPut(t, s, "team2/photo.jpg", []byte("team 2 photo"), "image/jpeg")
	for _, method := range []string{http.MethodPut, http.MethodGet} {
		presign := func(key string) storage.Request {
			var r storage.Request
			var err error
			if method == http.MethodPut {
				r, err = s.PresignPut(ctx, key, storage.PutPolicy{Expires: time.Minute})
			} else {
				r, err = s.PresignGet(ctx, key, time.Minute)
			}
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		mine, theirs := presign("team1/photo.jpg"), presign("team2/photo.jpg")
		mu, err := url.Parse(mine.URL)
		if err != nil {
			t.Fatal(err)
		}
		tu, err := url.Parse(theirs.URL)
		if err != nil {
			t.Fatal(err)
		}
		tu.RawQuery = mu.RawQuery
		forged := mine
		forged.URL = tu.String()
		status, body := Do(t, forged, []byte("overwritten"))
		if !Refused(status) {
			t.Errorf("%s with another key's signature: %d %s, want refused", method, status, body)
		}
		if bytes.Contains(body, []byte("team 2 photo")) {
			t.Errorf("GET with another key's signature returned the object")
		}
	}
	if got, want := string(MustRead(t, s, "team2/photo.jpg")), "team 2 photo"; got != want {
		t.Errorf("other key's object is %q, want %q", got, want)
	}
}

// testPresignOtherMethod uses a GET URL to upload and a PUT URL to
// download.
func testPresignOtherMethod(t *testing.T, s storage.Store) {
	ctx := context.Background()
	MustPut(t, s, "photo.jpg", []byte("original"), "image/jpeg")
	get, err := s.PresignGet(ctx, "photo.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	put, err := s.PresignPut(ctx, "photo.jpg", storage.PutPolicy{Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	get.Method = http.MethodPut
	if status, body := Do(t, get, []byte("replaced")); !Refused(status) {
		t.Errorf("PUT with a GET URL: %d %s, want refused", status, body)
	}
	put.Method = http.MethodGet
	status, body := Do(t, put, nil)
	if !Refused(status) {
		t.Errorf("GET with a PUT URL: %d %s, want refused", status, body)
	}
	if bytes.Contains(body, []byte("original")) {
		t.Errorf("GET with a PUT URL returned the object")
	}
	if got, want := string(MustRead(t, s, "photo.jpg")), "original"; got != want {
		t.Errorf("object is %q, want %q", got, want)
	}
}

// testPresignPolicyBreaches sends bodies that break a bound policy: every
// store refuses them before anything is stored.
func testPresignPolicyBreaches(t *testing.T, s storage.Store) {
	ctx := context.Background()
	data := RandomBytes(2000)
	sum := sha256.Sum256(data)
	policy := storage.PutPolicy{Expires: time.Minute, MaxSize: 2000, Size: 2000, ContentType: "image/jpeg", SHA256: hex.EncodeToString(sum[:])}
	other := bytes.Clone(data)
	other[1000] ^= 1
	for _, tt := range []struct {
		name        string
		body        []byte
		contentType string
	}{
		{"one byte over", append(bytes.Clone(data), 'x'), "image/jpeg"},
		{"far over", bytes.Repeat(data, 10), "image/jpeg"},
		{"one byte short", data[:1999], "image/jpeg"},
		{"other content type", data, "text/html"},
		{"other bytes", other, "image/jpeg"},
	} {
		key := "breach/" + strings.ReplaceAll(tt.name, " ", "-")
		put, err := s.PresignPut(ctx, key, policy)
		if err != nil {
			t.Fatal(err)
		}
		put.Headers["Content-Type"] = tt.contentType
		if status, body := Do(t, put, tt.body); !Refused(status) {
			t.Errorf("%s: %d %s, want refused", tt.name, status, body)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s: Stat err=%v, want ErrNotFound: nothing kept", tt.name, err)
		}
	}
}
