package server

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/audit"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// ErasePath is the endpoint by which a coordinator erases a client on
// their request: POST /api/admin/v1/clients/{id}/erase, with a
// coordinator's (or a superuser's) PocketBase token. See docs/erasure.md.
const ErasePath = "/api/admin/v1/clients/{id}/erase"

// mountErase adds the erasure endpoint.
func mountErase(se *core.ServeEvent, svc *fieldsync.Service) {
	se.Router.POST(ErasePath, func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		redactID(e, id)
		if _, err := eraser(e.Auth); err != nil {
			return writeAPIError(e, err)
		}
		if !validID(id) {
			return writeAPIError(e, fieldsync.ErrEraseNotFound)
		}
		by, onBehalfOf, err := erasedBy(e)
		if err != nil {
			return writeAPIError(e, err)
		}
		res, err := svc.EraseClientAs(e.Request.Context(), id, by, onBehalfOf)
		if err != nil {
			return writeAPIError(e, err)
		}
		e.App.Logger().Info("client erased", "by", by, "on_behalf_of", onBehalfOf, "removed", res.Removed)
		e.Response.Header().Set("Cache-Control", "no-store")
		return e.JSON(http.StatusOK, res)
	})
}

// redactID keeps the client's id out of PocketBase's request log, which
// logs the URL after the answer: the erasure removes every log entry
// naming the client, and this one would come after it.
func redactID(e *core.RequestEvent, id string) {
	if id == "" {
		return
	}
	u := *e.Request.URL
	u.Path = strings.Replace(u.Path, id, "{id}", 1)
	u.RawPath = ""
	e.Request.URL = &u
}

// eraser names who may erase: a coordinator, or a superuser (the
// dashboard's people). A client asks a coordinator; nobody else may.
func eraser(auth *core.Record) (string, error) {
	switch {
	case auth == nil:
		return "", apierr.Errorf(apierr.CodeUnauthorized, "Log in as a coordinator to erase a client.")
	case auth.IsSuperuser():
		return core.CollectionNameSuperusers + ":" + auth.Id, nil
	case auth.Collection().Name == schema.Users && auth.GetString(schema.FieldRole) == schema.RoleCoordinator:
		return schema.Users + ":" + auth.Id, nil
	case auth.Collection().Name == schema.Clients:
		return "", apierr.Errorf(apierr.CodeForbidden, "Only a coordinator can erase a client. Ask your begeleider or a coordinator: they will erase your data on your request.")
	}
	return "", apierr.Errorf(apierr.CodeForbidden, "Only a coordinator can erase a client.")
}

// erasedBy names who erases, for the access log: the person logged in,
// or, with a superuser's impersonation token, the superuser ("_superusers:"
// and their id, empty when not known) acting as that account.
func erasedBy(e *core.RequestEvent) (by, onBehalfOf string, err error) {
	imp, err := audit.ImpersonatorOf(e.App, e.Auth, e.Request.Header.Get("Authorization"))
	if err != nil {
		return "", "", err
	}
	if imp != nil {
		return core.CollectionNameSuperusers + ":" + imp.ID, schema.AuthorOf(e.Auth), nil
	}
	return schema.AuthorOf(e.Auth), "", nil
}

// validID accepts a PocketBase record id ([a-z0-9]{15}); anything else
// names no client.
func validID(id string) bool {
	if len(id) != 15 {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// writeAPIError answers err in the one error shape (internal/apierr).
func writeAPIError(e *core.RequestEvent, err error) error {
	apierr.Write(e.Response, e.Request, e.App.Logger(), err)
	return nil
}
