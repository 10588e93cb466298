package audit

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/spf13/cast"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/schema"
)

// A superuser can make a login token for any account
// (POST /api/collections/{collection}/impersonate/{id}). PocketBase's
// token names only that account, so a request made with it looks like
// the account's owner's own. The access log must name who really looked
// (NEN 7513 logs the natural person), so the token is linked to the
// superuser when PocketBase hands it out, in a table of data.db
// (schema.Impersonations): a restart, or a second server process on the
// same data, keeps the link. An entry of a request made with it names the
// superuser as the person, and the account as OnBehalfOf.
//
// How a token is recognised: PocketBase's impersonation tokens are its
// only "static" auth tokens (claim refreshable=false; the installer's
// one-off superuser token is the other, and a superuser acting as
// themselves needs no link). A normal login's token is refreshable and
// costs no database read.

// ActionImpersonate is the entry of a superuser making a token for a
// client's account: from then on they can read everything of the client,
// so the client is told. (Making one for a staff account touches no
// client's data yet; each access made with it is logged.)
const ActionImpersonate = "impersonate"

// Impersonator is the superuser behind an impersonation token.
type Impersonator struct {
	ID    string // _superusers id; "" when the token was made before links were kept
	Email string // as it was when they made the token
}

// bindImpersonation links every impersonation token to its superuser
// before PocketBase sends it, and logs that it was made.
func (r *Recorder) bindImpersonation(app core.App) {
	app.OnRecordAuthRequest().Bind(&hook.Handler[*core.RecordAuthRequestEvent]{
		Id: "samenspelImpersonationLink", Func: r.onImpersonate,
	})
}

// onImpersonate runs for every auth answer (logins, refreshes,
// impersonations); only a superuser's request that yields a static token
// is an impersonation. The link is written before e.Next() sends the
// token: when it cannot be written, no token leaves.
func (r *Recorder) onImpersonate(e *core.RecordAuthRequestEvent) error {
	if e.Auth == nil || !e.Auth.IsSuperuser() || !isStatic(e.Token) || (e.Record.IsSuperuser() && e.Record.Id == e.Auth.Id) {
		return e.Next()
	}
	expires, err := tokenExpiry(e.Token)
	if err != nil {
		return e.InternalServerError("", fmt.Errorf("impersonation token: %w", err))
	}
	if err := linkImpersonation(e.App, e.Token, e.Auth, expires); err != nil {
		return e.InternalServerError("", err)
	}
	if err := e.Next(); err != nil {
		return err
	}
	target := e.Record.Collection().Name + ":" + e.Record.Id
	// PocketBase's own request log keeps the URL for its retention
	// (days); this line says in words what happened.
	e.App.Logger().Info("superuser impersonates an account", "superuser", e.Auth.Id, "account", target, "expires", expires.UTC().Format(time.RFC3339))
	if e.Record.Collection().Name == schema.Clients {
		entry := Who(e.Auth, accesslog.PathREST, e.RealIP())
		entry.OnBehalfOf = target
		t := accesslog.NewTouches()
		t.Add(e.Record.Id, ActionImpersonate, schema.Clients, 1)
		r.Touched(entry, t)
	}
	return nil
}

// linkImpersonation stores the link of token to superuser su, and drops
// the links of tokens that have expired (they open nothing any more).
func linkImpersonation(app core.App, token string, su *core.Record, expires time.Time) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("DELETE FROM " + schema.Impersonations + " WHERE expires < {:now}").
			Bind(dbx.Params{"now": time.Now().Unix()}).Execute(); err != nil {
			return fmt.Errorf("impersonation link: %w", err)
		}
		_, err := tx.DB().NewQuery("INSERT OR REPLACE INTO " + schema.Impersonations +
			" (token_hash, superuser, superuser_email, expires) VALUES ({:h}, {:su}, {:email}, {:exp})").
			Bind(dbx.Params{"h": tokenHash(token), "su": su.Id, "email": su.Email(), "exp": expires.Unix()}).Execute()
		if err != nil {
			return fmt.Errorf("impersonation link: %w", err)
		}
		return nil
	})
}

// ImpersonatorOf says which superuser made token to act as auth, for a
// token PocketBase has already verified and loaded as auth (the request's
// Authorization header, "Bearer " optional). It returns nil for a normal
// login, and for a superuser's static token that no superuser made for
// them (PocketBase's installer token): they act as themselves. For a staff
// member's or client's impersonation token with no link (made before this
// server kept them) it returns an Impersonator with an empty ID: a
// superuser looked, it is not known which. Errors are the database's.
func ImpersonatorOf(app core.App, auth *core.Record, token string) (*Impersonator, error) {
	if auth == nil {
		return nil, nil
	}
	token = bareToken(token)
	if token == "" || !isStatic(token) {
		return nil, nil
	}
	var row struct {
		ID    string `db:"superuser"`
		Email string `db:"superuser_email"`
	}
	err := app.DB().NewQuery("SELECT superuser, superuser_email FROM " + schema.Impersonations +
		" WHERE token_hash = {:h} AND expires >= {:now}").
		Bind(dbx.Params{"h": tokenHash(token), "now": time.Now().Unix()}).One(&row)
	switch {
	case errors.Is(err, sql.ErrNoRows) && auth.IsSuperuser():
		return nil, nil
	case errors.Is(err, sql.ErrNoRows):
		return &Impersonator{}, nil
	case err != nil:
		return nil, fmt.Errorf("impersonation link: %w", err)
	}
	return &Impersonator{ID: row.ID, Email: row.Email}, nil
}

// WhoOf is Who for a request made with a PocketBase token: for an
// impersonation token, the person is the superuser who made it (role
// superuser, their e-mail as the name) and OnBehalfOf the account
// ("users:<id>", "clients:<id>"). The path stays the request's: the
// superuser used the API, a page or /me/ as that account, not the
// dashboard. When the link cannot be read, the entry says a superuser of
// unknown id looked, and the error is logged.
func WhoOf(app core.App, auth *core.Record, token, path, ip string) accesslog.Entry {
	imp, err := ImpersonatorOf(app, auth, token)
	if err != nil {
		app.Logger().Error("access log: impersonation link not read", "error", err.Error())
		imp = &Impersonator{}
	}
	if imp == nil {
		return Who(auth, path, ip)
	}
	return accesslog.Entry{
		Path: path, IP: ip,
		Person: imp.ID, PersonCollection: core.CollectionNameSuperusers, Role: "superuser", PersonName: imp.Email,
		OnBehalfOf: auth.Collection().Name + ":" + auth.Id,
	}
}

// whoOf is WhoOf for a PocketBase request.
func whoOf(e *core.RequestEvent, path string) accesslog.Entry {
	return WhoOf(e.App, e.Auth, e.Request.Header.Get("Authorization"), path, e.RealIP())
}

// bareToken strips PocketBase's optional "Bearer " prefix.
func bareToken(h string) string {
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return h[7:]
	}
	return h
}

// isStatic says whether the token is one of PocketBase's static auth
// tokens: it carries refreshable=false. Unreadable claims, or no such
// claim, are not: PocketBase did not accept the first, and makes no
// static token without the second, so neither is linked to anyone.
func isStatic(token string) bool {
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return false
	}
	v, ok := claims[core.TokenClaimRefreshable]
	return ok && !cast.ToBool(v)
}

// tokenExpiry is the token's exp claim.
func tokenExpiry(token string) (time.Time, error) {
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return time.Time{}, err
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return time.Time{}, fmt.Errorf("no expiry: %v", err)
	}
	return exp.Time, nil
}

// tokenHash is what the table keeps of a token: reading the table gives
// no login.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
