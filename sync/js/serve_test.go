package syncjs_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// serveWith is servertest.Serve with routes of the test's own in front:
// extra handles the paths it is given (e.g. /_test/purge), everything else
// goes to the server. Pages it serves share the API's origin, so the
// browser sends no CORS preflight.
func serveWith(tb testing.TB, app core.App, extra map[string]http.Handler) *httptest.Server {
	tb.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		tb.Fatalf("router: %v", err)
	}
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(*core.ServeEvent) error { return nil }); err != nil {
		tb.Fatalf("serve event: %v", err)
	}
	pb, err := router.BuildMux()
	if err != nil {
		tb.Fatalf("build mux: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", pb)
	for path, h := range extra {
		mux.Handle(path, h)
	}
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// benchFiles serves, under /_bench/: the benchmark page (bench/), the
// client's modules (sync/, this directory's *.js) and Dexie's ESM build
// (vendor/dexie.mjs, from node_modules).
func benchFiles() http.Handler {
	return http.StripPrefix("/_bench/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var file string
		switch p := r.URL.Path; {
		case p == "vendor/dexie.mjs":
			file = filepath.Join("node_modules", "dexie", "dist", "dexie.mjs")
		case strings.HasPrefix(p, "sync/") && strings.HasSuffix(p, ".js") && !strings.Contains(p[5:], "/"):
			file = p[5:]
		case p == "bench.html" || p == "bench-page.js" || p == "profile.js":
			file = filepath.Join("bench", p)
		default:
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(file)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(file, ".html") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}))
}
