package servertest

import (
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// Serve starts a real HTTP server (a loopback listener) for the app with
// every route and middleware of a running server, closed when the test
// ends. Use it where a test needs real HTTP: SDKs, browsers, field-app
// clients.
func Serve(tb testing.TB, app *tests.TestApp) *httptest.Server {
	tb.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		tb.Fatalf("router: %v", err)
	}
	se := &core.ServeEvent{App: app, Router: router}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error { return nil })
	if err != nil {
		tb.Fatalf("serve event: %v", err)
	}
	mux, err := router.BuildMux()
	if err != nil {
		tb.Fatalf("build mux: %v", err)
	}
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}
