package server

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// A client deleted through PocketBase's REST API (the admin dashboard
// uses it) is erased, as by POST /api/admin/v1/clients/{id}/erase:
// PocketBase's own delete would take only what its relations cascade to,
// and leave the client's words in conflicts, rejections, the change feed,
// the request log and free pages. Who may is the collection's DeleteRule,
// checked by PocketBase before the hook runs (coordinators, superusers,
// and begeleiders of the client's team); whom it refuses gets its usual
// 404 and nothing is erased.

// eraseOnDeleteID is the hook's id.
const eraseOnDeleteID = "samenspelEraseOnDelete"

// bindEraseOnDelete replaces PocketBase's delete of a client by an
// erasure. It runs before the other delete-request handlers (priority
// -10) and does not call e.Next(): the erasure writes its own access-log
// entry ("erase"), so the access log's "delete" handler has nothing to
// add, and the author stamp is for a delete that no longer happens. A
// handler that must veto deleting a client binds with a lower priority.
func bindEraseOnDelete(app core.App, svc *fieldsync.Service) {
	app.OnRecordDeleteRequest(schema.Clients).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:       eraseOnDeleteID,
		Priority: -10,
		Func:     func(e *core.RecordRequestEvent) error { return eraseOnDelete(e, svc) },
	})
}

func eraseOnDelete(e *core.RecordRequestEvent, svc *fieldsync.Service) error {
	// The erasure opens its own transactions, deletes photo bytes that a
	// rollback would not bring back, and rebuilds the database files: it
	// cannot be one step of a batch.
	if e.App.IsTransactional() {
		return e.BadRequestError("A client is erased on their own, not in a batch: send DELETE /api/collections/clients/records/{id} alone.", nil)
	}
	id := e.Record.Id
	by, onBehalfOf, err := erasedBy(e.RequestEvent)
	if err != nil {
		return e.InternalServerError("", err)
	}
	redactID(e.RequestEvent, id)
	res, err := svc.EraseClientAs(e.Request.Context(), id, by, onBehalfOf)
	switch {
	case errors.Is(err, fieldsync.ErrEraseNotFound):
		return e.NotFoundError("", nil) // erased by someone else a moment ago
	case err != nil:
		// Nothing is half-kept: a failure before the database part
		// changed nothing there, and the database part is one
		// transaction. Trying again finishes the job.
		return e.InternalServerError("The client could not be erased. Try again; an erasure can be repeated.", err)
	}
	e.App.Logger().Info("client erased", "by", by, "on_behalf_of", onBehalfOf, "via", "rest delete", "removed", res.Removed)
	return e.NoContent(http.StatusNoContent)
}
