package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// GPS coordinates the test photos carry: 52°22'12.34"N 4°53'40.12"E.
var (
	gpsLat = [][2]uint32{{52, 1}, {22, 1}, {1234, 100}}
	gpsLon = [][2]uint32{{4, 1}, {53, 1}, {4012, 100}}
)

// rationals encodes RATIONAL values as a TIFF file stores them: the bytes
// a cleaned photo must not contain.
func rationals(order byteOrder, rs [][2]uint32) []byte {
	var b []byte
	for _, r := range rs {
		b = order.AppendUint32(b, r[0])
		b = order.AppendUint32(b, r[1])
	}
	return b
}

// byteOrder is binary.BigEndian or binary.LittleEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffEntry is one IFD entry; value is stored inline when it fits in 4
// bytes and after the IFDs otherwise.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte
}

// buildTIFF writes a TIFF structure as EXIF has it: header, IFD0 with an
// Orientation (unless orientation is 0) and, if gps, a pointer to a GPS
// IFD with latitude and longitude.
func buildTIFF(order byteOrder, orientation int, gps bool) []byte {
	var ifd0 []tiffEntry
	if orientation != 0 {
		ifd0 = append(ifd0, tiffEntry{tagOrientation, typeShort, 1, order.AppendUint16(nil, uint16(orientation))})
	}
	ifd0 = append(ifd0, tiffEntry{0x010F, 2, 6, []byte("Phone\x00")}) // Make
	var gpsIFD []tiffEntry
	if gps {
		ifd0 = append(ifd0, tiffEntry{tagGPSIFD, typeLong, 1, nil}) // offset filled in below
		gpsIFD = []tiffEntry{
			{1, 2, 2, []byte("N\x00")},
			{2, 5, 3, rationals(order, gpsLat)},
			{3, 2, 2, []byte("E\x00")},
			{4, 5, 3, rationals(order, gpsLon)},
		}
	}
	ifdSize := func(es []tiffEntry) int { return 2 + 12*len(es) + 4 }
	gpsOff := 8 + ifdSize(ifd0)
	dataOff := gpsOff
	if gps {
		dataOff += ifdSize(gpsIFD)
		ifd0[len(ifd0)-1].value = order.AppendUint32(nil, uint32(gpsOff))
	}
	var data []byte
	writeIFD := func(b []byte, es []tiffEntry) []byte {
		b = order.AppendUint16(b, uint16(len(es)))
		for _, e := range es {
			b = order.AppendUint16(b, e.tag)
			b = order.AppendUint16(b, e.typ)
			b = order.AppendUint32(b, e.count)
			if len(e.value) <= 4 {
				v := make([]byte, 4)
				copy(v, e.value)
				b = append(b, v...)
				continue
			}
			b = order.AppendUint32(b, uint32(dataOff+len(data)))
			data = append(data, e.value...)
		}
		return order.AppendUint32(b, 0) // no next IFD
	}
	var b []byte
	if order == binary.BigEndian {
		b = append(b, "MM\x00\x2a"...)
	} else {
		b = append(b, "II\x2a\x00"...)
	}
	b = order.AppendUint32(b, 8)
	b = writeIFD(b, ifd0)
	if gps {
		b = writeIFD(b, gpsIFD)
	}
	return append(b, data...)
}

// segment builds a JPEG marker segment.
func segment(marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

func exifSegment(tiff []byte) []byte { return segment(mAPP1, append([]byte("Exif\x00\x00"), tiff...)) }

const xmpNS = "http://ns.adobe.com/xap/1.0/"

func xmpSegment() []byte {
	xml := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="52,22.2057N"/></rdf:RDF></x:xmpmeta>`
	return segment(mAPP1, []byte(xmpNS+"\x00"+xml))
}

const secretComment = "wijksafari bij mevrouw De Vries, Kerkstraat 12"

// withSegments inserts segments right after a JPEG's SOI.
func withSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// mustJPEG encodes img at quality 95.
func mustJPEG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// mustPNG encodes img as PNG.
func mustPNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var (
	red   = color.RGBA{220, 20, 20, 255}
	blue  = color.RGBA{20, 20, 220, 255}
	ivory = color.RGBA{200, 200, 190, 255}
)

// markerImage is w×h ivory with a 12×12 red block in the stored top-left
// corner and a blue one in the top-right, so every orientation puts them
// somewhere different.
func markerImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := ivory
			switch {
			case y < 12 && x < 12:
				c = red
			case y < 12 && x >= w-12:
				c = blue
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// near reports whether c is within tol of want in each channel.
func near(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { return abs(int(a>>8)-int(b)) <= tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// chunk builds a PNG chunk with its CRC.
func chunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// withChunks inserts chunks right after a PNG's IHDR (8 + 25 bytes).
func withChunks(p []byte, chunks ...[]byte) []byte {
	out := append([]byte{}, p[:33]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[33:]...)
}

// mustClean cleans in and fails the test on error.
func mustClean(tb testing.TB, in []byte) ([]byte, Result) {
	tb.Helper()
	var out bytes.Buffer
	res, err := Clean(&out, bytes.NewReader(in))
	if err != nil {
		tb.Fatalf("Clean: %v", err)
	}
	if got, want := res.Size, int64(out.Len()); got != want {
		tb.Fatalf("Result.Size=%d, wrote %d", got, want)
	}
	return out.Bytes(), res
}

// jpegSegments lists the markers of a JPEG up to its first SOS, and the
// offset of that SOS.
func jpegSegments(tb testing.TB, b []byte) (markers []byte, sos int) {
	tb.Helper()
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			tb.Fatalf("no marker at %d", i)
		}
		m := b[i+1]
		if m == mSOS {
			return markers, i
		}
		markers = append(markers, m)
		i += 2 + int(b[i+2])<<8 + int(b[i+3])
	}
	tb.Fatal("no SOS")
	return nil, 0
}

// forbidden fails the test if out holds any of the needles.
func forbidden(tb testing.TB, out []byte, needles map[string][]byte) {
	tb.Helper()
	for name, n := range needles {
		if bytes.Contains(out, n) {
			tb.Errorf("output still holds %s", name)
		}
	}
}
