package invite

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
)

// fail is an error with a code of apierr (the invite API's own among
// them).
func fail(code, message string) *apierr.Error { return apierr.Errorf(code, "%s", message) }

// invalid is invalid_request naming fields, in PocketBase's shape for
// field errors ({"field": {"code", "message"}}), so its SDKs and the page
// read them alike.
func invalid(message string, fields validation.Errors) *apierr.Error {
	data := map[string]any{}
	for name, err := range fields {
		code, msg := "validation_invalid_value", err.Error()
		var ve validation.Error
		if errors.As(err, &ve) {
			code, msg = ve.Code(), ve.Message()
		}
		data[name] = map[string]string{"code": code, "message": msg}
	}
	return apierr.Errorf(apierr.CodeInvalidRequest, "%s", message).WithData(data)
}

func fieldErr(field, code, message string) validation.Errors {
	return validation.Errors{field: validation.NewError("validation_"+code, message)}
}

// writeError answers err in the one error shape (apierr.Write).
func writeError(e *core.RequestEvent, err error) error {
	apierr.Write(e.Response, e.Request, e.App.Logger(), err)
	return nil
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
			return apierr.Errorf(apierr.CodePayloadTooLarge, "The body may be at most %d bytes.", maxBody).
				WithData(map[string]any{"max_bytes": maxBody})
		}
		return apierr.Errorf(apierr.CodeInvalidRequest, "The body must be a JSON object with the documented fields: %s.", jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return apierr.Errorf(apierr.CodeInvalidRequest, "The body must hold exactly one JSON object.")
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
