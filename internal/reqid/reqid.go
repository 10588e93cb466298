// Package reqid carries a request's id, and a logger that names it, in the
// request's context, so every log line written while serving the request
// can be found again from the X-Request-Id a client or a proxy saw.
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
)

// Header is the HTTP header the id travels in, both ways.
const Header = "X-Request-Id"

type ctxKey struct{}

type value struct {
	id  string
	log *slog.Logger
}

// Accept returns the id a client sent when it is a sane one (1 to 64
// characters of letters, digits, '-', '_', '.', ':'), or a new random id:
// a proxy's id is kept so its logs and ours line up, and nothing a client
// sends can break a log line.
func Accept(sent string) string {
	if len(sent) > 0 && len(sent) <= 64 {
		ok := true
		for _, c := range []byte(sent) {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == ':':
			default:
				ok = false
			}
		}
		if ok {
			return sent
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// With returns ctx carrying id and base.With("request_id", id).
func With(ctx context.Context, id string, base *slog.Logger) context.Context {
	return context.WithValue(ctx, ctxKey{}, value{id: id, log: base.With("request_id", id)})
}

// ID is the request id in ctx, or "".
func ID(ctx context.Context) string {
	v, _ := ctx.Value(ctxKey{}).(value)
	return v.id
}

// Logger is the request's logger, or fallback outside a request.
func Logger(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if v, ok := ctx.Value(ctxKey{}).(value); ok && v.log != nil {
		return v.log
	}
	return fallback
}
