package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// noisyNRGBA is a w×h image of every colour and transparency.
func noisyNRGBA(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i*37 + i/7)
	}
	return img
}

var pngMetadata = [][]byte{
	chunk("tEXt", []byte("Comment\x00"+secretComment)),
	chunk("zTXt", []byte("Author\x00\x00x\x9c\x03\x00\x00\x00\x00\x01")),
	chunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmpNS)),
	chunk("tIME", []byte{0x07, 0xE9, 5, 17, 14, 3, 9}),
	chunk("prVt", []byte("private note")),
}

func TestCleanPNGRemovesMetadata(t *testing.T) {
	t.Parallel()
	src := noisyNRGBA(23, 11)
	plain := mustPNG(t, src)
	gama := chunk("gAMA", []byte{0, 0, 0xB1, 0x8F})
	phys := chunk("pHYs", []byte{0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1})
	exif := chunk("eXIf", buildTIFF(binary.BigEndian, 1, true))
	in := withChunks(plain, append([][]byte{gama, exif, phys}, pngMetadata...)...)
	// Metadata after the image data, and bytes after IEND.
	iend := len(in) - 12
	in = append(append(append([]byte{}, in[:iend]...), chunk("tEXt", []byte("GPS\x0052.37,4.89"))...), in[iend:]...)
	in = append(in, "MOTION-PHOTO"...)
	out, res := mustClean(t, in)

	forbidden(t, out, metadataNeedles(binary.BigEndian))
	for _, typ := range []string{"eXIf", "tEXt", "zTXt", "iTXt", "tIME", "prVt", "52.37"} {
		if bytes.Contains(out, []byte(typ)) {
			t.Errorf("%s kept", typ)
		}
	}
	if !bytes.Contains(out, gama) || !bytes.Contains(out, phys) {
		t.Error("gAMA or pHYs dropped")
	}
	if got, want := out, withChunks(plain, gama, phys); !bytes.Equal(got, want) {
		t.Errorf("output is not the input minus metadata: %d bytes, want %d", len(got), len(want))
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	sameImage(t, img, src)
	want := Result{ContentType: PNG, Width: 23, Height: 11, Orientation: 1, GPS: true,
		RemovedBytes: int64(len(in) - len(out)), Size: int64(len(out))}
	if res != want {
		t.Errorf("Result=%+v, want %+v", res, want)
	}
}

func TestCleanPNGAllOrientations(t *testing.T) {
	t.Parallel()
	for o := 1; o <= 8; o++ {
		for name, src := range map[string]image.Image{
			"NRGBA":    noisyNRGBA(23, 11),
			"Paletted": paletted(23, 11),
		} {
			gama := chunk("gAMA", []byte{0, 0, 0xB1, 0x8F})
			in := withChunks(mustPNG(t, src), gama, chunk("eXIf", buildTIFF(binary.LittleEndian, o, true)), pngMetadata[0])
			out, res := mustClean(t, in)
			if bytes.Contains(out, []byte("eXIf")) || bytes.Contains(out, []byte("tEXt")) {
				t.Errorf("%s %d: metadata kept", name, o)
			}
			if !bytes.Contains(out, gama) {
				t.Errorf("%s %d: gAMA dropped", name, o)
			}
			if got, want := res.Rotated, o != 1; got != want {
				t.Errorf("%s %d: Rotated=%v", name, o, got)
			}
			img, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("%s %d: %v", name, o, err)
			}
			// PNG is lossless: every pixel lands exactly where it belongs.
			sameImage(t, img, reference(src, o))
		}
	}
}

func paletted(w, h int) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{red, blue, ivory, color.Transparent})
	for i := range img.Pix {
		img.Pix[i] = byte(i % 4)
	}
	return img
}

func TestCleanPNGErrors(t *testing.T) {
	t.Parallel()
	plain := mustPNG(t, noisyNRGBA(8, 8))
	badCRC := chunk("tEXt", []byte("Comment\x00hi"))
	badCRC[len(badCRC)-1] ^= 1
	corruptIDAT := append([]byte{}, plain...)
	corruptIDAT[len(corruptIDAT)-12-5] ^= 0x40 // a data byte of the last IDAT
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"bad CRC in a dropped chunk", withChunks(plain, badCRC), ErrMalformed},
		{"bad CRC in IDAT", corruptIDAT, ErrMalformed},
		{"unknown critical chunk", withChunks(plain, chunk("QUUX", nil)), ErrUnsupported},
		{"bad chunk type", withChunks(plain, chunk("t3Xt", nil)), ErrMalformed},
		{"chunk before IHDR", append(append([]byte{}, pngSignature...), append(chunk("gAMA", []byte{0, 0, 0, 1}), plain[8:]...)...), ErrMalformed},
		{"second IHDR", withChunks(plain, plain[8:33]), ErrMalformed},
		{"IEND before IDAT", append(append([]byte{}, plain[:33]...), chunk("IEND", nil)...), ErrMalformed},
		{"length past the end", append(append([]byte{}, plain[:33]...), 0x7F, 0xFF, 0xFF, 0xFF, 'I', 'D', 'A', 'T', 1, 2, 3), ErrMalformed},
		{"length over 2^31", append(append([]byte{}, plain[:33]...), 0x80, 0, 0, 0, 'I', 'D', 'A', 'T'), ErrMalformed},
		{"bad IHDR", append(append([]byte{}, pngSignature...), append(chunk("IHDR", make([]byte, 13)), plain[33:]...)...), ErrMalformed},
		{"IHDR of 12 bytes", append(append([]byte{}, pngSignature...), chunk("IHDR", make([]byte, 12))...), ErrMalformed},
		{"too many pixels", withIHDR(plain, 10000, 10000), ErrTooLarge},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		if _, err := Clean(&out, bytes.NewReader(tc.in)); !errors.Is(err, tc.want) {
			t.Errorf("%s: err=%v, want %v", tc.name, err, tc.want)
		}
	}
	// Every prefix of a valid PNG is an error.
	full := withChunks(plain, pngMetadata...)
	for i := range full {
		var out bytes.Buffer
		if _, err := Clean(&out, bytes.NewReader(full[:i])); err == nil {
			t.Fatalf("prefix of %d bytes: no error", i)
		}
	}
}

// withIHDR replaces a PNG's size, with a valid CRC.
func withIHDR(p []byte, w, h uint32) []byte {
	data := append([]byte{}, p[16:29]...)
	binary.BigEndian.PutUint32(data, w)
	binary.BigEndian.PutUint32(data[4:], h)
	return append(append(append([]byte{}, pngSignature...), chunk("IHDR", data)...), p[33:]...)
}

// Straightening a huge 16-bit interlaced PNG would take over 1 GiB: it is
// refused from its header, before anything is decoded.
func TestCleanPNGDecodeBudget(t *testing.T) {
	t.Parallel()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, 8000)
	binary.BigEndian.PutUint32(ihdr[4:], 8000)
	ihdr[8], ihdr[9], ihdr[12] = 16, 6, 1 // RGBA, 16 bits, interlaced
	in := append(append([]byte{}, pngSignature...), chunk("IHDR", ihdr)...)
	in = append(in, chunk("eXIf", buildTIFF(binary.BigEndian, 6, false))...)
	in = append(in, chunk("IDAT", []byte("not even zlib"))...)
	in = append(in, chunk("IEND", nil)...)
	var out bytes.Buffer
	if _, err := Clean(&out, bytes.NewReader(in)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err=%v, want ErrTooLarge", err)
	}
	// The same picture upright is streamed: it needs no memory.
	in = bytes.Replace(in, chunk("eXIf", buildTIFF(binary.BigEndian, 6, false)), nil, 1)
	if _, err := Clean(&out, bytes.NewReader(in)); err != nil {
		t.Errorf("upright: %v", err)
	}
}
