package invite

import (
	"embed"
	"errors"
	"io/fs"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// static holds the two pages: /invite/ (accept an invite) and /me/ (the
// client's own data). Plain HTML, CSS and JavaScript, no build step; the
// shared style and helpers in common/ are served under both.
//
//go:embed static
var static embed.FS

// pageCSP allows only our own files: no inline script or style, nothing
// from elsewhere. img-src allows data: for the QR code the page shows.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func mountPages(r *router.Router[*core.RequestEvent]) error {
	for _, page := range []string{"invite", "me"} {
		dir, err := fs.Sub(static, "static/"+page)
		if err != nil {
			return err
		}
		common, err := fs.Sub(static, "static/common")
		if err != nil {
			return err
		}
		r.GET("/"+page+"/{path...}", apis.Static(overlay{dir, common}, false)).BindFunc(pageHeaders)
	}
	return nil
}

// pageHeaders: the pages handle a secret (the code) and personal data.
// Referrer-Policy keeps the page's URL out of requests it makes; no-store
// keeps a shared phone's browser from showing someone's data again.
func pageHeaders(e *core.RequestEvent) error {
	h := e.Response.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	return e.Next()
}

// overlay is a file system that looks in each of its layers in turn.
type overlay []fs.FS

func (o overlay) Open(name string) (fs.File, error) {
	for _, layer := range o {
		f, err := layer.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
