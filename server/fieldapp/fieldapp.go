package fieldapp

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

// Path is where the field app lives; it is also the service worker's scope.
const Path = "/app/"

// CSP is the Content-Security-Policy of every response under Path when
// photos are stored on the server itself. Photos the app took are shown
// as blob: URLs it made from the bytes on the phone.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; " +
	"connect-src 'self'; worker-src 'self'; manifest-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Permissions is the Permissions-Policy: the app may ask for the location
// (only when the person taps "hier") and the camera (a file input with
// capture), nothing else.
const Permissions = "camera=(self), microphone=(), geolocation=(self)"

// cspWith adds the photo bucket's origins: photos stored in S3 are shown
// from presigned URLs (img-src) and uploaded to presigned URLs
// (connect-src), never proxied through the server.
func cspWith(origins []string) string {
	if len(origins) == 0 {
		return CSP
	}
	o := " " + strings.Join(origins, " ") + ";"
	csp := strings.Replace(CSP, "img-src 'self' blob:;", "img-src 'self' blob:"+o, 1)
	return strings.Replace(csp, "connect-src 'self';", "connect-src 'self'"+o, 1)
}

//go:embed static
var files embed.FS

// Register mounts the field app when the app serves: the files of static/
// at Path, the sync client library's files (syncFiles, the embedded
// sync/js) at Path+"sync/", and the service worker with its precache list.
// photoOrigins are the origins photos load from and upload to besides this
// one. It fails only if the embedded files cannot be read, a build error.
func Register(app core.App, syncFiles fs.FS, photoOrigins ...string) error {
	site, err := fs.Sub(files, "static")
	if err != nil {
		return fmt.Errorf("field app files: %w", err)
	}
	sw, err := serviceWorker(site, syncFiles)
	if err != nil {
		return fmt.Errorf("field app service worker: %w", err)
	}
	csp := cspWith(photoOrigins)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelFieldApp",
		Func: func(se *core.ServeEvent) error {
			mount(se, site, syncFiles, sw, csp)
			return se.Next()
		},
	})
	return nil
}

func mount(se *core.ServeEvent, site, syncFiles fs.FS, sw []byte, csp string) {
	headers := pageHeaders(csp)
	se.Router.GET("/app", func(e *core.RequestEvent) error {
		return e.Redirect(http.StatusMovedPermanently, Path)
	})
	se.Router.GET(Path+"sw.js", func(e *core.RequestEvent) error {
		e.Response.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		return e.Blob(http.StatusOK, "text/javascript; charset=utf-8", sw)
	}).BindFunc(headers)
	if syncFiles != nil {
		se.Router.GET(Path+"sync/{path...}", apis.Static(onlyScripts{syncFiles}, false)).BindFunc(headers)
	}
	se.Router.GET(Path+"{path...}", apis.Static(site, false)).BindFunc(headers)
}

// pageHeaders sets the security headers. no-cache: the service worker
// serves the app offline; online, the browser asks whether a file changed,
// so a phone never runs old screens against a newer server for long.
func pageHeaders(csp string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		h := e.Response.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", Permissions)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		return e.Next()
	}
}
