package photo

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// EXIF tags read from IFD0.
const (
	tagOrientation = 0x0112
	tagGPSIFD      = 0x8825
)

// TIFF field types that can hold a single orientation value.
const (
	typeShort = 3
	typeLong  = 4
)

// errExif is what every EXIF parse error wraps. Clean does not pass it on:
// broken EXIF is removed like any other, and the photo is kept as stored.
var errExif = errors.New("photo: malformed EXIF")

// exifInfo is what Clean needs from EXIF before dropping it.
type exifInfo struct {
	orientation int  // 1–8, 0 when IFD0 has no Orientation tag
	gps         bool // IFD0 points at a GPS IFD
}

// parseExif reads IFD0 of a TIFF structure: the payload of a JPEG APP1
// segment after "Exif\x00\x00", or of a PNG eXIf chunk. Both byte orders
// (II little-endian, MM big-endian) are read.
//
// Only IFD0 is read, never the IFD chain or sub-IFDs it points to, so a
// file whose offsets loop cannot make it loop. Every offset and count is
// checked against len(tiff) before use; anything out of bounds, an
// Orientation of the wrong type or outside 1–8, or a second one, is an
// error wrapping errExif.
func parseExif(tiff []byte) (exifInfo, error) {
	var info exifInfo
	if len(tiff) < 8 {
		return info, fmt.Errorf("%w: TIFF header of %d bytes", errExif, len(tiff))
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return info, fmt.Errorf("%w: byte order %q", errExif, tiff[:2])
	}
	if order.Uint16(tiff[2:]) != 42 {
		return info, fmt.Errorf("%w: TIFF magic is not 42", errExif)
	}
	// uint64 arithmetic: a 32-bit offset plus a count cannot overflow it.
	off := uint64(order.Uint32(tiff[4:]))
	size := uint64(len(tiff))
	if off < 8 || off+2 > size {
		return info, fmt.Errorf("%w: IFD0 offset %d outside %d bytes", errExif, off, size)
	}
	count := uint64(order.Uint16(tiff[off:]))
	if off+2+12*count > size {
		return info, fmt.Errorf("%w: IFD0 of %d entries runs past %d bytes", errExif, count, size)
	}
	for i := range count {
		e := tiff[off+2+12*i : off+2+12*i+12]
		tag, typ, n := order.Uint16(e), order.Uint16(e[2:]), order.Uint32(e[4:])
		switch tag {
		case tagGPSIFD:
			info.gps = true
		case tagOrientation:
			if info.orientation != 0 {
				return info, fmt.Errorf("%w: two Orientation tags", errExif)
			}
			var v uint32
			switch {
			case typ == typeShort && n == 1:
				v = uint32(order.Uint16(e[8:]))
			case typ == typeLong && n == 1:
				v = order.Uint32(e[8:])
			default:
				return info, fmt.Errorf("%w: Orientation of type %d, count %d", errExif, typ, n)
			}
			if v < 1 || v > 8 {
				return info, fmt.Errorf("%w: Orientation %d", errExif, v)
			}
			info.orientation = int(v)
		}
	}
	return info, nil
}
