// Package apierr is the one error shape of every API of ours (the sync
// protocol, invites, /me, the review, the embedded photo storage): a
// stable code, its HTTP status, a message for people and data for apps.
// It is PocketBase's own error shape plus the code, so PocketBase's SDKs
// read it. Write is the one place an error becomes an HTTP answer.
package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// Error codes. They are strings on the wire and append-only: apps switch
// on them (docs/sync-protocol.md lists what an app does with each).
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
	CodeMFARequired          = "mfa_required"       // a device registered with a staff login that did not pass MFA
	CodeUnavailable          = "unavailable"        // the server is stopping; retry after Retry-After (another instance may answer)

	// The invite API's own (server/invite).
	CodeInviteUsed      = "invite_used"
	CodeInviteExpired   = "invite_expired"
	CodeInviteRevoked   = "invite_revoked"
	CodeInviteLocked    = "invite_locked"
	CodeAccountDisabled = "account_disabled"
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
	CodeMFARequired:          http.StatusForbidden,
	CodeInviteUsed:           http.StatusGone,
	CodeInviteExpired:        http.StatusGone,
	CodeInviteRevoked:        http.StatusGone,
	CodeInviteLocked:         http.StatusTooManyRequests,
	CodeAccountDisabled:      http.StatusForbidden,
	CodeUnavailable:          http.StatusServiceUnavailable,
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

// Write answers err as JSON with its status: a protocol error as it is,
// anything else as internal, logged with the request's method and path
// but never shown. Error answers are never cached.
func Write(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, internal := AsError(err)
	if internal && log != nil {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err.Error())
	}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(e)
}
