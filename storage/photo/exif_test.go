package photo

import (
	"encoding/binary"
	"errors"
	"testing"
)

func TestParseExif(t *testing.T) {
	t.Parallel()
	for _, order := range []byteOrder{binary.BigEndian, binary.LittleEndian} {
		for o := 0; o <= 8; o++ {
			for _, gps := range []bool{false, true} {
				info, err := parseExif(buildTIFF(order, o, gps))
				if err != nil {
					t.Fatalf("%v o=%d gps=%v: %v", order, o, gps, err)
				}
				if got, want := info, (exifInfo{orientation: o, gps: gps}); got != want {
					t.Errorf("%v: got %+v, want %+v", order, got, want)
				}
			}
		}
	}
}

// An IFD0 whose next-IFD link points at itself and whose GPS pointer
// points back at IFD0: only IFD0 is read, so this ends like any other.
func TestParseExifLoop(t *testing.T) {
	t.Parallel()
	le := binary.LittleEndian
	b := []byte("II\x2a\x00\x08\x00\x00\x00")
	b = le.AppendUint16(b, 2)
	b = append(b, entry(le, tagOrientation, typeShort, 1, 3)...)
	b = append(b, entry(le, tagGPSIFD, typeLong, 1, 8)...)
	b = le.AppendUint32(b, 8) // next IFD: IFD0 again
	info, err := parseExif(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info, (exifInfo{orientation: 3, gps: true}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// entry is one 12-byte IFD entry with an inline value.
func entry(order byteOrder, tag, typ uint16, count, value uint32) []byte {
	b := order.AppendUint16(nil, tag)
	b = order.AppendUint16(b, typ)
	b = order.AppendUint32(b, count)
	if typ == typeShort {
		return append(order.AppendUint16(b, uint16(value)), 0, 0)
	}
	return order.AppendUint32(b, value)
}

func TestParseExifMalformed(t *testing.T) {
	t.Parallel()
	be := binary.BigEndian
	ifd := func(entries ...[]byte) []byte {
		b := []byte("MM\x00\x2a\x00\x00\x00\x08")
		b = be.AppendUint16(b, uint16(len(entries)))
		for _, e := range entries {
			b = append(b, e...)
		}
		return be.AppendUint32(b, 0)
	}
	good := ifd(entry(be, tagOrientation, typeShort, 1, 6))
	tests := map[string][]byte{
		"empty":                   nil,
		"short header":            []byte("MM\x00\x2a\x00\x00"),
		"bad byte order":          []byte("XX\x00\x2a\x00\x00\x00\x08\x00\x00"),
		"bad magic":               []byte("MM\x00\x2b\x00\x00\x00\x08\x00\x00"),
		"IFD0 offset past end":    []byte("MM\x00\x2a\x00\x00\x01\x00\x00\x00"),
		"IFD0 offset 0xFFFFFFFF":  []byte("MM\x00\x2a\xff\xff\xff\xff\x00\x00"),
		"IFD0 offset inside head": []byte("MM\x00\x2a\x00\x00\x00\x02\x00\x00"),
		"IFD0 count past end":     good[:len(good)-6],
		"IFD0 of 65535 entries":   append([]byte("MM\x00\x2a\x00\x00\x00\x08\xff\xff"), good[10:]...),
		"orientation 0":           ifd(entry(be, tagOrientation, typeShort, 1, 0)),
		"orientation 9":           ifd(entry(be, tagOrientation, typeShort, 1, 9)),
		"orientation as ASCII":    ifd(entry(be, tagOrientation, 2, 1, 6)),
		"orientation count 2":     ifd(entry(be, tagOrientation, typeShort, 2, 6)),
		"two orientations":        ifd(entry(be, tagOrientation, typeShort, 1, 6), entry(be, tagOrientation, typeShort, 1, 1)),
	}
	for name, b := range tests {
		if _, err := parseExif(b); !errors.Is(err, errExif) {
			t.Errorf("%s: err=%v, want errExif", name, err)
		}
	}
	// Every prefix and every single-byte corruption: an answer, never a panic.
	full := buildTIFF(be, 6, true)
	for i := range full {
		parseExif(full[:i])
		for _, v := range []byte{0x00, 0xFF, 0x80} {
			c := append([]byte{}, full...)
			c[i] = v
			parseExif(c)
		}
	}
}
