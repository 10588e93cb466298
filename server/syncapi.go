package server

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/reqid"
	"github.com/samenspel/samenspel/server/audit"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// SyncPrefix is where the sync API lives inside PocketBase's router.
const SyncPrefix = "/api/sync/v1"

type ctxKey int

const (
	authKey ctxKey = iota
	ipKey          // the client's IP as PocketBase sees it (its trusted-proxy settings)
)

// syncAPI is the sync protocol over HTTP: an echo app mounted into
// PocketBase's router, so PocketBase's middlewares (auth token loading,
// logging, rate limits) run first and hand the person over.
type syncAPI struct {
	app   core.App
	svc   *fieldsync.Service
	limit *syncLimits
	audit *audit.Recorder // nil: no access log
	// rewriteOrigin: local storage without a public URL builds upload URLs
	// from the origin of each request.
	rewriteOrigin bool
}

// mountSync opens the photo storage and mounts the sync API under
// SyncPrefix.
func mountSync(se *core.ServeEvent, svc *fieldsync.Service, limit *syncLimits, cfg *Config, rec *audit.Recorder, mx *metrics) error {
	secret, err := svc.Key("storage")
	if err != nil {
		return err
	}
	store, local, err := openStore(context.Background(), se.App, cfg, secret, svc.UploadOpen)
	if err != nil {
		return err
	}
	svc.SetMediaStore(store)
	api := &syncAPI{app: se.App, svc: svc, limit: limit, audit: rec, rewriteOrigin: local != nil && cfg.PublicURL == ""}
	e := echo.New()
	e.HTTPErrorHandler = api.writeError
	e.Use(mx.middleware, decompressBody)

	g := e.Group(SyncPrefix)
	g.POST("/devices", api.registerDevice)
	g.POST("/devices/:device_id/revoke", api.revokeDevice)
	g.GET("/pull", api.pull)
	g.POST("/push", api.push)
	api.mountMedia(se, g, local)

	handler := func(re *core.RequestEvent) error {
		// The request id names every log line of the request (ours, and
		// PocketBase's request log through its log meta) and goes back
		// to the client, which can quote it.
		id := reqid.Accept(re.Request.Header.Get(reqid.Header))
		re.Response.Header().Set(reqid.Header, id)
		re.Set(apis.RequestEventKeyLogMeta, map[string]any{"request_id": id})
		ctx := reqid.With(re.Request.Context(), id, re.App.Logger())
		ctx = context.WithValue(context.WithValue(ctx, authKey, re.Auth), ipKey, re.RealIP())
		e.ServeHTTP(re.Response, re.Request.WithContext(ctx))
		if re.Request.Method == http.MethodGet && re.Request.URL.Path == SyncPrefix+"/pull" && re.Status() < http.StatusBadRequest {
			// A phone pulls every few seconds: at an RIBW's 840 phones
			// that is ~170 lines a second, 14 million a day in the
			// request log. Successful pulls are counted and timed in
			// /metrics instead; a failing one is logged as any request.
			re.Set(skipSuccessLogKey, true)
		}
		return nil
	}
	se.Router.Any(SyncPrefix+"/{path...}", handler).Bind(limitBody(fieldsync.MaxPushBytes + 1<<20))
	return nil
}

// skipSuccessLogKey is the request-event key PocketBase's request log reads
// to leave out a successful request (the key apis.SkipSuccessActivityLog
// sets; that middleware can only set it before the answer is known).
// TestRequestID fails if PocketBase renames it.
const skipSuccessLogKey = "__skipSuccessActivityLogger"

// limitBody is PocketBase's body limit (it takes the place of the default
// one, by id) answering in the protocol's shape: PocketBase's own 413 has
// no code. Handlers bound what they read below it (push at MaxPushBytes).
func limitBody(max int64) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       apis.DefaultBodyLimitMiddlewareId,
		Priority: apis.DefaultBodyLimitMiddlewarePriority,
		Func: func(re *core.RequestEvent) error {
			raw := rawBody(re.Request).Body
			// net/http must find its own body when the answer goes out:
			// behind a wrapper it takes a body left unread (a refusal) for
			// consumed and parses the rest as the next request on the
			// connection. With its own it sees that and closes.
			defer func() { re.Request.Body = raw }()
			if re.Request.ContentLength > max {
				e := apierr.Errorf(apierr.CodePayloadTooLarge, "A request body may be at most %d bytes.", fieldsync.MaxPushBytes).
					WithData(map[string]any{"max_bytes": fieldsync.MaxPushBytes})
				return re.JSON(e.Status, e)
			}
			re.Request.Body = http.MaxBytesReader(re.Response, raw, max)
			return re.Next()
		},
	}
}

// rawBody gives a handler the request body as the client sends it.
// PocketBase's router wraps every body in a RereadableReadCloser, which
// copies what is read (to memory, then a temp file) and rewinds at EOF so
// it can be read again: a push would be held twice and an upload read
// past its end would start over. Our handlers read each body once.
func rawBody(r *http.Request) *http.Request {
	if rr, ok := r.Body.(*router.RereadableReadCloser); ok {
		r.Body = rr.ReadCloser
	}
	return r
}

// pbAuth is the person of a PocketBase auth token, if any.
func pbAuth(c echo.Context) *core.Record {
	r, _ := c.Request().Context().Value(authKey).(*core.Record)
	return r
}

// device authenticates the device token of a request.
func (api *syncAPI) device(c echo.Context) (*fieldsync.Device, error) {
	h := c.Request().Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "Send the device token as Authorization: Bearer <token>.")
	}
	version := -1 // header absent: the device's registered version counts
	if v := c.Request().Header.Get("X-Schema-Version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, apierr.Errorf(apierr.CodeInvalidRequest, "X-Schema-Version must be a non-negative integer.").
				WithData(map[string]any{"X-Schema-Version": "not an integer"})
		}
		version = n
	}
	dev, err := api.svc.Authenticate(token, version)
	if err != nil {
		return nil, err
	}
	if ok, wait, byPerson := api.limit.allow(dev.RecordID, dev.PersonKey(), time.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		from, limit := "this device", "device"
		if byPerson {
			from, limit = "your devices together", "person"
		}
		return nil, apierr.Errorf(apierr.CodeRateLimited, "Too many requests from %s: retry after %d s.", from, secs).
			WithData(map[string]any{"retry_after": secs, "limit": limit})
	}
	return dev, nil
}

func (api *syncAPI) registerDevice(c echo.Context) error {
	var req fieldsync.RegisterRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	login := fieldsync.LoginOf(pbAuth(c), c.Request().Header.Get("Authorization"))
	res, err := api.svc.Register(login, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (api *syncAPI) revokeDevice(c echo.Context) error {
	if err := api.svc.Revoke(pbAuth(c), c.Param("device_id")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"device_id": c.Param("device_id"), "revoked": true})
}

func (api *syncAPI) pull(c echo.Context) error {
	dev, err := api.device(c)
	if err != nil {
		return err
	}
	req := fieldsync.PullRequest{Cursor: c.QueryParam("cursor")}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apierr.Errorf(apierr.CodeInvalidRequest, "limit must be a positive integer.").
				WithData(map[string]any{"limit": "not a positive integer"})
		}
		req.Limit = n
	}
	req.Touched = api.audit.Touches()
	return api.svc.PullPage(c.Request().Context(), dev, req, func(page []byte, end fieldsync.PageEnd) error {
		// One entry per client per pull run (the pages a device fetches by
		// following has_more), not per page. Recorded before the page goes
		// out: the device may ask for the next page as soon as it has this
		// one, and that page must find the run where this one left it.
		api.audit.PullTouched(api.who(c, dev, accesslog.PathSync), dev.RecordID, req.Cursor, end, req.Touched)
		return writeJSONBytes(c, page)
	})
}

// who is the base access-log entry of a device's request. A device is
// never registered with an impersonation token (sync.Service.Register
// refuses one), so its owner is who looked.
func (api *syncAPI) who(c echo.Context, dev *fieldsync.Device, path string) accesslog.Entry {
	ip, _ := c.Request().Context().Value(ipKey).(string)
	e := audit.Who(dev.Person, path, ip)
	e.Device = dev.ID
	return e
}

func (api *syncAPI) push(c echo.Context) error {
	dev, err := api.device(c)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, fieldsync.MaxPushBytes+1))
	if err != nil {
		return apierr.Errorf(apierr.CodeInvalidRequest, "The request body could not be read.")
	}
	touched := api.audit.Touches()
	res, err := api.svc.PushTouched(c.Request().Context(), dev, raw, touched)
	if err != nil {
		return err
	}
	api.audit.Touched(api.who(c, dev, accesslog.PathSync), touched)
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	return writeJSONBytes(c, out)
}

// writeJSONBytes writes a JSON body, gzipped when the client accepts it.
func writeJSONBytes(c echo.Context, body []byte) error {
	w := c.Response()
	w.Header().Set("Content-Type", "application/json")
	if !strings.Contains(c.Request().Header.Get("Accept-Encoding"), "gzip") || len(body) < 1024 {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, err := w.Write(body)
		return err
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Add("Vary", "Accept-Encoding")
	w.WriteHeader(http.StatusOK)
	gz := gzipWriters.Get().(*kgzip.Writer)
	defer gzipWriters.Put(gz)
	gz.Reset(w)
	if _, err := gz.Write(body); err != nil {
		return err
	}
	return gz.Close()
}

// gzipWriters are reused: a new writer allocates its compression tables
// (hundreds of kB) per answer, which a storm of fresh pulls multiplies.
var gzipWriters = gosync.Pool{New: func() any {
	gz, _ := kgzip.NewWriterLevel(io.Discard, kgzip.BestSpeed)
	return gz
}}

// decodeJSON reads a JSON body strictly: unknown fields are allowed (newer
// apps may send more), wrong types are invalid_request naming the field.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return apierr.Errorf(apierr.CodeInvalidRequest, "Field %s has the wrong type.", te.Field).
				WithData(map[string]any{te.Field: "wrong type: want " + te.Type.String()})
		}
		return apierr.Errorf(apierr.CodeInvalidRequest, "The request body is not valid JSON.")
	}
	return nil
}

// decompressBody inflates gzip request bodies, bounded so a small gzip
// bomb cannot expand past the push limit.
func decompressBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !strings.EqualFold(req.Header.Get("Content-Encoding"), "gzip") {
			return next(c)
		}
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			return apierr.Errorf(apierr.CodeInvalidRequest, "The body is not valid gzip.")
		}
		defer zr.Close()
		req.Body = io.NopCloser(io.LimitReader(zr, fieldsync.MaxPushBytes+1))
		req.Header.Del("Content-Encoding")
		return next(c)
	}
}

// writeError is echo's error handler: echo's own errors (no route, a body
// too large) get the protocol's codes, and apierr.Write answers.
func (api *syncAPI) writeError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code := apierr.CodeInvalidRequest
		switch he.Code {
		case http.StatusNotFound:
			code = apierr.CodeNotFound
		case http.StatusMethodNotAllowed:
			code = apierr.CodeNotFound
		case http.StatusRequestEntityTooLarge:
			code = apierr.CodePayloadTooLarge
		}
		err = apierr.Errorf(code, "%v", he.Message)
	}
	apierr.Write(c.Response(), c.Request(), reqid.Logger(c.Request().Context(), api.app.Logger()), err)
}
