package invite

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	fieldsync "github.com/samenspel/samenspel/sync"
)

// Error codes of the invite API, besides the sync protocol's (doc.go has
// the table). Strings on the wire, append-only: the /invite/ page and the
// apps switch on them.
const (
	CodeInviteUsed      = "invite_used"
	CodeInviteExpired   = "invite_expired"
	CodeInviteRevoked   = "invite_revoked"
	CodeInviteLocked    = "invite_locked"
	CodeAccountDisabled = "account_disabled"
)

// statusOf maps the codes of this package to HTTP, in one place.
var statusOf = map[string]int{
	CodeInviteUsed:      http.StatusGone,
	CodeInviteExpired:   http.StatusGone,
	CodeInviteRevoked:   http.StatusGone,
	CodeInviteLocked:    http.StatusTooManyRequests,
	CodeAccountDisabled: http.StatusForbidden,
}

// fail is an error of this package's codes, or of the sync protocol's.
func fail(code, message string) *fieldsync.Error {
	if status, ok := statusOf[code]; ok {
		return &fieldsync.Error{Status: status, Code: code, Message: message, Data: map[string]any{}}
	}
	return fieldsync.Errorf(code, "%s", message)
}

// invalid is invalid_request naming fields, in PocketBase's shape for
// field errors ({"field": {"code", "message"}}), so its SDKs and the page
// read them alike.
func invalid(message string, fields validation.Errors) *fieldsync.Error {
	data := map[string]any{}
	for name, err := range fields {
		code, msg := "validation_invalid_value", err.Error()
		var ve validation.Error
		if errors.As(err, &ve) {
			code, msg = ve.Code(), ve.Message()
		}
		data[name] = map[string]string{"code": code, "message": msg}
	}
	return fieldsync.Errorf(fieldsync.CodeInvalidRequest, "%s", message).WithData(data)
}

func fieldErr(field, code, message string) validation.Errors {
	return validation.Errors{field: validation.NewError("validation_"+code, message)}
}

// writeError answers with the error shape {status, code, message, data}.
// Unknown errors become internal without internals, and only those are
// logged.
func writeError(e *core.RequestEvent, err error) error {
	pe, internal := fieldsync.AsError(err)
	if internal {
		e.App.Logger().Error("invite api", "path", e.Request.URL.Path, "error", err.Error())
	}
	return e.JSON(pe.Status, pe)
}

// handle turns a handler returning an error into a PocketBase action
// that answers errors in our shape.
func handle(h func(e *core.RequestEvent) error) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := h(e); err != nil {
			return writeError(e, err)
		}
		return nil
	}
}

// maxBody bounds the JSON bodies of this package: a few short strings.
const maxBody = 16 << 10

// decodeJSON reads one JSON object into v, refusing unknown fields, a
// second value and oversized bodies.
func decodeJSON(e *core.RequestEvent, v any) error {
	body := http.MaxBytesReader(e.Response, e.Request.Body, maxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fieldsync.Errorf(fieldsync.CodePayloadTooLarge, "The body may be at most %d bytes.", maxBody).
				WithData(map[string]any{"max_bytes": maxBody})
		}
		return fieldsync.Errorf(fieldsync.CodeInvalidRequest, "The body must be a JSON object with the documented fields: %s.", jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return fieldsync.Errorf(fieldsync.CodeInvalidRequest, "The body must hold exactly one JSON object.")
	}
	return nil
}

// jsonProblem says what was wrong with a body without echoing it.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return "field " + typeErr.Field + " has the wrong type"
	case errors.Is(err, io.EOF):
		return "the body is empty"
	default:
		if len(err.Error()) < 120 {
			return err.Error()
		}
		return "not valid JSON"
	}
}
