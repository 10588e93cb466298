package photo

import (
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, head string
		want       string // content type, or a word the error must contain
	}{
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", JPEG},
		{"jpeg exif", "\xff\xd8\xff\xe1", JPEG},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", PNG},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"},
		{"heif mif1", "\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "HEIC"},
		{"avif", "\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "AVIF"},
		{"avif under mif1", "\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "AVIF"},
		{"mov", "\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "MP4/MOV"},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP"},
		{"gif", "GIF89a\x01\x00\x01\x00", "GIF"},
		{"tiff", "II*\x00\x08\x00\x00\x00", "TIFF"},
		{"garbage", "hello, this is not a photo at all", "only JPEG and PNG"},
		{"empty", "", "only JPEG and PNG"},
		{"two bytes of jpeg", "\xff\xd8", "only JPEG and PNG"},
		{"png signature cut short", "\x89PNG\r\n", "only JPEG and PNG"},
	}
	for _, tc := range tests {
		got, err := Sniff([]byte(tc.head))
		if tc.want == JPEG || tc.want == PNG {
			if err != nil || got != tc.want {
				t.Errorf("%s: Sniff=%q, %v; want %q", tc.name, got, err, tc.want)
			}
			continue
		}
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err=%v, want ErrUnsupported mentioning %q", tc.name, err, tc.want)
		}
		if got != "" {
			t.Errorf("%s: content type %q with an error", tc.name, got)
		}
	}
}

func TestCleanRefusesOtherFormats(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	_, err := Clean(&out, strings.NewReader("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic and the rest"))
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "HEIC") {
		t.Errorf("err=%v, want ErrUnsupported naming HEIC", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes for a refused photo", out.Len())
	}
}
