package storage_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samenspel/samenspel/storage"
	"github.com/samenspel/samenspel/storage/storagetest"
)

// testBucket is shared by the tests of this binary; each store gets its own
// random key prefix in it, which also tests that prefixes isolate stores.
const testBucket = "samenspel-test"

// MustS3 returns an S3 store on the shared versitygw server, in bucket
// (created if missing) under prefix.
func MustS3(tb testing.TB, bucket, prefix string) *storage.S3 {
	tb.Helper()
	endpoint, ak, sk := storagetest.StartVersityGW(tb)
	s, err := storage.NewS3(context.Background(), storage.S3Config{
		Endpoint: endpoint, Bucket: bucket, AccessKey: ak, SecretKey: sk,
		Region: "us-east-1", PathStyle: true, Prefix: prefix,
	})
	if err != nil {
		tb.Fatalf("NewS3: %v", err)
	}
	return s
}

func TestS3(t *testing.T) {
	storagetest.StartVersityGW(t) // one server for all the subtests
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return MustS3(t, testBucket, storagetest.RandomName("t/"))
	})
}

func TestS3WithoutPrefix(t *testing.T) {
	t.Parallel()
	storagetest.StartVersityGW(t)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return MustS3(t, storagetest.RandomName("b-"), "")
	})
}

func TestS3PrefixIsolates(t *testing.T) {
	t.Parallel()
	whole := MustS3(t, testBucket, "")
	prefix := storagetest.RandomName("iso-")
	a := MustS3(t, testBucket, prefix+"/a/") // slashes around a prefix are trimmed
	b := MustS3(t, testBucket, prefix+"/b")
	storagetest.MustPut(t, a, "k.jpg", []byte("in a"), "image/jpeg")
	storagetest.MustPut(t, b, "k.jpg", []byte("in b"), "image/jpeg")

	if got, want := string(storagetest.MustRead(t, a, "k.jpg")), "in a"; got != want {
		t.Errorf("a reads %q, want %q", got, want)
	}
	if got, want := string(storagetest.MustRead(t, whole, prefix+"/b/k.jpg")), "in b"; got != want {
		t.Errorf("the bucket has %q under b's prefix, want %q", got, want)
	}
	if got := storagetest.MustList(t, a, ""); len(got) != 1 || got[0] != "k.jpg" {
		t.Errorf("a lists %q, want only its own k.jpg, without the prefix", got)
	}
}

func TestS3PresignBindsHeaders(t *testing.T) {
	t.Parallel()
	s := MustS3(t, testBucket, storagetest.RandomName("t/"))
	r, err := s.PresignPut(context.Background(), "k.jpg", storage.PutPolicy{
		Expires: time.Minute, Size: 3, ContentType: "image/jpeg",
		SHA256: "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3", // "123"
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Content-Type": "image/jpeg", "Content-Length": "3", "X-Amz-Checksum-Sha256": "pmWkWSBCL51Bfkhn79xPuKBKHz//H6B+mY6G9/eieuM="}
	for k, v := range want {
		if got := r.Headers[k]; got != v {
			t.Errorf("header %s=%q, want %q", k, got, v)
		}
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Query().Get("X-Amz-SignedHeaders"), "content-length;content-type;host;x-amz-checksum-sha256"; got != want {
		t.Errorf("signed headers %q, want %q", got, want)
	}
	if status, body := storagetest.Do(t, r, []byte("123")); status != http.StatusOK {
		t.Fatalf("PUT: %d %s", status, body)
	}
}

// TestS3PresignMaxSizeUnenforced pins down the documented gap: a presigned
// PUT without Size is not bounded by MaxSize on S3.
func TestS3PresignMaxSizeUnenforced(t *testing.T) {
	t.Parallel()
	s := MustS3(t, testBucket, storagetest.RandomName("t/"))
	r, err := s.PresignPut(context.Background(), "k", storage.PutPolicy{Expires: time.Minute, MaxSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := storagetest.Do(t, r, make([]byte, 11)); status != http.StatusOK {
		t.Fatalf("PUT of 11 bytes with MaxSize 10 and no Size: %d %s; if S3 enforces this now, update PutPolicy's doc", status, body)
	}
}

func TestNewS3CreatesBucket(t *testing.T) {
	t.Parallel()
	bucket := storagetest.RandomName("new-")
	s := MustS3(t, bucket, "")
	storagetest.MustPut(t, s, "k", []byte("x"), "")
	// A second store finds the bucket there, with the object in it.
	if got, want := string(storagetest.MustRead(t, MustS3(t, bucket, ""), "k")), "x"; got != want {
		t.Errorf("read %q, want %q", got, want)
	}
}

func TestNewS3Errors(t *testing.T) {
	t.Parallel()
	endpoint, ak, sk := storagetest.StartVersityGW(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	ok := storage.S3Config{Endpoint: endpoint, Bucket: testBucket, AccessKey: ak, SecretKey: sk, PathStyle: true}
	for _, tt := range []struct {
		name string
		edit func(c *storage.S3Config)
		want string
	}{
		{"wrong secret key", func(c *storage.S3Config) { c.SecretKey = "wrong" }, "credentials refused"},
		// versitygw answers 404 to an unknown access key: BucketExists says
		// "no bucket", and MakeBucket then tells the truth.
		{"unknown access key", func(c *storage.S3Config) { c.AccessKey = "nobody" }, "credentials refused"},
		{"unreachable", func(c *storage.S3Config) { c.Endpoint = closedAddr }, "cannot reach"},
		{"TLS to a plain HTTP server", func(c *storage.S3Config) { c.TLS = true }, "cannot reach"},
		{"scheme in endpoint", func(c *storage.S3Config) { c.Endpoint = "http://" + endpoint }, "without scheme"},
		{"no bucket", func(c *storage.S3Config) { c.Bucket = "" }, "bucket are required"},
		{"invalid bucket name", func(c *storage.S3Config) { c.Bucket = "Not_A_Bucket" }, "invalid name"},
		{"invalid prefix", func(c *storage.S3Config) { c.Prefix = "a/../b" }, "prefix"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := storage.NewS3(ctx, cfg)
			if err == nil {
				t.Fatalf("NewS3 = %v, want an error", s)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), cfg.SecretKey) && cfg.SecretKey != "" {
				t.Errorf("error %q shows the secret key", err)
			}
		})
	}
}

func TestS3ContextCancelled(t *testing.T) {
	t.Parallel()
	s := MustS3(t, testBucket, storagetest.RandomName("t/"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Stat(ctx, "k"); err == nil || errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat with a cancelled context: err=%v, want a context error", err)
	}
}
