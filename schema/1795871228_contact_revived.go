package schema

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// FieldRevivedAt is when a network contact last went from dormant to
// active: an old contact the client picked up again. The server sets it
// (hooks, on every write path); people read it like any other field of the
// contact, and the team review counts it, never shows it per contact.
const FieldRevivedAt = "revived_at"

// Network contact statuses.
const (
	ContactActive  = "active"
	ContactDormant = "dormant"
	ContactWished  = "wished"
)

// Dormant contacts revived (the team review): network_contacts.revived_at,
// visible to whoever sees the contact (nothing about a client's plan is
// hidden from them), indexed for counting per period.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(NetworkContacts)
		if err != nil {
			return err
		}
		c.Fields.Add(date(FieldRevivedAt))
		index(c, FieldRevivedAt, FieldRevivedAt)
		if err := app.Save(c); err != nil {
			return fmt.Errorf("network_contacts.revived_at: %w", err)
		}
		return nil
	}, nil)
}
