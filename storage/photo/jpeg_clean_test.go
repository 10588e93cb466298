package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// metadataNeedles are the bytes no cleaned photo may contain.
func metadataNeedles(order byteOrder) map[string][]byte {
	return map[string][]byte{
		"EXIF header":   []byte("Exif\x00\x00"),
		"XMP namespace": []byte("http://ns.adobe.com/xap"),
		"GPS latitude":  rationals(order, gpsLat),
		"GPS longitude": rationals(order, gpsLon),
		"comment":       []byte(secretComment),
		"IPTC":          []byte("Photoshop 3.0"),
		"trailer":       []byte("MOTION-PHOTO"),
	}
}

func TestCleanJPEGOrientation6(t *testing.T) {
	t.Parallel()
	for _, order := range []byteOrder{binary.BigEndian, binary.LittleEndian} {
		t.Run(order.String(), func(t *testing.T) {
			t.Parallel()
			in := withSegments(mustJPEG(t, markerImage(40, 20)),
				exifSegment(buildTIFF(order, 6, true)),
				xmpSegment(),
				segment(0xED, []byte("Photoshop 3.0\x00 8BIM IPTC city=Utrecht")),
				segment(mCOM, []byte(secretComment)),
			)
			in = append(in, "MOTION-PHOTO trailing video"...)
			out, res := mustClean(t, in)

			forbidden(t, out, metadataNeedles(order))
			img, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("output does not decode: %v", err)
			}
			if got, want := img.Bounds().Size(), image.Pt(20, 40); got != want {
				t.Fatalf("size=%v, want %v", got, want)
			}
			// Stored top-left is displayed top-right under orientation 6.
			if c := img.At(14, 5); !near(c, red, 40) {
				t.Errorf("top-right=%v, want red", c)
			}
			if c := img.At(14, 34); !near(c, blue, 40) {
				t.Errorf("bottom-right=%v, want blue", c)
			}
			if c := img.At(5, 5); !near(c, ivory, 40) {
				t.Errorf("top-left=%v, want ivory", c)
			}
			want := Result{ContentType: JPEG, Width: 20, Height: 40, Orientation: 6, Rotated: true, GPS: true,
				RemovedBytes: res.RemovedBytes, Size: int64(len(out))}
			if res != want {
				t.Errorf("Result=%+v, want %+v", res, want)
			}
			if res.RemovedBytes < 300 {
				t.Errorf("RemovedBytes=%d, want at least the metadata", res.RemovedBytes)
			}
		})
	}
}

func TestCleanJPEGOrientation1IsLossless(t *testing.T) {
	t.Parallel()
	plain := mustJPEG(t, markerImage(40, 20))
	icc := segment(mAPP2, append([]byte("ICC_PROFILE\x00\x01\x01"), bytes.Repeat([]byte{7}, 300)...))
	jfif := segment(mAPP0, append([]byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x02\x01"), bytes.Repeat([]byte{9}, 6)...))
	in := withSegments(plain,
		jfif,
		exifSegment(buildTIFF(binary.LittleEndian, 1, true)),
		icc,
		segment(mAPP2, []byte("MPF\x00 pointers to the depth map")),
		xmpSegment(),
		segment(mCOM, []byte(secretComment)),
		segment(0xEC, []byte("Ducky quality 80")),
		segment(mAPP14, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01 and more")),
	)
	in = append(in, "MOTION-PHOTO"...)
	out, res := mustClean(t, in)

	forbidden(t, out, metadataNeedles(binary.LittleEndian))
	if !bytes.Contains(out, icc) {
		t.Error("ICC profile was not kept")
	}
	wantJFIF := segment(mAPP0, []byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00"))
	if !bytes.Contains(out, wantJFIF) {
		t.Error("JFIF was not kept without its thumbnail")
	}
	if !bytes.Contains(out, segment(mAPP14, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01"))) {
		t.Error("Adobe APP14 was not kept trimmed to 12 bytes")
	}
	_, inSOS := jpegSegments(t, in)
	markers, outSOS := jpegSegments(t, out)
	if got, want := out[outSOS:], in[inSOS:len(in)-len("MOTION-PHOTO")]; !bytes.Equal(got, want) {
		t.Errorf("image data from SOS differs: %d bytes, want %d identical", len(got), len(want))
	}
	for _, m := range markers {
		if m == mAPP1 || m == mCOM || m == 0xEC {
			t.Errorf("marker %#x kept", m)
		}
	}
	if got, want := res.RemovedBytes, int64(len(in)-len(out)); got != want {
		t.Errorf("RemovedBytes=%d, want %d", got, want)
	}
	if res.Rotated || res.Orientation != 1 || !res.GPS || res.Width != 40 || res.Height != 20 {
		t.Errorf("Result=%+v", res)
	}
}

func TestCleanJPEGWithoutMetadataIsUnchanged(t *testing.T) {
	t.Parallel()
	in := mustJPEG(t, markerImage(33, 17))
	out, res := mustClean(t, in)
	if !bytes.Equal(out, in) {
		t.Errorf("clean JPEG changed: %d bytes, want the same %d", len(out), len(in))
	}
	if got, want := res.RemovedBytes, int64(0); got != want {
		t.Errorf("RemovedBytes=%d, want %d", got, want)
	}
}

// Every orientation puts the stored top-left (red) and top-right (blue)
// blocks where the EXIF specification says they are displayed.
func TestCleanJPEGAllOrientations(t *testing.T) {
	t.Parallel()
	const w, h = 40, 24 // not whole MCUs: the decoder pads its planes
	for _, tc := range orientationCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := withSegments(mustJPEG(t, markerImage(w, h)), exifSegment(buildTIFF(binary.BigEndian, tc.o, false)))
			out, res := mustClean(t, in)
			img, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds().Size(); got != tc.size {
				t.Fatalf("size=%v, want %v", got, tc.size)
			}
			if got, want := res.Rotated, tc.o != 1; got != want {
				t.Errorf("Rotated=%v, want %v", got, want)
			}
			if c := img.At(tc.red.X, tc.red.Y); !near(c, red, 40) {
				t.Errorf("at %v: %v, want red", tc.red, c)
			}
			if c := img.At(tc.blue.X, tc.blue.Y); !near(c, blue, 40) {
				t.Errorf("at %v: %v, want blue", tc.blue, c)
			}
		})
	}
}

// orientationCases: where the centres of the red (stored 6,6) and blue
// (stored 33,6) blocks of a 40×24 markerImage are displayed. Written out
// from the EXIF 2.3 table (0th row / 0th column), not computed.
var orientationCases = []struct {
	name      string
	o         int
	size      image.Point
	red, blue image.Point
}{
	{"1 top-left", 1, image.Pt(40, 24), image.Pt(6, 6), image.Pt(33, 6)},
	{"2 top-right", 2, image.Pt(40, 24), image.Pt(33, 6), image.Pt(6, 6)},
	{"3 bottom-right", 3, image.Pt(40, 24), image.Pt(33, 17), image.Pt(6, 17)},
	{"4 bottom-left", 4, image.Pt(40, 24), image.Pt(6, 17), image.Pt(33, 17)},
	{"5 left-top", 5, image.Pt(24, 40), image.Pt(6, 6), image.Pt(6, 33)},
	{"6 right-top", 6, image.Pt(24, 40), image.Pt(17, 6), image.Pt(17, 33)},
	{"7 right-bottom", 7, image.Pt(24, 40), image.Pt(17, 33), image.Pt(17, 6)},
	{"8 left-bottom", 8, image.Pt(24, 40), image.Pt(6, 33), image.Pt(6, 6)},
}

func TestCleanJPEGGrayAndICC(t *testing.T) {
	t.Parallel()
	gray := image.NewGray(image.Rect(0, 0, 30, 10))
	for x := range 30 {
		for y := range 10 {
			gray.SetGray(x, y, color.Gray{uint8(x * 8)})
		}
	}
	icc := segment(mAPP2, append([]byte("ICC_PROFILE\x00\x01\x01"), "grey profile"...))
	in := withSegments(mustJPEG(t, gray), exifSegment(buildTIFF(binary.LittleEndian, 8, false)), icc)
	out, res := mustClean(t, in)
	if !res.Rotated {
		t.Fatal("not rotated")
	}
	if !bytes.Contains(out, icc) {
		t.Error("ICC profile not carried into the re-encoded JPEG")
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := img.Bounds().Size(), image.Pt(10, 30); got != want {
		t.Fatalf("size=%v, want %v", got, want)
	}
	// Orientation 8: the stored left column (dark) is displayed at the bottom.
	top, bottom := img.At(5, 1).(color.Gray).Y, img.At(5, 28).(color.Gray).Y
	if top < 200 || bottom > 40 {
		t.Errorf("top=%d bottom=%d, want light over dark", top, bottom)
	}
}

func TestCleanJPEGBrokenExifIsDropped(t *testing.T) {
	t.Parallel()
	tiff := buildTIFF(binary.BigEndian, 6, true)
	binary.BigEndian.PutUint32(tiff[4:], 0xFFFFFF00) // IFD0 far outside
	in := withSegments(mustJPEG(t, markerImage(40, 20)), exifSegment(tiff))
	out, res := mustClean(t, in)
	forbidden(t, out, map[string][]byte{"EXIF": []byte("Exif\x00\x00"), "GPS": rationals(binary.BigEndian, gpsLat)})
	if res.Rotated || res.Orientation != 1 {
		t.Errorf("Result=%+v, want the picture kept as stored", res)
	}
}

// EXIF after the first scan (possible in a progressive file) is removed
// but does not turn a picture already being streamed.
func TestCleanJPEGMetadataBetweenScans(t *testing.T) {
	t.Parallel()
	in := mustJPEG(t, markerImage(16, 16))
	eoi := len(in) - 2
	extra := append(exifSegment(buildTIFF(binary.BigEndian, 6, true)), segment(mCOM, []byte(secretComment))...)
	in = append(append(append([]byte{}, in[:eoi]...), extra...), 0xFF, mEOI)
	out, res := mustClean(t, in)
	forbidden(t, out, metadataNeedles(binary.BigEndian))
	if res.Rotated {
		t.Error("rotated by EXIF after the image data")
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
}
