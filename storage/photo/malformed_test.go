package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

func TestCleanJPEGMalformed(t *testing.T) {
	t.Parallel()
	plain := mustJPEG(t, markerImage(16, 16))
	_, sos := jpegSegments(t, plain)
	head, scan := plain[:sos], plain[sos:]
	cut := func(b []byte, n int) []byte { return append([]byte{}, b[:n]...) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"SOI only", []byte{0xFF, 0xD8, 0xFF}, ErrMalformed},
		{"truncated segment", cut(withSegments(plain, xmpSegment()), 30), ErrMalformed},
		{"length past the end", cat(plain[:2], []byte{0xFF, mAPP1, 0xFF, 0xFF}, []byte("Exif\x00\x00MM")), ErrMalformed},
		{"length below 2", cat(plain[:2], []byte{0xFF, mCOM, 0x00, 0x01}, plain[2:]), ErrMalformed},
		{"second SOI", cat(plain[:2], []byte{0xFF, mSOI}, plain[2:]), ErrMalformed},
		{"SOS before SOF", cat(plain[:2], scan), ErrMalformed},
		{"EOI before any scan", cat(head, []byte{0xFF, mEOI}), ErrMalformed},
		{"no EOI", cut(plain, len(plain)-2), ErrMalformed},
		{"unknown marker", cat(plain[:2], segment(0x05, []byte("x")), plain[2:]), ErrMalformed},
		{"two SOFs", cat(head, sofOf(t, plain), scan), ErrMalformed},
		{"bad DQT", cat(plain[:2], segment(mDQT, []byte{0x00, 1, 2}), plain[2:]), ErrMalformed},
		{"bad DHT", cat(plain[:2], segment(mDHT, make([]byte, 17)), plain[2:]), ErrMalformed},
		{"bad DRI", cat(plain[:2], segment(mDRI, []byte{0, 0, 0}), plain[2:]), ErrMalformed},
		{"arithmetic coding", bytes.Replace(plain, []byte{0xFF, mSOF0}, []byte{0xFF, 0xC9}, 1), ErrUnsupported},
		{"lossless", bytes.Replace(plain, []byte{0xFF, mSOF0}, []byte{0xFF, 0xC3}, 1), ErrUnsupported},
		{"12-bit", withSOF(t, plain, func(p []byte) { p[0] = 12 }), ErrUnsupported},
		{"height from DNL", withSOF(t, plain, func(p []byte) { p[1], p[2] = 0, 0 }), ErrUnsupported},
		{"bad sampling", withSOF(t, plain, func(p []byte) { p[7] = 0x33 }), ErrUnsupported},
		{"too many pixels", withSOF(t, plain, func(p []byte) { p[1], p[2], p[3], p[4] = 0xFF, 0xFF, 0xFF, 0xFF }), ErrTooLarge},
		{"rotated, broken scan", cat(plain[:2], exifSegment(buildTIFF(binary.BigEndian, 6, false)), head[2:], scan[:20], bytes.Repeat([]byte{0xFF, 0x00}, 9), []byte{0xFF, mEOI}), ErrMalformed},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		if _, err := Clean(&out, bytes.NewReader(tc.in)); !errors.Is(err, tc.want) {
			t.Errorf("%s: err=%v, want %v", tc.name, err, tc.want)
		}
	}
	// Every prefix of a valid JPEG, upright or rotated, is an error.
	for _, o := range []int{1, 6} {
		full := withSegments(plain, exifSegment(buildTIFF(binary.BigEndian, o, true)), xmpSegment())
		for i := range full {
			var out bytes.Buffer
			if _, err := Clean(&out, bytes.NewReader(full[:i])); err == nil {
				t.Fatalf("orientation %d, prefix of %d bytes: no error", o, i)
			}
		}
	}
}

// sofOf returns a JPEG's SOF segment.
func sofOf(t *testing.T, jpg []byte) []byte {
	i := bytes.Index(jpg, []byte{0xFF, mSOF0})
	n := int(jpg[i+2])<<8 | int(jpg[i+3])
	return append([]byte{}, jpg[i:i+2+n]...)
}

// withSOF edits a copy of a JPEG's SOF payload.
func withSOF(t *testing.T, jpg []byte, edit func(p []byte)) []byte {
	out := append([]byte{}, jpg...)
	i := bytes.Index(out, []byte{0xFF, mSOF0})
	edit(out[i+4:])
	return out
}

// zeros is a reader that never ends.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestCleanStopsAtMaxSize(t *testing.T) {
	t.Parallel()
	plain := mustJPEG(t, markerImage(16, 16))
	for name, src := range map[string]io.Reader{
		"endless trailer": io.MultiReader(bytes.NewReader(plain), zeros{}),
		"endless scan":    io.MultiReader(bytes.NewReader(plain[:len(plain)-2]), zeros{}),
		"endless segment": io.MultiReader(bytes.NewReader(plain[:2]), bytes.NewReader([]byte{0xFF, 0x00}), zeros{}),
	} {
		if _, err := Clean(io.Discard, src); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err=%v, want ErrTooLarge", name, err)
		}
	}
	// Exactly MaxSize bytes is fine.
	in := io.MultiReader(bytes.NewReader(plain), io.LimitReader(zeros{}, MaxSize-int64(len(plain))))
	if res, err := Clean(io.Discard, in); err != nil || res.RemovedBytes != MaxSize-int64(len(plain)) {
		t.Errorf("MaxSize bytes: %+v, %v", res, err)
	}
}

// errWriter fails after n bytes.
type errWriter struct{ n int }

var errDisk = errors.New("disk full")

func (w *errWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errDisk
	}
	w.n -= len(p)
	return len(p), nil
}

func TestCleanReportsWriteErrors(t *testing.T) {
	t.Parallel()
	big := mustJPEG(t, noisyNRGBA(300, 300))
	for _, o := range []int{1, 6} {
		in := withSegments(big, exifSegment(buildTIFF(binary.BigEndian, o, false)))
		if _, err := Clean(&errWriter{n: 1000}, bytes.NewReader(in)); !errors.Is(err, errDisk) {
			t.Errorf("orientation %d: err=%v, want the writer's", o, err)
		}
	}
}
