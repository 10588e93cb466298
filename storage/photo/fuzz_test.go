package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"go/build"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// FuzzClean feeds Clean arbitrary bytes. Seeds are in
// testdata/fuzz/FuzzClean (small JPEGs and PNGs with metadata, upright and
// rotated) and the standard library's small test JPEGs; run it with
//
//	go test -run '^$' -fuzz FuzzClean -fuzztime 5m ./storage/photo
//
// Whatever the input: no panic and no endless loop; errors are one of the
// package's three; and whatever Clean writes is clean (no metadata
// segment or chunk), stable (cleaning it again changes nothing), and
// decodes to the size reported. A streamed JPEG or PNG decodes to exactly
// the pixels its input decoded to (Clean does not check image data it
// copies, so an input that does not decode gives an output that does not
// either); a re-encoded one always decodes.
func FuzzClean(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9})
	f.Add(append([]byte{}, pngSignature...))
	f.Add(withSegments(mustJPEG(f, markerImage(8, 8)), exifSegment(buildTIFF(binary.LittleEndian, 5, true))))
	// Small JPEGs from other encoders: progressive, restart markers, every
	// subsampling.
	files, _ := filepath.Glob(filepath.Join(build.Default.GOROOT, "src", "image", "testdata", "video-00[15]*q50*.jpeg"))
	for i, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(withSegments(b, exifSegment(buildTIFF(binary.BigEndian, 1+i%8, i%2 == 0))))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		res, err := Clean(&out, bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		cleaned := out.Bytes()
		onlyRenderingData(t, res.ContentType, cleaned)

		var again bytes.Buffer
		res2, err := Clean(&again, bytes.NewReader(cleaned))
		if err != nil {
			t.Fatalf("cleaning the output: %v", err)
		}
		if !bytes.Equal(again.Bytes(), cleaned) || res2.RemovedBytes != 0 || res2.Rotated {
			t.Fatalf("cleaning the output changed it: %+v", res2)
		}

		cfg, _, err := image.DecodeConfig(bytes.NewReader(cleaned))
		if err != nil {
			t.Fatalf("output config: %v", err)
		}
		if cfg.Width != res.Width || cfg.Height != res.Height {
			t.Fatalf("output is %dx%d, Result says %dx%d", cfg.Width, cfg.Height, res.Width, res.Height)
		}
		got, _, gotErr := image.Decode(bytes.NewReader(cleaned))
		if res.Rotated {
			if gotErr != nil {
				t.Fatalf("re-encoded output does not decode: %v", gotErr)
			}
			return
		}
		want, _, wantErr := image.Decode(bytes.NewReader(in))
		if wantErr != nil {
			return
		}
		if gotErr != nil {
			t.Fatalf("input decodes, output does not: %v", gotErr)
		}
		sameImage(t, got, want)
	})
}

// onlyRenderingData fails unless a cleaned file holds only what the
// package keeps: for a JPEG, no APPn but JFIF, ICC and Adobe, and no COM,
// before the image data; for a PNG, only the kept chunk types.
func onlyRenderingData(t *testing.T, contentType string, b []byte) {
	t.Helper()
	if contentType == PNG {
		for i := len(pngSignature); i+8 <= len(b); {
			n := int(binary.BigEndian.Uint32(b[i:]))
			typ := string(b[i+4 : i+8])
			if typ != "IHDR" && typ != "IDAT" && typ != "IEND" && !keepPNG(typ) {
				t.Fatalf("chunk %q in output", typ)
			}
			i += 12 + n
		}
		return
	}
	for i := 2; i+4 <= len(b) && b[i+1] != mSOS; {
		m, p := b[i+1], b[i+4:i+2+int(b[i+2])<<8+int(b[i+3])]
		switch {
		case m == mAPP0 && bytes.HasPrefix(p, jfifHeader) && len(p) <= 14,
			m == mAPP2 && bytes.HasPrefix(p, iccHeader),
			m == mAPP14 && len(p) == 12:
		case mAPP0 <= m && m <= mAPP15 || m == mCOM:
			t.Fatalf("segment %#x in output", m)
		}
		i += 2 + len(p) + 2
	}
}
