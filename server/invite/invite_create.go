package invite

import (
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// CreateRequest is the body of POST /api/invites/v1.
type CreateRequest struct {
	Client string `json:"client"`
}

// CreateResponse is its answer. Link is what the client opens; QRSVG is
// the same link as a QR code, for a begeleider to show on their screen.
type CreateResponse struct {
	Code      string    `json:"code"`
	Link      string    `json:"link"`
	ExpiresAt time.Time `json:"expires_at"`
	QRSVG     string    `json:"qr_svg"`
}

// create makes an invite for a client and revokes the client's older open
// invites, in one transaction. Who may: a begeleider of the client's team,
// a coordinator (both as the clients collection's update rule says: people
// who may manage the client's account) and superusers.
func (s *Service) create(e *core.RequestEvent) error {
	auth := e.Auth
	switch {
	case auth == nil:
		return fail(apierr.CodeUnauthorized, "Log in as a begeleider or coordinator to invite a client.")
	case auth.IsSuperuser():
	case auth.Collection().Name != schema.Users:
		return fail(apierr.CodeForbidden, "Only staff can invite clients.")
	case auth.GetString(schema.FieldRole) != schema.RoleBegeleider && auth.GetString(schema.FieldRole) != schema.RoleCoordinator:
		return fail(apierr.CodeForbidden, "Only a begeleider of the client's team or a coordinator can invite a client.")
	}

	var req CreateRequest
	if err := decodeJSON(e, &req); err != nil {
		return err
	}
	if req.Client == "" {
		return invalid("Say which client to invite.", fieldErr("client", "required", "Cannot be blank."))
	}
	client, err := e.App.FindRecordById(schema.Clients, req.Client)
	if errors.Is(err, sql.ErrNoRows) {
		return fail(apierr.CodeNotFound, "There is no such client.")
	}
	if err != nil {
		return err
	}
	info := schema.RequestInfo(auth, http.MethodPost, nil)
	ok, err := e.App.CanAccessRecord(client, info, client.Collection().UpdateRule)
	if err != nil {
		return err
	}
	if !ok {
		return fail(apierr.CodeForbidden, "You can only invite clients of your own teams.")
	}
	if client.GetBool(schema.FieldDisabled) {
		return fail(apierr.CodeAccountDisabled, "This client's account is disabled; enable it before inviting.")
	}
	// Accepting an invite sets the password. Once a client has set their
	// own, a new invite would let whoever makes it take over the account
	// (and agree to goals in the client's name): only a coordinator may
	// then reset it, and the invite says who did.
	if auth.GetString(schema.FieldRole) == schema.RoleBegeleider {
		var used int
		if err := e.App.DB().NewQuery("SELECT count(*) FROM invites WHERE client = {:c} AND used_at != ''").
			Bind(dbx.Params{"c": client.Id}).Row(&used); err != nil {
			return err
		}
		if used > 0 {
			return fail(apierr.CodeForbidden, "This client already chose their own password. Ask a coordinator to send a new invite if they lost it.")
		}
	}

	now := s.clock().UTC()
	expires := now.Add(TTL).Truncate(time.Millisecond) // as the database keeps it
	var inv *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := revokeOpen(tx, client.Id, now); err != nil {
			return err
		}
		c, err := tx.FindCachedCollectionByNameOrId(schema.Invites)
		if err != nil {
			return err
		}
		inv = core.NewRecord(c)
		inv.Set(schema.FieldClient, client.Id)
		if !auth.IsSuperuser() {
			inv.Set(schema.FieldCreatedBy, auth.Id)
		}
		inv.Set(schema.FieldExpiresAt, expires)
		inv.Set(schema.FieldAttempts, 0)
		return tx.Save(inv)
	})
	if err != nil {
		return err
	}
	code, err := s.sign(inv.Id, client.Id)
	if err != nil {
		return err
	}
	link := s.link(e.Request, code)
	svg, err := qrSVG(link)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, CreateResponse{Code: code, Link: link, ExpiresAt: expires, QRSVG: svg})
}

// revokeOpen marks every open invite of a client revoked: only the newest
// invite works, so a link handed out earlier (and perhaps lost) stops.
func revokeOpen(tx core.App, client string, now time.Time) error {
	var open []*core.Record
	err := tx.RecordQuery(schema.Invites).
		Where(dbx.HashExp{schema.FieldClient: client, schema.FieldUsedAt: "", schema.FieldRevokedAt: ""}).
		All(&open)
	if err != nil {
		return err
	}
	at, _ := types.ParseDateTime(now)
	for _, r := range open {
		r.Set(schema.FieldRevokedAt, at)
		if err := tx.Save(r); err != nil {
			return err
		}
	}
	return nil
}
