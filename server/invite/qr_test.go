package invite

import (
	"strings"
	"testing"
)

// TestQRZbar has a real decoder (zbarimg) read back the drawn QR codes of
// invite links and of a long text (version 10, with 16-bit byte counts).
func TestQRZbar(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"https://samenspel.example.nl/invite/#abcdefghijklmno.AAAAAAAAAAAAAAAAAAAAAA",
		"http://127.0.0.1:41234/invite/#0a1b2c3d4e5f6g7.Zm9vYmFyYmF6cXV4MTIzNA",
		strings.Repeat("https://example.nl/lang/pad/", 9),
	} {
		svg, err := qrSVG(text)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadSVG(t, svg)
		if err != nil {
			t.Fatalf("%.40s: %v", text, err)
		}
		if got != text {
			t.Errorf("zbarimg read %q, want %q", got, text)
		}
	}
}

func TestQRSVG(t *testing.T) {
	t.Parallel()
	svg, err := qrSVG("https://x.nl/#a") // 15 bytes: version 2
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 33 33"`) || !strings.HasSuffix(svg, "</svg>") {
		t.Errorf("svg=%.120s…, want a 25+8 module square", svg)
	}
	if _, err := qrSVG(strings.Repeat("x", 3000)); err == nil {
		t.Error("3000 bytes encoded, more than version 40 at level M holds")
	}
}
