package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/samenspel/samenspel/storage"
	"github.com/samenspel/samenspel/storage/storagetest"
)

const basePath = "/api/sync/v1/blobs"

// MustLocal returns a local store in a fresh directory, with its handler
// served on a loopback HTTP server. The handler gets every path, so that
// its own check of the base path is tested too.
func MustLocal(tb testing.TB) *storage.Local {
	tb.Helper()
	return MustLocalAt(tb, tb.TempDir(), []byte(strings.Repeat("s", 32)))
}

// MustLocalAt is MustLocal with a given root and secret.
func MustLocalAt(tb testing.TB, root string, secret []byte) *storage.Local {
	tb.Helper()
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	tb.Cleanup(srv.Close)
	l, err := storage.NewLocal(storage.LocalConfig{Root: root, BaseURL: srv.URL + basePath, Secret: secret})
	if err != nil {
		tb.Fatalf("NewLocal: %v", err)
	}
	h = l.Handler()
	return l
}

func TestLocal(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return MustLocal(t) })
}

// apiError is the sync protocol's error shape.
type apiError struct {
	Status  int            `json:"status"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

// mustError decodes an error answer and checks its status and code.
func mustError(tb testing.TB, status int, body []byte, wantStatus int, wantCode string) apiError {
	tb.Helper()
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		tb.Fatalf("answer %d %q is not JSON: %v", status, body, err)
	}
	if status != wantStatus || e.Status != wantStatus || e.Code != wantCode || e.Message == "" || e.Data == nil {
		tb.Errorf("answer %d %s, want %d with status %d, code %q, a message and data", status, body, wantStatus, wantStatus, wantCode)
	}
	return e
}

func TestLocalHandlerRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := MustLocal(t)
	storagetest.MustPut(t, l, "photo.jpg", []byte("original"), "image/jpeg")
	other := MustLocalAt(t, t.TempDir(), []byte(strings.Repeat("o", 32)))

	get, err := l.PresignGet(ctx, "photo.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	put, err := l.PresignPut(ctx, "photo.jpg", storage.PutPolicy{Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	otherGet, err := other.PresignGet(ctx, "photo.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	withTicket := func(r storage.Request, ticket string) storage.Request {
		u, _ := url.Parse(r.URL)
		u.RawQuery = url.Values{"ticket": {ticket}}.Encode()
		r.URL = u.String()
		return r
	}
	ticketOf := func(r storage.Request) string {
		u, _ := url.Parse(r.URL)
		return u.Query().Get("ticket")
	}
	// A ticket with every claim right, signed with the alg "none".
	parts := strings.Split(ticketOf(get), ".")
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	// A JWT signed with the raw secret, as another part of the server
	// might sign its tokens: the store's derived key refuses it.
	rawSigned, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"key": "photo.jpg", "method": "GET", "aud": "samenspel-storage", "exp": time.Now().Add(time.Minute).Unix(),
	}).SignedString([]byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name string
		r    storage.Request
	}{
		{"no ticket", withTicket(get, "")},
		{"garbage ticket", withTicket(get, "not.a.jwt")},
		{"ticket of another store", withTicket(get, ticketOf(otherGet))},
		{"alg none", withTicket(get, noneHeader+"."+parts[1]+".")},
		{"signed with the raw secret", withTicket(get, rawSigned)},
		{"GET ticket for PUT", storage.Request{Method: http.MethodPut, URL: get.URL}},
		{"PUT ticket for GET", storage.Request{Method: http.MethodGet, URL: put.URL}},
		{"GET ticket for HEAD", storage.Request{Method: http.MethodHead, URL: get.URL}},
		{"GET ticket for DELETE", storage.Request{Method: http.MethodDelete, URL: get.URL}},
		{"ticket on another path", storage.Request{Method: http.MethodGet, URL: strings.Replace(get.URL, "photo.jpg", "photo2.jpg", 1)}},
	} {
		var body []byte
		if tt.r.Method == http.MethodPut {
			body = []byte("replaced")
		}
		status, answer := storagetest.Do(t, tt.r, body)
		if tt.r.Method == http.MethodHead {
			if status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", tt.name, status)
			}
			continue
		}
		e := mustError(t, status, answer, http.StatusForbidden, "forbidden")
		if strings.Contains(e.Message, "original") {
			t.Errorf("%s: answer shows the object", tt.name)
		}
	}
	if got, want := string(storagetest.MustRead(t, l, "photo.jpg")), "original"; got != want {
		t.Errorf("object is %q, want %q", got, want)
	}

	// Outside the base path nothing is served.
	u, _ := url.Parse(get.URL)
	u.Path = "/elsewhere/photo.jpg"
	status, answer := storagetest.Do(t, storage.Request{Method: http.MethodGet, URL: u.String()}, nil)
	mustError(t, status, answer, http.StatusNotFound, "not_found")
}

func TestLocalHandlerLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	l := MustLocalAt(t, root, []byte(strings.Repeat("s", 32)))
	data := storagetest.RandomBytes(1000)
	sum := sha256.Sum256(data)

	presign := func(p storage.PutPolicy) storage.Request {
		p.Expires = time.Minute
		r, err := l.PresignPut(ctx, "k.jpg", p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// putChunked sends the body without Content-Length, so that only the
	// streaming check can catch it.
	putChunked := func(r storage.Request, body []byte) (int, []byte) {
		req, err := http.NewRequest(r.Method, r.URL, io.MultiReader(bytes.NewReader(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", r.Headers["Content-Type"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	for _, tt := range []struct {
		name       string
		policy     storage.PutPolicy
		body       []byte
		chunked    bool
		wantStatus int
		wantCode   string
	}{
		{"over MaxSize, Content-Length", storage.PutPolicy{MaxSize: 999}, data, false, 413, "payload_too_large"},
		{"over MaxSize, chunked", storage.PutPolicy{MaxSize: 999}, data, true, 413, "payload_too_large"},
		{"over Size, chunked", storage.PutPolicy{Size: 999}, data, true, 413, "payload_too_large"},
		{"under Size, Content-Length", storage.PutPolicy{Size: 1001}, data, false, 400, "invalid_request"},
		{"under Size, chunked", storage.PutPolicy{Size: 1001}, data, true, 400, "invalid_request"},
		{"wrong SHA-256", storage.PutPolicy{SHA256: strings.Repeat("00", 32)}, data, false, 400, "invalid_request"},
		{"wrong content type", storage.PutPolicy{ContentType: "image/png"}, data, false, 403, "forbidden"},
	} {
		r := presign(tt.policy)
		r.Headers["Content-Type"] = "image/jpeg"
		var status int
		var body []byte
		if tt.chunked {
			status, body = putChunked(r, tt.body)
		} else {
			status, body = storagetest.Do(t, r, tt.body)
		}
		e := mustError(t, status, body, tt.wantStatus, tt.wantCode)
		if tt.wantStatus == 413 && e.Data["max_bytes"] != float64(999) {
			t.Errorf("%s: data %v, want max_bytes 999", tt.name, e.Data)
		}
		if _, err := l.Stat(ctx, "k.jpg"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s: Stat err=%v, want ErrNotFound", tt.name, err)
		}
	}

	// Exactly at the limits, chunked or not, with every field bound.
	full := storage.PutPolicy{MaxSize: 1000, Size: 1000, ContentType: "image/jpeg", SHA256: hex.EncodeToString(sum[:])}
	if status, body := putChunked(presign(full), data); status != http.StatusOK {
		t.Fatalf("chunked PUT at the limit: %d %s", status, body)
	}
	if status, body := storagetest.Do(t, presign(storage.PutPolicy{MaxSize: 1000}), data); status != http.StatusOK {
		t.Fatalf("PUT at MaxSize: %d %s", status, body)
	}
	if got := storagetest.MustRead(t, l, "k.jpg"); !bytes.Equal(got, data) {
		t.Errorf("stored %d bytes, not the %d sent", len(got), len(data))
	}
	assertNoTemp(t, root)
}

// assertNoTemp checks that refused and finished uploads left no
// temporary file behind in the store at root.
func assertNoTemp(tb testing.TB, root string) {
	tb.Helper()
	entries, err := os.ReadDir(filepath.Join(root, ".tmp"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		tb.Errorf("temporary file left behind: %s", e.Name())
	}
}

func TestLocalHandlerGetHeaders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := MustLocal(t)
	storagetest.MustPut(t, l, "page.html", []byte("<script>alert(1)</script>"), "text/html")
	r, err := l.PresignGet(ctx, "page.html", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp := storagetest.DoResponse(t, r, nil)
	resp.Body.Close()
	for k, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"Cache-Control":           "private",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}

	// Ranges work, so an interrupted download can resume.
	req, _ := http.NewRequest(http.MethodGet, r.URL, nil)
	req.Header.Set("Range", "bytes=8-13")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusPartialContent; got != want {
		t.Errorf("range status %d, want %d", got, want)
	}
	if got, want := string(b), "alert("; got != want {
		t.Errorf("range body %q, want %q", got, want)
	}
}

// TestLocalHandlerStreams uploads and downloads 32 MiB and checks that the
// process allocated far less: the body streams to disk and back. It does
// not run in parallel, so that no other test allocates meanwhile.
func TestLocalHandlerStreams(t *testing.T) {
	ctx := context.Background()
	l := MustLocal(t)
	const size = 32 << 20
	put, err := l.PresignPut(ctx, "big.jpg", storage.PutPolicy{Expires: time.Minute, MaxSize: size})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	req, err := http.NewRequest(http.MethodPut, put.URL, io.LimitReader(zeros{}, size))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
	get, err := l.PresignGet(ctx, "big.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp = storagetest.DoResponse(t, get, nil)
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n != size {
		t.Fatalf("GET read %d bytes, err %v; want %d", n, err, size)
	}

	runtime.ReadMemStats(&after)
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(size/4); got > limit {
		t.Errorf("a %d MiB round trip allocated %d bytes, want under %d: something holds the body in memory", size>>20, got, limit)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestLocalLayout(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	l := MustLocalAt(t, root, []byte(strings.Repeat("s", 32)))
	storagetest.MustPut(t, l, "media/team/photo.jpg", []byte("bytes"), "image/jpeg")
	// The object is an ordinary file an operator can copy.
	b, err := os.ReadFile(filepath.Join(root, "media", "team", "photo.jpg"))
	if err != nil || string(b) != "bytes" {
		t.Fatalf("file holds %q, %v; want %q", b, err, "bytes")
	}
	// A key cannot be an object and a directory at once, on disk.
	err = l.Put(context.Background(), "media/team/photo.jpg/x", strings.NewReader("x"), 1, "")
	if !errors.Is(err, storage.ErrInvalidKey) {
		t.Errorf("Put below an object: err=%v, want ErrInvalidKey", err)
	}
	err = l.Put(context.Background(), "media/team", strings.NewReader("x"), 1, "")
	if !errors.Is(err, storage.ErrInvalidKey) {
		t.Errorf("Put onto a directory: err=%v, want ErrInvalidKey", err)
	}
	// Names that only differ by a suffix do not clash, content types included.
	storagetest.MustPut(t, l, "x", []byte("x"), "image/png")
	storagetest.MustPut(t, l, "x.json/y", []byte("y"), "image/gif")
	for key, want := range map[string]string{"x": "image/png", "x.json/y": "image/gif"} {
		info, err := l.Stat(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.ContentType; got != want {
			t.Errorf("%s content type %q, want %q", key, got, want)
		}
	}
	for _, key := range []string{"x", "x.json/y"} {
		if err := l.Delete(context.Background(), key); err != nil {
			t.Fatal(err)
		}
	}
	assertNoTemp(t, root)

	// A restarted store sees the objects, and sweeps stale temporary files.
	stale := filepath.Join(root, ".tmp", "put-stale")
	fresh := filepath.Join(root, ".tmp", "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	l2 := MustLocalAt(t, root, []byte(strings.Repeat("s", 32)))
	info, err := l2.Stat(context.Background(), "media/team/photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.ContentType, "image/jpeg"; got != want {
		t.Errorf("content type after restart %q, want %q", got, want)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
	if got := storagetest.MustList(t, l2, ""); len(got) != 1 || got[0] != "media/team/photo.jpg" {
		t.Errorf("List %q, want only the object (no .tmp or .meta files)", got)
	}
}

func TestNewLocalErrors(t *testing.T) {
	t.Parallel()
	secret := []byte(strings.Repeat("s", 32))
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		cfg  storage.LocalConfig
	}{
		{"no root", storage.LocalConfig{BaseURL: "http://h/b", Secret: secret}},
		{"root is a file", storage.LocalConfig{Root: file, BaseURL: "http://h/b", Secret: secret}},
		{"short secret", storage.LocalConfig{Root: t.TempDir(), BaseURL: "http://h/b", Secret: secret[:31]}},
		{"relative base URL", storage.LocalConfig{Root: t.TempDir(), BaseURL: "/api/sync/v1/blobs", Secret: secret}},
		{"base URL with query", storage.LocalConfig{Root: t.TempDir(), BaseURL: "http://h/b?x=1", Secret: secret}},
		{"ftp base URL", storage.LocalConfig{Root: t.TempDir(), BaseURL: "ftp://h/b", Secret: secret}},
	} {
		if _, err := storage.NewLocal(tt.cfg); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

// TestLocalConcurrentPuts races uploads of one key: whichever wins, its
// bytes and its content type stay together.
func TestLocalConcurrentPuts(t *testing.T) {
	t.Parallel()
	l := MustLocal(t)
	types := []string{"image/jpeg", "image/png", "image/webp", "image/gif"}
	for round := range 20 {
		var wg sync.WaitGroup
		for _, ct := range types {
			wg.Go(func() {
				if err := l.Put(context.Background(), "k", strings.NewReader(ct), int64(len(ct)), ct); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		info, err := l.Stat(context.Background(), "k")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := info.ContentType, string(storagetest.MustRead(t, l, "k")); got != want {
			t.Fatalf("round %d: content type %q with the bytes of %q", round, got, want)
		}
	}
}
