package invite

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// qr answers the invite link of a valid code as a QR code, for a
// begeleider to show on their screen so the client scans it with their
// own phone. A used, expired or replaced code has no QR code.
func (s *Service) qr(e *core.RequestEvent) error {
	code := e.Request.PathValue("code")
	if _, _, err := s.resolve(e.App, code); err != nil {
		return err
	}
	svg, err := qrSVG(s.link(e.Request, code))
	if err != nil {
		return err
	}
	e.Response.Header().Set("Content-Security-Policy", "default-src 'none'")
	e.Response.Header().Set("X-Content-Type-Options", "nosniff")
	return e.Blob(http.StatusOK, "image/svg+xml", []byte(svg))
}
