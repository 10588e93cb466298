package invite

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// SetClock sets the clock of the invite service serving app (tests only):
// expiry is tested by moving time, not by waiting.
func SetClock(app core.App, now func() time.Time) {
	s := app.Store().Get(storeKey).(*Service)
	s.now.Store(&now)
}

// ReadSVG reads back the text of a QR code drawn by qrSVG, with the
// reader of qr_test.go.
func ReadSVG(svg string) (string, error) {
	var n int
	if _, err := fmt.Sscanf(svg[strings.Index(svg, "viewBox"):], `viewBox="0 0 %d`, &n); err != nil {
		return "", err
	}
	const border = 4
	size := n - 2*border
	m := make([][]bool, size)
	for y := range m {
		m[y] = make([]bool, size)
	}
	d := svg[strings.Index(svg, ` d="`)+4:]
	d = d[:strings.Index(d, `"`)]
	for _, cell := range strings.Split(strings.TrimSuffix(d, "z"), "z") {
		var x, y int
		if _, err := fmt.Sscanf(cell, "M%d %dh1v1h-1", &x, &y); err != nil {
			return "", fmt.Errorf("path %q: %v", cell, err)
		}
		m[y-border][x-border] = true
	}
	return readQR(m)
}
