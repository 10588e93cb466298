package fieldapp_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
)

// device is a registered sync device of one person, to read photos back
// the way a phone does.
type device struct{ base, token string }

func newDevice(tb testing.TB, base string, person *core.Record) *device {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"device_id": "fieldapp-check", "platform": "test", "app_version": "1", "schema_version": 1})
	req, _ := http.NewRequest("POST", base+"/api/sync/v1/devices", bytes.NewReader(body))
	req.Header.Set("Authorization", servertest.Token(tb, person))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var reg struct{ Token string }
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || json.Unmarshal(raw, &reg) != nil {
		tb.Fatalf("register device: %d %s", res.StatusCode, raw)
	}
	return &device{base, "Bearer " + reg.Token}
}

// content fetches a stored photo as the server hands it out.
func (d *device) content(tb testing.TB, id string) []byte {
	tb.Helper()
	req, _ := http.NewRequest("GET", d.base+"/api/sync/v1/media/"+id+"/content", nil)
	req.Header.Set("Authorization", d.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		tb.Fatalf("photo %s: status %d: %s", id, res.StatusCode, raw)
	}
	return raw
}

// gpsLatitude is the latitude the test photo carries: 52°15'30" as three
// rationals, little-endian.
var gpsLatitude = []byte{52, 0, 0, 0, 1, 0, 0, 0, 15, 0, 0, 0, 1, 0, 0, 0, 0xb8, 0x0b, 0, 0, 100, 0, 0, 0}

func assertClean(tb testing.TB, b []byte) {
	tb.Helper()
	for _, needle := range [][]byte{[]byte("Exif\x00\x00"), []byte("http://ns.adobe.com/xap"), gpsLatitude} {
		if bytes.Contains(b, needle) {
			tb.Errorf("stored photo still holds %q", needle)
		}
	}
}

// assertUpright: taken 40×20 with a red block top-left and Orientation 6,
// the stored picture is 20×40 with the block top-right.
func assertUpright(tb testing.TB, b []byte) {
	tb.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("stored photo does not decode: %v", err)
	}
	if got, want := img.Bounds().Size(), image.Pt(20, 40); got != want {
		tb.Fatalf("stored size %v, want %v", got, want)
	}
	r, g, _, _ := img.At(17, 2).RGBA()
	if r>>8 < 180 || g>>8 > 90 {
		tb.Errorf("marker not at top-right after rotation: rgb(%d,%d,..)", r>>8, g>>8)
	}
}

func plainJPEG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{90, uint8(100 + y), 70, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// gpsJPEG makes a 40×20 JPEG with a red block top-left and an EXIF APP1
// segment holding Orientation 6 and a GPS position, plus XMP with the
// position, as a phone camera writes it (as server/media_e2e_test.go).
func gpsJPEG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			c := color.RGBA{200, 200, 200, 255}
			if x < 8 && y < 8 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatal(err)
	}
	le := binary.LittleEndian
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	entry := func(tag, typ uint16, count, value uint32) []byte {
		e := make([]byte, 12)
		le.PutUint16(e[0:], tag)
		le.PutUint16(e[2:], typ)
		le.PutUint32(e[4:], count)
		le.PutUint32(e[8:], value)
		return e
	}
	tiff = append(tiff, 2, 0)
	tiff = append(tiff, entry(0x0112, 3, 1, 6)...)
	tiff = append(tiff, entry(0x8825, 4, 1, 38)...)
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, 4, 0)
	tiff = append(tiff, entry(0x0001, 2, 2, uint32('N'))...)
	tiff = append(tiff, entry(0x0002, 5, 3, 92)...)
	tiff = append(tiff, entry(0x0003, 2, 2, uint32('E'))...)
	tiff = append(tiff, entry(0x0004, 5, 3, 116)...)
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, gpsLatitude...)
	tiff = append(tiff, 6, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0xd2, 0x04, 0, 0, 100, 0, 0, 0)
	segment := func(payload []byte) []byte {
		s := []byte{0xFF, 0xE1, 0, 0}
		binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
		return append(s, payload...)
	}
	raw := enc.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, segment(append([]byte("Exif\x00\x00"), tiff...))...)
	out = append(out, segment([]byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>52,15.5N</exif:GPSLatitude></x:xmpmeta>"))...)
	return append(out, raw[2:]...)
}
