package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/secret"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/audit"
	"github.com/samenspel/samenspel/storage"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// blobsPath is where the local store's presigned URLs point.
const blobsPath = SyncPrefix + "/blobs"

// OpenStore opens the app's photo storage as the server does, for tools
// and tests that look at stored bytes.
func OpenStore(ctx context.Context, app core.App, cfg *Config) (storage.Store, error) {
	secret, err := secret.New(app).Key(secret.External("storage"))
	if err != nil {
		return nil, err
	}
	st, _, err := openStore(ctx, app, cfg, secret, nil)
	return st, err
}

// openStore opens the configured photo storage. It runs when the server
// starts serving, so a wrong S3 endpoint, key or bucket stops the start
// with a message saying which; other commands (migrate, superuser) never
// touch the network. putOpen, if set, closes the local store's uploads
// (see storage.LocalConfig.PutOpen); S3 checks presigned URLs alone.
func openStore(ctx context.Context, app core.App, cfg *Config, secret []byte, putOpen func(context.Context, string) (bool, error)) (storage.Store, *storage.Local, error) {
	s := cfg.Storage
	if s.Kind == "s3" {
		st, err := storage.NewS3(ctx, storage.S3Config{
			Endpoint: s.Endpoint, Bucket: s.Bucket, AccessKey: s.AccessKey, SecretKey: s.SecretKey,
			Region: s.Region, PathStyle: s.PathStyle, TLS: s.TLS, Prefix: s.Prefix,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("photo storage (S3 %s, bucket %s): %w", s.Endpoint, s.Bucket, err)
		}
		return st, nil, nil
	}
	base := cfg.PublicURL
	if base == "" {
		base = "http://localhost" // replaced by each request's own origin, see uploadOrigin
	}
	local, err := storage.NewLocal(storage.LocalConfig{
		Root:    filepath.Join(app.DataDir(), "photos"),
		BaseURL: base + blobsPath,
		Secret:  secret,
		Logger:  app.Logger(),
		PutOpen: putOpen,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("photo storage (local): %w", err)
	}
	return local, local, nil
}

// mountMedia adds the photo endpoints to the sync API and, for local
// storage, the upload/download endpoint its presigned URLs point at.
func (api *syncAPI) mountMedia(se *core.ServeEvent, g *echo.Group, local *storage.Local) {
	g.POST("/media", api.announce)
	g.POST("/media/:id/complete", api.complete)
	g.GET("/media/:id/content", api.content)
	if local != nil {
		// The store's handler enforces each ticket's size while it streams
		// to disk; PocketBase's body limit and rereadable copy stay out of
		// the way (see rawBody).
		h := local.Handler()
		se.Router.Any(blobsPath+"/{path...}", func(e *core.RequestEvent) error {
			h.ServeHTTP(e.Response, rawBody(e.Request))
			return nil
		}).Unbind(apis.DefaultBodyLimitMiddlewareId)
	}
}

func (api *syncAPI) announce(c echo.Context) error {
	dev, err := api.device(c)
	if err != nil {
		return err
	}
	var a fieldsync.MediaAnnounce
	if err := decodeJSON(c, &a); err != nil {
		return err
	}
	t, err := api.svc.Announce(c.Request().Context(), dev, a)
	if err != nil {
		return err
	}
	if t.Upload != nil && api.rewriteOrigin {
		t.Upload.URL = withOrigin(t.Upload.URL, c)
	}
	return c.JSON(http.StatusOK, t)
}

func (api *syncAPI) complete(c echo.Context) error {
	dev, err := api.device(c)
	if err != nil {
		return err
	}
	t, err := api.svc.Complete(c.Request().Context(), dev, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// content serves a photo to a device, or to a PocketBase login (the review
// page), whoever may see its observation.
func (api *syncAPI) content(c echo.Context) error {
	person := pbAuth(c)
	var dev *fieldsync.Device
	if person == nil {
		var err error
		if dev, err = api.device(c); err != nil {
			return err
		}
		person = dev.Person
	}
	m, err := api.svc.Content(c.Request().Context(), person, c.Param("id"))
	if err != nil {
		return err
	}
	api.logPhoto(c, person, dev, c.Param("id"))
	c.Response().Header().Set("Cache-Control", "private, max-age=300")
	if m.Redirect != "" {
		// A browser page cannot send its login along a redirect to another
		// origin; it asks for JSON and puts the URL in an <img>.
		if strings.Contains(c.Request().Header.Get("Accept"), "application/json") {
			return c.JSON(http.StatusOK, map[string]string{"url": m.Redirect})
		}
		return c.Redirect(http.StatusFound, m.Redirect)
	}
	defer m.Body.Close()
	c.Response().Header().Set("Content-Length", strconv.FormatInt(m.Size, 10))
	c.Response().Header().Set("Content-Type", m.ContentType)
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), m.Body)
	return err
}

// withOrigin points a local upload URL at the origin the phone used to
// reach us, when no public URL is configured.
func withOrigin(raw string, c echo.Context) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme, u.Host = c.Scheme(), c.Request().Host
	return u.String()
}

// logPhoto records a photo download in the access log: whose observation
// it is on (schema.ClientsOf). A failure to find out is logged; the photo
// is served either way, as a REST read would be.
func (api *syncAPI) logPhoto(c echo.Context, person *core.Record, dev *fieldsync.Device, id string) {
	if api.audit == nil {
		return
	}
	clients, err := schema.ClientsOf(api.app.DB(), schema.Media, []string{id})
	if err != nil {
		api.app.Logger().Error("access log: photo download not recorded", "media", id, "error", err.Error())
		return
	}
	t := accesslog.NewTouches()
	for _, cl := range clients[id] {
		t.Add(cl, accesslog.ActionRead, schema.Media, 1)
	}
	ip, _ := c.Request().Context().Value(ipKey).(string)
	var base accesslog.Entry
	if dev != nil {
		base = audit.Who(person, accesslog.PathMedia, ip)
		base.Device = dev.ID
	} else {
		// A PocketBase login (the review page): its token may be a
		// superuser's impersonation of the person.
		base = audit.WhoOf(api.app, person, c.Request().Header.Get("Authorization"), accesslog.PathMedia, ip)
	}
	api.audit.Touched(base, t)
}
