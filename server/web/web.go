package web

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Path is where the review page lives.
const Path = "/review/"

// CSP is the Content-Security-Policy of every response under Path. The
// page's code is in files of this origin; it fetches only this origin's
// APIs and shows photos as blob: URLs it made from them.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; " +
	"connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// cspWith adds origins from which photos may load (the S3 bucket: photos
// stored there are shown from short-lived presigned URLs, never proxied).
func cspWith(imgOrigins []string) string {
	if len(imgOrigins) == 0 {
		return CSP
	}
	return strings.Replace(CSP, "img-src 'self' blob:;", "img-src 'self' blob: "+strings.Join(imgOrigins, " ")+";", 1)
}

//go:embed static
var files embed.FS

// Register mounts the review page when the app serves. It fails only if
// the embedded files are missing, which is a build error.
func Register(app core.App, imgOrigins ...string) error {
	csp := cspWith(imgOrigins)
	site, err := fs.Sub(files, "static")
	if err != nil {
		return fmt.Errorf("review page files: %w", err)
	}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelReviewPage",
		Func: func(se *core.ServeEvent) error {
			mount(se, site, csp)
			return se.Next()
		},
	})
	return nil
}

func mount(se *core.ServeEvent, site fs.FS, csp string) {
	se.Router.GET("/review", func(e *core.RequestEvent) error {
		return e.Redirect(http.StatusMovedPermanently, Path)
	})
	se.Router.GET(Path+"{path...}", apis.Static(site, false)).BindFunc(pageHeaders(csp))
}

// pageHeaders sets the security headers of the page. no-cache: a phone
// that kept an old review.js would talk to a newer API in an old way.
func pageHeaders(csp string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error { return setPageHeaders(e, csp) }
}

func setPageHeaders(e *core.RequestEvent, csp string) error {
	h := e.Response.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	return e.Next()
}
