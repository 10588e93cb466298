package servertest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/ui"
)

// Serve starts a real HTTP server (a loopback listener) for the app with
// every route and middleware of a running server, closed when the test
// ends. Use it where a test needs real HTTP: SDKs, browsers, field-app
// clients, the dashboard. It also answers OTPPath, for scripts that log staff in.
func Serve(tb testing.TB, app *tests.TestApp) *httptest.Server {
	tb.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		tb.Fatalf("router: %v", err)
	}
	// The dashboard (/_/), as PocketBase's serve command binds it.
	router.GET("/_/{path...}", apis.Static(ui.DistDirFS, false))
	se := &core.ServeEvent{App: app, Router: router}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error { return nil })
	if err != nil {
		tb.Fatalf("serve event: %v", err)
	}
	mux, err := router.BuildMux()
	if err != nil {
		tb.Fatalf("build mux: %v", err)
	}
	test := http.NewServeMux()
	test.HandleFunc("GET "+OTPPath, serveOTP)
	test.Handle("/", mux)
	srv := httptest.NewServer(test)
	tb.Cleanup(srv.Close)
	return srv
}
