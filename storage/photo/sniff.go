package photo

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// SniffLen is how many leading bytes Sniff needs to recognise every format
// it knows. Fewer still work for JPEG and PNG.
const SniffLen = 64

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Sniff returns the content type of a photo from its first bytes (pass
// SniffLen of them, or all there are): JPEG or PNG. The type an upload
// claims is never trusted; these bytes decide.
//
// Anything else is ErrUnsupported, wrapped in a message for the app that
// names the format when it is recognised (HEIC/HEIF, AVIF, WebP, GIF,
// TIFF/RAW, BMP, JPEG XL, MP4/MOV video) and asks for a JPEG: iPhones
// store HEIC unless set to "Most Compatible", and Android apps may hand
// over WebP.
func Sniff(head []byte) (string, error) {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return JPEG, nil
	case bytes.HasPrefix(head, pngSignature):
		return PNG, nil
	}
	name := otherFormat(head)
	if name == "" {
		return "", fmt.Errorf("%w: not a JPEG or PNG photo; only JPEG and PNG are accepted", ErrUnsupported)
	}
	return "", fmt.Errorf("%w: %s; convert the photo to JPEG before uploading", ErrUnsupported, name)
}

// otherFormat names a format this package does not accept, or returns "".
func otherFormat(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "GIF"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "WebP"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return isoBrand(head)
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "TIFF (or a camera RAW file)"
	case bytes.HasPrefix(head, []byte{0xFF, 0x0A}), bytes.HasPrefix(head, []byte("\x00\x00\x00\x0cJXL \r\n\x87\n")):
		return "JPEG XL"
	case bytes.HasPrefix(head, []byte("BM")) && len(head) >= 14:
		return "BMP"
	}
	return ""
}

// isoBrand names an ISO base media file (HEIF, AVIF, MP4, QuickTime) from
// the brands of its ftyp box: the major brand, then the compatible ones
// that lie within both the box and head.
func isoBrand(head []byte) string {
	size := int(binary.BigEndian.Uint32(head))
	if size < 16 || size > len(head) {
		size = len(head)
	}
	brands := [][]byte{head[8:12]}
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, head[i:i+4])
	}
	// AVIF files list mif1 too, so look for their own brands first.
	for _, b := range brands {
		if string(b) == "avif" || string(b) == "avis" {
			return "AVIF"
		}
	}
	for _, b := range brands {
		switch string(b) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "mif2":
			return "HEIC/HEIF (the iPhone's default; choose \"Most Compatible\" under Settings, Camera, Formats)"
		}
	}
	return "a video or other ISO media file (MP4/MOV), not a photo"
}
