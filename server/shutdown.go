package server

import (
	"context"
	"net/http"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/apierr"
)

// drain lets a stopping server finish the requests it has started.
//
// PocketBase stops on SIGTERM by triggering OnTerminate, whose handler
// (apis/serve.go, priority -9999) first cancels every request's context,
// then gives http.Server.Shutdown one second, and the finalizer closes the
// database: a push still writing after that second is cut off. Our
// handler runs before it: it stops taking connections, answers requests
// that still arrive on open connections 503 unavailable, and waits up to
// the shutdown timeout for those in flight (realtime streams, which never
// end by themselves, excepted). Only then does PocketBase's handler run.
type drain struct {
	mu      gosync.Mutex
	closing bool
	active  gosync.WaitGroup
	n       atomic.Int64
	server  atomic.Pointer[http.Server]
}

// enter counts a request in; false once the server is stopping.
func (d *drain) enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closing {
		return false
	}
	d.active.Add(1)
	d.n.Add(1)
	return true
}

func (d *drain) leave() {
	d.n.Add(-1)
	d.active.Done()
}

func (d *drain) inFlight() float64 { return float64(d.n.Load()) }

// middleware counts every request but realtime streams, and refuses new
// ones while stopping.
func (d *drain) middleware(e *core.RequestEvent) error {
	if strings.HasPrefix(e.Request.URL.Path, "/api/realtime") {
		return e.Next()
	}
	if !d.enter() {
		e.Response.Header().Set("Connection", "close")
		e.Response.Header().Set("Retry-After", "5")
		apierr.Write(e.Response, e.Request, nil, apierr.Errorf(apierr.CodeUnavailable, "The server is stopping. Retry in a few seconds.").
			WithData(map[string]any{"retry_after": 5}))
		return nil
	}
	defer d.leave()
	return e.Next()
}

// stop closes the listener (new connections are refused, idle ones
// closed) and waits up to timeout for the requests in flight. It reports
// how many were still running when it gave up.
func (d *drain) stop(timeout time.Duration) int64 {
	d.mu.Lock()
	d.closing = true
	d.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if srv := d.server.Load(); srv != nil {
		// Returns once every connection is idle, or at ctx's end:
		// PocketBase's own Shutdown call follows ours either way.
		go srv.Shutdown(ctx)
	}
	done := make(chan struct{})
	go func() { d.active.Wait(); close(done) }()
	select {
	case <-done:
		return 0
	case <-ctx.Done():
		return d.n.Load()
	}
}

// logSettle is how long a stopping server waits, after its last request,
// for PocketBase's request log lines to be handed to the log.
const logSettle = 250 * time.Millisecond

// bindDrain counts requests from the first middleware on, and makes
// OnTerminate wait for them before PocketBase's shutdown runs.
func bindDrain(app core.App, d *drain, timeout time.Duration) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelDrain",
		Func: func(se *core.ServeEvent) error {
			d.server.Store(se.Server)
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "samenspelDrain", Priority: -99999, Func: d.middleware})
			return se.Next()
		},
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "samenspelDrain",
		Priority: -10000, // before PocketBase's graceful shutdown (-9999)
		Func: func(e *core.TerminateEvent) error {
			if d.server.Load() == nil {
				return e.Next() // not serving (a command)
			}
			start := time.Now()
			e.App.Logger().Info("stopping: finishing requests in flight", "in_flight", d.n.Load(), "timeout", timeout.String())
			if left := d.stop(timeout); left > 0 {
				e.App.Logger().Warn("stopping: requests still running at the shutdown timeout are cut off", "in_flight", left)
			} else {
				e.App.Logger().Info("stopping: requests finished", "waited", time.Since(start).Round(time.Millisecond).String())
			}
			// PocketBase writes a request's log line from a goroutine it
			// starts once the answer is done (apis/middlewares.go,
			// logRequest), and flushes the log's batch once more on
			// OnTerminate (priority -999, after this handler). Give the
			// goroutines of the last requests time to reach the batch, or
			// a busy machine loses their lines.
			time.Sleep(logSettle)
			return e.Next()
		},
	})
}
