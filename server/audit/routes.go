package audit

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// Paths of this package.
const (
	EntriesPath = "/api/audit/v1/entries"
	MeAccess    = "/api/me/v1/access"
	PagePath    = "/audit/"
)

// pageCSP: the page's code and styles are files of this origin; it calls
// only this origin's API.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

//go:embed static
var files embed.FS

// Register binds the access log to app: the REST hooks now, the routes
// when it serves, closing the log when it terminates. It returns the
// recorder the server's sync API records through.
func Register(app core.App) (*Recorder, error) {
	r := NewRecorder(app)
	site, err := fs.Sub(files, "static")
	if err != nil {
		return nil, fmt.Errorf("audit page files: %w", err)
	}
	r.bindREST(app)
	r.bindRealtime(app)
	r.bindImpersonation(app)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelAccessLogRoutes",
		Func: func(se *core.ServeEvent) error {
			if _, err := r.Log(); err != nil {
				return err
			}
			se.Router.BindFunc(r.meMiddleware)
			se.Router.GET(EntriesPath, handle(r.entries))
			se.Router.GET(MeAccess, handle(r.meAccess))
			se.Router.GET("/audit", func(e *core.RequestEvent) error {
				return e.Redirect(http.StatusMovedPermanently, PagePath)
			})
			se.Router.GET(PagePath+"{path...}", apis.Static(site, false)).BindFunc(pageHeaders)
			return se.Next()
		},
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "samenspelAccessLogClose",
		Func: func(e *core.TerminateEvent) error {
			if err := r.Close(); err != nil {
				e.App.Logger().Error("access log: close", "error", err.Error())
			}
			return e.Next()
		},
	})
	return r, nil
}

func pageHeaders(e *core.RequestEvent) error {
	h := e.Response.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	return e.Next()
}

func handle(h func(e *core.RequestEvent) error) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := h(e); err != nil {
			apierr.Write(e.Response, e.Request, e.App.Logger(), err)
		}
		return nil
	}
}

// meMiddleware logs the client's own pages, once they have answered 200:
// the overview is a read of everything of theirs, the export an export.
func (r *Recorder) meMiddleware(e *core.RequestEvent) error {
	action := ""
	switch e.Request.URL.Path {
	case "/api/me/v1/overview":
		action = accesslog.ActionRead
	case "/api/me/v1/export":
		action = accesslog.ActionExport
	default:
		return e.Next()
	}
	if err := e.Next(); err != nil {
		return err
	}
	if e.Auth == nil || e.Auth.Collection().Name != schema.Clients || e.Status() != http.StatusOK {
		return nil
	}
	t := accesslog.NewTouches()
	t.Add(e.Auth.Id, action, "*", 1)
	r.touched(e, accesslog.PathMe, t)
	return nil
}

// Page is the answer of the entries API: newest first; pass NextBefore as
// before for the next page (0: this was the last).
type Page struct {
	Entries    []accesslog.Entry `json:"entries"`
	NextBefore int64             `json:"next_before"`
	// Accounts names the staff accounts a superuser acted as (the
	// entries' on_behalf_of, "users:<id>") by their name and role now:
	// the entries keep only the id.
	Accounts map[string]string `json:"accounts,omitempty"`
}

// entries answers GET /api/audit/v1/entries?client=&person=&from=&to=&before=&limit=
// for coordinators, and logs the reading: one entry per client whose
// entries were shown.
func (r *Recorder) entries(e *core.RequestEvent) error {
	switch {
	case e.Auth == nil:
		return apierr.Errorf(apierr.CodeUnauthorized, "Log in as a coordinator to read the access log.")
	case e.Auth.Collection().Name != schema.Users || e.Auth.GetString(schema.FieldRole) != schema.RoleCoordinator:
		return apierr.Errorf(apierr.CodeForbidden, "Only coordinators may read the access log.")
	}
	q := e.Request.URL.Query()
	f := accesslog.Filter{Client: q.Get("client"), Person: q.Get("person")}
	bad := map[string]any{}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad[p.name] = "not an RFC 3339 time, e.g. 2025-01-31T00:00:00+01:00"
			}
			*p.t = t
		}
	}
	for _, p := range []struct {
		name string
		n    *int64
	}{{"before", &f.Before}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				bad[p.name] = "not a positive integer"
			}
			*p.n = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			bad["limit"] = "from 1 to 1000"
		}
		f.Limit = n
	}
	if len(bad) > 0 {
		return apierr.Errorf(apierr.CodeInvalidRequest, "The filter has invalid values.").WithData(bad)
	}
	out, err := r.page(e, f)
	if err != nil {
		return err
	}
	out.Accounts = staffAccounts(e.App, out.Entries)
	t := accesslog.NewTouches()
	t.Add(f.Client, accesslog.ActionRead, accesslog.CollectionAccessLog, 0) // searched for, found or not
	for _, en := range out.Entries {
		t.Add(en.Client, accesslog.ActionRead, accesslog.CollectionAccessLog, 1)
	}
	r.touched(e, accesslog.PathREST, t)
	return e.JSON(http.StatusOK, out)
}

func (r *Recorder) page(e *core.RequestEvent, f accesslog.Filter) (*Page, error) {
	l, err := r.Log()
	if err != nil {
		return nil, err
	}
	// Whoever reads the log sees every access up to their question,
	// including those still queued for the writer.
	if err := l.Flush(); err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	list, err := l.Query(e.Request.Context(), f)
	if err != nil {
		return nil, err
	}
	out := &Page{Entries: list}
	if len(list) == f.Limit {
		out.NextBefore = list[len(list)-1].Seq
	}
	return out, nil
}

// staffAccounts names the staff accounts of the entries' on_behalf_of.
// An account deleted since is left out: the id is all there is.
func staffAccounts(app core.App, entries []accesslog.Entry) map[string]string {
	var out map[string]string
	seen := map[string]bool{}
	for _, en := range entries {
		col, id, _ := strings.Cut(en.OnBehalfOf, ":")
		if col != schema.Users || seen[en.OnBehalfOf] {
			continue
		}
		seen[en.OnBehalfOf] = true
		if out == nil {
			out = map[string]string{}
		}
		if u, err := app.FindRecordById(schema.Users, id); err == nil {
			out[en.OnBehalfOf] = u.GetString(schema.FieldName) + " (" + u.GetString(schema.FieldRole) + ")"
		}
	}
	return out
}
