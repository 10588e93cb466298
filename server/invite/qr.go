package invite

import (
	"fmt"
	"strings"

	qr "github.com/piglig/go-qr"
)

// qrSVG draws the QR code of text as an SVG image: byte mode at error
// correction level M (15% of the symbol may be damaged: a screen with a
// reflection, a crumpled print), in the smallest version that holds it
// (invite links take version 4 to 6), with the standard's quiet zone of
// four modules: one path of unit squares, scaled by the viewer. The
// symbol comes from github.com/piglig/go-qr, a port of Nayuki's QR code
// generator; the drawing is ours, so the page can style and label it.
func qrSVG(text string) (string, error) {
	seg, err := qr.MakeBytes([]byte(text))
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	q, err := qr.EncodeSegments([]*qr.QrSegment{seg}, qr.Medium, qr.MinVersion, qr.MaxVersion, -1, false)
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	const border = 4
	size := q.Size()
	n := size + 2*border
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR-code">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := range size {
		for x := range size {
			if q.Module(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+border, y+border)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
