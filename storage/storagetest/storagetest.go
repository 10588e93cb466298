package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samenspel/samenspel/storage"
)

// Run is the conformance suite every storage.Store must pass, after
// Litestream's RunWithReplicaClient: one set of tests, run against the
// local store and against a real S3 server, so that code above the
// interface cannot tell them apart.
//
// newStore must return an empty store of its own for each call (a fresh
// directory, or a random bucket or key prefix), usable until the test ends.
// The subtests run in parallel. Presigned requests are performed with plain
// net/http, as a phone would; stores whose presigned URLs point at an HTTP
// handler must have it served by the time newStore returns.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"EmptyObject", testEmptyObject},
		{"LargeObject", testLargeObject},
		{"Missing", testMissing},
		{"PutWrongSize", testPutWrongSize},
		{"InvalidKeys", testInvalidKeys},
		{"List", testList},
		{"ListStops", testListStops},
		{"PresignRoundTrip", testPresignRoundTrip},
		{"PresignUnbound", testPresignUnbound},
		{"PresignPolicyChecked", testPresignPolicyChecked},
		{"PresignExpired", testPresignExpired},
		{"PresignTampered", testPresignTampered},
		{"PresignOtherKey", testPresignOtherKey},
		{"PresignOtherMethod", testPresignOtherMethod},
		{"PresignPolicyBreaches", testPresignPolicyBreaches},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

func testRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	data := RandomBytes(1000)
	before := time.Now().Add(-time.Minute) // clocks of server and test may differ a little
	MustPut(t, s, "media/a/photo.jpg", data, "image/jpeg")

	info, err := s.Stat(ctx, "media/a/photo.jpg")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if got, want := info.Key, "media/a/photo.jpg"; got != want {
		t.Errorf("Stat key=%q, want %q", got, want)
	}
	if got, want := info.Size, int64(len(data)); got != want {
		t.Errorf("Stat size=%d, want %d", got, want)
	}
	if got, want := info.ContentType, "image/jpeg"; got != want {
		t.Errorf("Stat content type=%q, want %q", got, want)
	}
	if info.ModTime.Before(before) || info.ModTime.After(time.Now().Add(time.Minute)) {
		t.Errorf("Stat mod time=%v, want about now", info.ModTime)
	}

	if got, want := MustRead(t, s, "media/a/photo.jpg"), data; !bytes.Equal(got, want) {
		t.Errorf("Open read %d bytes, want the %d put", len(got), len(want))
	}
	rc, oinfo, err := s.Open(ctx, "media/a/photo.jpg")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	rc.Close()
	if got, want := oinfo.Size, info.Size; got != want {
		t.Errorf("Open size=%d, want %d", got, want)
	}
	if got, want := oinfo.ContentType, info.ContentType; got != want {
		t.Errorf("Open content type=%q, want %q", got, want)
	}

	if err := s.Delete(ctx, "media/a/photo.jpg"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Stat(ctx, "media/a/photo.jpg"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat after Delete: err=%v, want ErrNotFound", err)
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	MustPut(t, s, "k", []byte("first version, longer"), "image/png")
	MustPut(t, s, "k", []byte("second"), "image/jpeg")
	if got, want := string(MustRead(t, s, "k")), "second"; got != want {
		t.Errorf("read %q, want %q", got, want)
	}
	info, err := s.Stat(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.ContentType, "image/jpeg"; got != want {
		t.Errorf("content type=%q, want %q", got, want)
	}
}

func testEmptyObject(t *testing.T, s storage.Store) {
	MustPut(t, s, "empty", nil, "")
	info, err := s.Stat(context.Background(), "empty")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Size, int64(0); got != want {
		t.Errorf("size=%d, want %d", got, want)
	}
	if got, want := info.ContentType, "application/octet-stream"; got != want {
		t.Errorf("content type=%q, want the default %q", got, want)
	}
	if got := MustRead(t, s, "empty"); len(got) != 0 {
		t.Errorf("read %d bytes, want 0", len(got))
	}
}

// testLargeObject puts more than one copy buffer and more than minio's
// streaming-signature chunk, read from a reader that is not a byte slice.
func testLargeObject(t *testing.T, s storage.Store) {
	data := RandomBytes(5<<20 + 123)
	err := s.Put(context.Background(), "big.jpg", io.MultiReader(bytes.NewReader(data[:1<<20]), bytes.NewReader(data[1<<20:])), int64(len(data)), "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	if got := MustRead(t, s, "big.jpg"); !bytes.Equal(got, data) {
		t.Errorf("read %d bytes, not the %d put", len(got), len(data))
	}
}

func testMissing(t *testing.T, s storage.Store) {
	ctx := context.Background()
	if _, err := s.Stat(ctx, "no/such/key"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat: err=%v, want ErrNotFound", err)
	}
	if rc, _, err := s.Open(ctx, "no/such/key"); !errors.Is(err, storage.ErrNotFound) {
		if rc != nil {
			rc.Close()
		}
		t.Errorf("Open: err=%v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "no/such/key"); err != nil {
		t.Errorf("Delete of a missing key: %v, want nil", err)
	}
	MustPut(t, s, "no/such/other", []byte("x"), "")
	// A "directory" of other keys is not an object.
	if _, err := s.Stat(ctx, "no/such"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat of a key prefix: err=%v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "no/such"); err != nil {
		t.Errorf("Delete of a key prefix: %v, want nil", err)
	}
	if got := MustList(t, s, ""); !slices.Equal(got, []string{"no/such/other"}) {
		t.Errorf("List after deleting a prefix: %q, want the object below it kept", got)
	}
}

func testPutWrongSize(t *testing.T, s storage.Store) {
	ctx := context.Background()
	err := s.Put(ctx, "short", strings.NewReader("1234"), 5, "")
	if err == nil {
		t.Errorf("Put of 4 bytes announced as 5: no error")
	}
	err = s.Put(ctx, "long", strings.NewReader("123456"), 5, "")
	if !errors.Is(err, storage.ErrTooLarge) {
		t.Errorf("Put of 6 bytes announced as 5: err=%v, want ErrTooLarge", err)
	}
	err = s.Put(ctx, "zero", strings.NewReader("1"), 0, "")
	if !errors.Is(err, storage.ErrTooLarge) {
		t.Errorf("Put of 1 byte announced as 0: err=%v, want ErrTooLarge", err)
	}
	if err := s.Put(ctx, "unknown", strings.NewReader("1"), -1, ""); err == nil {
		t.Errorf("Put with unknown size: no error")
	}
	if got := MustList(t, s, ""); len(got) != 0 {
		t.Errorf("stored after failed puts: %q, want nothing", got)
	}
}

// InvalidKeys are keys every store refuses with storage.ErrInvalidKey.
var InvalidKeys = []string{"", "/abs", "trailing/", "a//b", "../up", "a/../b", "./a", ".hidden", "a/.meta", `a\b`, "a\x00b", "tab\tkey", "\xff", strings.Repeat("k", storage.MaxKeyLen+1)}

func testInvalidKeys(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for _, key := range InvalidKeys {
		if err := s.Put(ctx, key, strings.NewReader("x"), 1, ""); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put(%q): err=%v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Stat(%q): err=%v, want ErrInvalidKey", key, err)
		}
		if _, _, err := s.Open(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Open(%q): err=%v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Delete(%q): err=%v, want ErrInvalidKey", key, err)
		}
		if _, err := s.PresignPut(ctx, key, storage.PutPolicy{Expires: time.Minute}); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("PresignPut(%q): err=%v, want ErrInvalidKey", key, err)
		}
		if _, err := s.PresignGet(ctx, key, time.Minute); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("PresignGet(%q): err=%v, want ErrInvalidKey", key, err)
		}
	}
	for _, prefix := range []string{"/", "/a", "../", "a//", "a/../"} {
		err := s.List(ctx, prefix, func(storage.Info) error { return nil })
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("List(%q): err=%v, want ErrInvalidKey", prefix, err)
		}
	}
}

func testList(t *testing.T, s storage.Store) {
	keys := []string{"a/1.jpg", "a/2.jpg", "a/b/3.jpg", "ab/4.jpg", "abc", "b/5.jpg", "photo één.jpg"}
	for i, k := range keys {
		MustPut(t, s, k, bytes.Repeat([]byte{'x'}, i+1), "image/jpeg")
	}
	for _, tt := range []struct {
		prefix string
		want   []string
	}{
		{"", keys},
		{"a/", []string{"a/1.jpg", "a/2.jpg", "a/b/3.jpg"}},
		{"a", []string{"a/1.jpg", "a/2.jpg", "a/b/3.jpg", "ab/4.jpg", "abc"}},
		{"a/b", []string{"a/b/3.jpg"}},
		{"a/b/", []string{"a/b/3.jpg"}},
		{"ab", []string{"ab/4.jpg", "abc"}},
		{"b/5", []string{"b/5.jpg"}},
		{"abc", []string{"abc"}},
		{"abc/", nil},
		{"photo", []string{"photo één.jpg"}},
		{"zzz/", nil},
		{"a/.x", nil},
	} {
		if got := MustList(t, s, tt.prefix); !slices.Equal(got, tt.want) {
			t.Errorf("List(%q)=%q, want %q", tt.prefix, got, tt.want)
		}
	}
	// Sizes are right too.
	err := s.List(context.Background(), "", func(info storage.Info) error {
		i := slices.Index(keys, info.Key)
		if got, want := info.Size, int64(i+1); got != want {
			t.Errorf("List: %s size=%d, want %d", info.Key, got, want)
		}
		if info.ModTime.IsZero() {
			t.Errorf("List: %s has no mod time", info.Key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testListStops(t *testing.T, s storage.Store) {
	for i := range 5 {
		MustPut(t, s, "k/"+strconv.Itoa(i), []byte("x"), "")
	}
	stop := errors.New("stop")
	calls := 0
	err := s.List(context.Background(), "k/", func(storage.Info) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Errorf("List returned %v, want the callback's error as it was", err)
	}
	if got, want := calls, 2; got != want {
		t.Errorf("callback called %d times, want %d", got, want)
	}
}

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

// Refused reports whether an HTTP status refuses a presigned request: a
// client error. (S3 says 403 for a bad signature, 400 for a bad digest and
// versitygw 404 for an unknown access key; the local store 403, 400, 413.)
func Refused(status int) bool { return status >= 400 && status < 500 }

// Do performs a presigned request with plain net/http, as a phone would,
// sending body (nil for none), and returns the status and response body.
func Do(tb testing.TB, r storage.Request, body []byte) (int, []byte) {
	tb.Helper()
	resp := DoResponse(tb, r, body)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: reading the answer: %v", r.Method, r.URL, err)
	}
	return resp.StatusCode, b
}

// DoResponse is Do returning the response; the caller closes its body.
// Headers are sent as given, except Content-Length, which net/http sets
// from the body as every HTTP client does.
func DoResponse(tb testing.TB, r storage.Request, body []byte) *http.Response {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(r.Method, r.URL, rd)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range r.Headers {
		if !strings.EqualFold(k, "Content-Length") {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", r.Method, r.URL, err)
	}
	return resp
}

// MustPut stores data under key or fails the test.
func MustPut(tb testing.TB, s storage.Store, key string, data []byte, contentType string) {
	tb.Helper()
	if err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), contentType); err != nil {
		tb.Fatalf("Put(%q): %v", key, err)
	}
}

// MustRead returns the bytes stored under key or fails the test.
func MustRead(tb testing.TB, s storage.Store, key string) []byte {
	tb.Helper()
	rc, _, err := s.Open(context.Background(), key)
	if err != nil {
		tb.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("read %q: %v", key, err)
	}
	return b
}

// MustList returns the sorted keys under prefix or fails the test.
func MustList(tb testing.TB, s storage.Store, prefix string) []string {
	tb.Helper()
	var keys []string
	if err := s.List(context.Background(), prefix, func(info storage.Info) error {
		keys = append(keys, info.Key)
		return nil
	}); err != nil {
		tb.Fatalf("List(%q): %v", prefix, err)
	}
	slices.Sort(keys)
	return keys
}

// RandomBytes returns n random bytes.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// RandomName returns a random lowercase name, for buckets and prefixes.
func RandomName(prefix string) string { return prefix + randomHex(6) }
