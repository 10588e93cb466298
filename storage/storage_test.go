package storage

import (
	"bytes"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

func TestExactReader(t *testing.T) {
	for _, tt := range []struct {
		name    string
		data    string
		n       int64
		want    string
		wantErr error
	}{
		{"exact", "hello", 5, "hello", nil},
		{"empty", "", 0, "", nil},
		{"short", "hell", 5, "hell", io.ErrUnexpectedEOF},
		{"long", "hello!", 5, "", ErrTooLarge},
		{"long by far", strings.Repeat("x", 100), 5, "", ErrTooLarge},
		{"non-empty for zero", "x", 0, "", ErrTooLarge},
	} {
		for name, src := range map[string]io.Reader{
			"whole":       strings.NewReader(tt.data),
			"byte a time": iotest.OneByteReader(strings.NewReader(tt.data)),
			"data+EOF":    iotest.DataErrReader(strings.NewReader(tt.data)),
		} {
			er := newExactReader(src, tt.n)
			got, err := io.ReadAll(er)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s, %s: err=%v, want %v", tt.name, name, err, tt.wantErr)
			}
			// What the consumer saw never exceeds n bytes, and a too-large
			// body never shows its last bytes (so nothing complete is sent).
			if tt.wantErr == nil && string(got) != tt.want {
				t.Errorf("%s, %s: read %q, want %q", tt.name, name, got, tt.want)
			}
			if int64(len(got)) > tt.n || (tt.wantErr == ErrTooLarge && int64(len(got)) == tt.n && tt.n > 0) {
				t.Errorf("%s, %s: read %d bytes of %d allowed", tt.name, name, len(got), tt.n)
			}
			if got, want := er.err(), tt.wantErr; got != want {
				t.Errorf("%s, %s: er.err()=%v, want %v", tt.name, name, got, want)
			}
		}
	}
}

// TestExactReaderStopsAtN checks the case S3 uploads depend on: a consumer
// that reads exactly n bytes with io.ReadFull (as an HTTP client sending
// Content-Length n does) gets an error instead of the last bytes when
// more follow.
func TestExactReaderStopsAtN(t *testing.T) {
	buf := make([]byte, 5)
	_, err := io.ReadFull(newExactReader(bytes.NewReader([]byte("hello!")), 5), buf)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFull of 5 from 6 bytes: err=%v, want ErrTooLarge", err)
	}
	_, err = io.ReadFull(newExactReader(bytes.NewReader([]byte("hello")), 5), buf)
	if err != nil {
		t.Errorf("ReadFull of 5 from 5 bytes: %v", err)
	}
}

// TestOnlyS3ImportsMinio holds the line the style guide draws: minio-go is
// imported by storage/s3.go and nowhere else in the module, so nothing
// above this package can depend on it.
func TestOnlyS3ImportsMinio(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above the storage package: %v", err)
	}
	var importers []string
	checked := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return nil // not ours to judge here; the compiler will
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/minio/") {
				rel, _ := filepath.Rel(root, p)
				importers = append(importers, filepath.ToSlash(rel))
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked only %d Go files under %s: the walk is broken", checked, root)
	}
	if len(importers) != 1 || importers[0] != "storage/s3.go" {
		t.Errorf("files importing minio-go: %q, want only storage/s3.go", importers)
	}
}
