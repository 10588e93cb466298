package storage

import (
	"errors"
	"net/http"
	"strings"

	"github.com/samenspel/samenspel/internal/apierr"
)

// Handler serves the local store's presigned URLs: PUT uploads and GET
// downloads, each authorised by the ticket in its query alone (no session,
// no device token), as an S3 presigned URL would be.
//
// Mount it so that it sees the full request path, BaseURL's path included,
// for every method, e.g. with PocketBase's router:
//
//	se.Router.Any("/api/sync/v1/blobs/{path...}", apis.WrapStdHandler(local.Handler()))
//
// The router's body size limit must allow the largest photo: the handler
// enforces the ticket's own limit while it streams the body to disk, and
// never holds a whole photo in memory.
//
// Answers use the sync protocol's error shape: 403 forbidden for a missing,
// tampered or expired ticket, for one made for another key, method or
// content type, and for an upload LocalConfig.PutOpen has closed; 413 payload_too_large for a body over the ticket's size;
// 400 invalid_request for a body shorter than its announced size or not
// matching its SHA-256; 404 not_found for a GET of a missing object. A
// refused upload leaves nothing behind. A successful PUT answers 200 with
// no body, like S3.
func (l *Local) Handler() http.Handler { return http.HandlerFunc(l.serveHTTP) }

func (l *Local) serveHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutPrefix(r.URL.Path, l.basePath+"/")
	if !ok {
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeNotFound, "No such object."))
		return
	}
	t, err := l.parseTicket(r.URL.Query().Get("ticket"))
	if err != nil {
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeForbidden, "Access denied: %s.", err))
		return
	}
	if t.Key != key {
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeForbidden, "Access denied: the ticket is for another object."))
		return
	}
	if t.Method != r.Method {
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeForbidden, "Access denied: the ticket is for %s requests.", t.Method))
		return
	}
	switch r.Method {
	case http.MethodGet:
		l.serveGet(w, r, key)
	case http.MethodPut:
		l.servePut(w, r, t)
	default: // tickets are only made for GET and PUT
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeForbidden, "Access denied."))
	}
}

func (l *Local) serveGet(w http.ResponseWriter, r *http.Request, key string) {
	f, info, err := l.open(key)
	if errors.Is(err, ErrNotFound) {
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeNotFound, "No such object."))
		return
	}
	if err != nil {
		l.internal(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", info.ContentType)
	h.Set("Cache-Control", "private")
	// The bytes come from phones and are served from the API's own origin:
	// never let a browser sniff them into HTML or run anything in them.
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", info.ModTime, f)
}

func (l *Local) servePut(w http.ResponseWriter, r *http.Request, t *ticket) {
	if l.putOpen != nil {
		open, err := l.putOpen(r.Context(), t.Key)
		if err != nil {
			l.internal(w, r, err)
			return
		}
		if !open {
			apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeForbidden, "Access denied: this upload is closed."))
			return
		}
	}
	if t.ContentType != "" && r.Header.Get("Content-Type") != t.ContentType {
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeForbidden, "Access denied: the ticket is for Content-Type %s.", t.ContentType))
		return
	}
	size, max := int64(-1), t.MaxSize
	if t.Size > 0 {
		size, max = t.Size, t.Size
	}
	tooLarge := func() {
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodePayloadTooLarge, "The body is larger than this upload allows.").WithData(map[string]any{"max_bytes": max}))
	}
	// Refuse what the headers already give away, before reading a byte.
	if n := r.ContentLength; n >= 0 {
		if max > 0 && n > max {
			tooLarge()
			return
		}
		if size >= 0 && n < size {
			apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeInvalidRequest, "The body is shorter than the announced size.").WithData(map[string]any{"size": size}))
			return
		}
	}
	err := l.write(r.Context(), t.Key, r.Body, size, max, t.SHA256, r.Header.Get("Content-Type"))
	switch {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, ErrTooLarge):
		tooLarge()
	case errors.Is(err, errShortBody):
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeInvalidRequest, "The body is shorter than the announced size.").WithData(map[string]any{"size": size}))
	case errors.Is(err, errDigest):
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeInvalidRequest, "The body does not match the announced SHA-256.").WithData(map[string]any{"sha256": t.SHA256}))
	case errors.Is(err, errBodyRead), errors.Is(err, ErrInvalidKey), r.Context().Err() != nil:
		apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeInvalidRequest, "The upload could not be stored: %v", err))
	default:
		l.internal(w, r, err)
	}
}

// internal logs err and answers 500 without its details.
func (l *Local) internal(w http.ResponseWriter, r *http.Request, err error) {
	apierr.Write(w, r, l.log, err)
}
