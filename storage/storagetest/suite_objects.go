package storagetest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samenspel/samenspel/storage"
)

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
