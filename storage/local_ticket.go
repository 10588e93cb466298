package storage

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ticketAudience keeps tickets apart from every other JWT the server signs.
const ticketAudience = "samenspel-storage"

// ticket is the local store's stand-in for an S3 signature: a JWT (HS256)
// that allows one method on one key until it expires, with the limits of
// the PutPolicy it was made from. The URL path must name the same key.
type ticket struct {
	Key         string `json:"key"`
	Method      string `json:"method"`
	MaxSize     int64  `json:"max_size,omitempty"`
	Size        int64  `json:"size,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	jwt.RegisteredClaims
}

// Why a ticket is refused; the handler says which in its 403 message.
var (
	errTicketMissing = errors.New("the URL has no ticket")
	errTicketExpired = errors.New("the ticket has expired")
	errTicketInvalid = errors.New("the ticket is not valid")
)

func (l *Local) sign(t ticket, now time.Time, expires time.Duration) (Request, error) {
	exp := expiresAt(now, expires)
	t.RegisteredClaims = jwt.RegisteredClaims{
		Audience:  jwt.ClaimStrings{ticketAudience},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, &t).SignedString(l.key)
	if err != nil {
		return Request{}, err
	}
	u := *l.baseURL
	segs := strings.Split(t.Key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	u.RawPath = l.basePath + "/" + strings.Join(segs, "/")
	u.Path = l.basePath + "/" + t.Key
	u.RawQuery = url.Values{"ticket": {s}}.Encode()
	return Request{Method: t.Method, URL: u.String(), Headers: map[string]string{}, ExpiresAt: exp}, nil
}

// parseTicket checks the signature, algorithm, audience and expiry of s.
// Which key and method it allows is for the caller to compare.
func (l *Local) parseTicket(s string) (*ticket, error) {
	if s == "" {
		return nil, errTicketMissing
	}
	var t ticket
	_, err := jwt.ParseWithClaims(s, &t, func(*jwt.Token) (any, error) { return l.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithAudience(ticketAudience),
		jwt.WithExpirationRequired(),
		jwt.WithStrictDecoding(),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errTicketExpired
	case err != nil:
		return nil, errTicketInvalid
	}
	return &t, nil
}

// PresignPut implements Store: a URL of Handler with a PUT ticket. Every
// field of p is enforced by Handler, MaxSize included, while the body
// streams to disk.
func (l *Local) PresignPut(ctx context.Context, key string, p PutPolicy) (Request, error) {
	if err := checkPolicy(key, p); err != nil {
		return Request{}, err
	}
	r, err := l.sign(ticket{Key: key, Method: http.MethodPut, MaxSize: p.MaxSize, Size: p.Size, ContentType: p.ContentType, SHA256: p.SHA256}, time.Now(), p.Expires)
	if err != nil {
		return Request{}, err
	}
	// The same headers as on S3, so that apps treat both backends alike.
	if p.ContentType != "" {
		r.Headers["Content-Type"] = p.ContentType
	}
	if p.Size > 0 {
		r.Headers["Content-Length"] = strconv.FormatInt(p.Size, 10)
	}
	return r, nil
}

// PresignGet implements Store: a URL of Handler with a GET ticket.
func (l *Local) PresignGet(ctx context.Context, key string, expires time.Duration) (Request, error) {
	if err := ValidateKey(key); err != nil {
		return Request{}, err
	}
	if err := checkExpires(expires); err != nil {
		return Request{}, err
	}
	return l.sign(ticket{Key: key, Method: http.MethodGet}, time.Now(), expires)
}
