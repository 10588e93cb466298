package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

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
