package invite

import (
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/secret"
)

// The terms of an invite.
const (
	TTL         = 7 * 24 * time.Hour // how long a code stays valid
	MaxAttempts = 10                 // refused tries with one code before it is locked
)

// Service makes and accepts invites and serves the client's own view. It
// is safe for concurrent use.
type Service struct {
	app       core.App
	publicURL string       // base of invite links; "" for the request's origin
	keys      *secret.Keys // derives the signing key from the server secret
	now       atomic.Pointer[func() time.Time]
}

// storeKey is where Register keeps the Service in the app's store, so
// tests can reach the one serving their app.
const storeKey = "samenspel.invite"

// newService returns a Service for app. The app's migrations must have
// run before the first request (the invites collection and the server
// secret live in the database).
func newService(app core.App, publicURL string) *Service {
	s := &Service{app: app, publicURL: strings.TrimSuffix(publicURL, "/"), keys: secret.New(app)}
	clock := time.Now
	s.now.Store(&clock)
	return s
}

// Register mounts the invite API, the client's own API and the pages
// /invite/ and /me/ when app serves. publicURL is the base of invite
// links ("" for the origin of each request). It returns no error today;
// the signature leaves room for configuration that can be wrong.
func Register(app core.App, publicURL string) error {
	s := newService(app, publicURL)
	app.Store().Set(storeKey, s)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelInvites",
		Func: func(se *core.ServeEvent) error {
			if err := s.mount(se); err != nil {
				return err
			}
			return se.Next()
		},
	})
	return nil
}

// mount adds the routes to the server's router.
func (s *Service) mount(se *core.ServeEvent) error {
	r := se.Router
	r.POST("/api/invites/v1", handle(s.create))
	code := r.Group("/api/invites/v1/{code}").BindFunc(redactCode)
	code.GET("", handle(s.info))
	code.POST("/accept", handle(s.accept))
	code.GET("/qr.svg", handle(s.qr))

	me := r.Group("/api/me/v1").BindFunc(noStore)
	me.GET("/overview", handle(s.overview))
	me.GET("/export", handle(s.export))

	return mountPages(r)
}

func (s *Service) clock() time.Time { return (*s.now.Load())() }

// redactCode takes the invite code out of the request's URL before it is
// logged: PocketBase's request log writes the URL of every request, and a
// valid code in a log is a way into someone's account. The handlers read
// the code from the route's path value, which stays.
func redactCode(e *core.RequestEvent) error {
	if c := e.Request.PathValue("code"); c != "" {
		u := *e.Request.URL
		u.Path = strings.Replace(u.Path, c, "{code}", 1)
		u.RawPath = ""
		e.Request.URL = &u
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.Header().Set("Referrer-Policy", "no-referrer")
	return e.Next()
}

// noStore keeps personal data out of shared caches and the browser's
// back-forward cache on a shared phone.
func noStore(e *core.RequestEvent) error {
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Next()
}

// origin is the base URL for links: the configured public URL, or how the
// caller reached us.
func (s *Service) origin(r *http.Request) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// link is the invite link of code, as the client opens it: the code rides
// in the fragment, which browsers never send to a server or a proxy log.
func (s *Service) link(r *http.Request, code string) string {
	return s.origin(r) + "/invite/#" + code
}
