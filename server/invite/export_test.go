package invite

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest/apt"
)

// SetClock sets the clock of the invite service serving app (tests only):
// expiry is tested by moving time, not by waiting.
func SetClock(app core.App, now func() time.Time) {
	s := app.Store().Get(storeKey).(*Service)
	s.now.Store(&now)
}

// ReadSVG reads back the text of a QR code drawn by qrSVG: it paints the
// path's modules into a PNG and has a real decoder, zbarimg (Debian's
// zbar-tools, installed when missing), read it.
func ReadSVG(tb testing.TB, svg string) (string, error) {
	tb.Helper()
	zbar := apt.Tool(tb, "/usr/bin/zbarimg", "zbar-tools")
	i := strings.Index(svg, "viewBox")
	j := strings.Index(svg, ` d="`)
	if i < 0 || j < 0 {
		return "", fmt.Errorf("not a QR code drawn by qrSVG: %.80s", svg)
	}
	var n int
	if _, err := fmt.Sscanf(svg[i:], `viewBox="0 0 %d`, &n); err != nil {
		return "", err
	}
	const scale = 6
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for p := range img.Pix {
		img.Pix[p] = 255
	}
	d := svg[j+4:]
	d = d[:strings.Index(d, `"`)]
	for _, cell := range strings.Split(strings.TrimSuffix(d, "z"), "z") {
		var x, y int
		if _, err := fmt.Sscanf(cell, "M%d %dh1v1h-1", &x, &y); err != nil {
			return "", fmt.Errorf("path %q: %v", cell, err)
		}
		for dy := range scale {
			for dx := range scale {
				img.SetGray(x*scale+dx, y*scale+dy, color.Gray{0})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	path := filepath.Join(tb.TempDir(), "qr.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return "", err
	}
	out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
	if err != nil {
		return "", fmt.Errorf("zbarimg: %w", err)
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}
