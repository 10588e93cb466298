package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Invites is the collection of client invitations (server/invite). It is
// bookkeeping, not synced: a begeleider makes an invite through
// POST /api/invites/v1, and the client accepts it with the code from the
// link. The code itself is never stored (only the record id and a MAC of
// it travel in the link), so the coordinators who may list invites here
// cannot use one.
const Invites = "invites"

const invitesID = "sam_invites"

// Invite fields: attempts counts refused tries with a code of this invite
// (a wrong signature, a failed accept), so that a code cannot be guessed
// or worn down; revoked_at is set when a newer invite for the same client
// replaces this one.
const (
	FieldCreatedBy = "created_by"
	FieldExpiresAt = "expires_at"
	FieldUsedAt    = "used_at"
	FieldRevokedAt = "revoked_at"
	FieldAttempts  = "attempts"
)

func init() {
	m.Register(func(app core.App) error {
		c := base(invitesID, Invites,
			relation(FieldClient, clientsID, true, 1, true), // a deleted client's invites go with them
			relation(FieldCreatedBy, usersID, false, 1, false),
			&core.DateField{Name: FieldExpiresAt, Required: true},
			date(FieldUsedAt),
			date(FieldRevokedAt),
			number(FieldAttempts, true, 0, 1e9),
		)
		for _, f := range timestamps() {
			c.Fields.Add(f)
		}
		index(c, "client", FieldClient)
		// Coordinators (and superusers) may look at invites; nobody writes
		// them through the API: the invite endpoints are the only way in.
		c.ListRule = types.Pointer(isCoordinator)
		c.ViewRule = types.Pointer(isCoordinator)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(Invites)
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
