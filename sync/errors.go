package sync

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes of the sync protocol. They are strings on the wire and
// append-only: apps switch on them.
const (
	CodeInvalidRequest       = "invalid_request"
	CodeUnauthorized         = "unauthorized"
	CodeDeviceRevoked        = "device_revoked"
	CodeForbidden            = "forbidden"
	CodeNotFound             = "not_found"
	CodeConflict             = "conflict" // not an HTTP error of the spec: used in push results only
	CodeCursorExpired        = "cursor_expired"
	CodePayloadTooLarge      = "payload_too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeUpgradeRequired      = "upgrade_required"
	CodeRateLimited          = "rate_limited"
	CodeInternal             = "internal"
	CodeMutationReused       = "mutation_id_reused" // push results only: one mutation_id sent with different content
)

// statusOf maps each code to its HTTP status, in exactly one place.
var statusOf = map[string]int{
	CodeInvalidRequest:       http.StatusBadRequest,
	CodeUnauthorized:         http.StatusUnauthorized,
	CodeDeviceRevoked:        http.StatusUnauthorized,
	CodeForbidden:            http.StatusForbidden,
	CodeNotFound:             http.StatusNotFound,
	CodeConflict:             http.StatusConflict,
	CodeCursorExpired:        http.StatusGone,
	CodePayloadTooLarge:      http.StatusRequestEntityTooLarge,
	CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	CodeUpgradeRequired:      http.StatusUpgradeRequired,
	CodeRateLimited:          http.StatusTooManyRequests,
	CodeInternal:             http.StatusInternalServerError,
	CodeMutationReused:       http.StatusConflict,
}

// Error is a protocol error: a code, a message for people and data for
// apps (field errors, limits). Its JSON is the spec's error shape, which is
// also PocketBase's, so PocketBase SDKs read it.
type Error struct {
	Status  int            `json:"status"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns a protocol error with the code's status.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Status: statusOf[code], Code: code, Message: fmt.Sprintf(format, args...), Data: map[string]any{}}
}

// WithData returns the error with data set.
func (e *Error) WithData(data map[string]any) *Error {
	e.Data = data
	return e
}

// StatusOf returns the HTTP status of a code (500 for unknown codes).
func StatusOf(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// AsError turns any error into a protocol error. Unknown errors become
// internal, with no internals in the message; the caller logs those.
func AsError(err error) (e *Error, internal bool) {
	if errors.As(err, &e) {
		return e, false
	}
	return Errorf(CodeInternal, "Something went wrong on the server. Try again later."), true
}
