package schema

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// NewEpochSQL gives the change feed a new history id (sync_state.epoch).
// Cursors carry the epoch they were issued in; one of another epoch is
// expired. Run it whenever the feed's history may have gone back (a
// restore from a backup): sequence numbers a device has already passed
// would otherwise be handed out again and never reach it.
const NewEpochSQL = "UPDATE sync_state SET epoch = lower(hex(randomblob(16))) WHERE id = 1"

// sync_state.epoch: the change feed's history id.
func init() {
	m.Register(func(app core.App) error {
		if _, err := app.DB().NewQuery("ALTER TABLE sync_state ADD COLUMN epoch TEXT NOT NULL DEFAULT ''").Execute(); err != nil {
			return fmt.Errorf("sync_state.epoch: %w", err)
		}
		if _, err := app.DB().NewQuery(NewEpochSQL).Execute(); err != nil {
			return fmt.Errorf("sync_state.epoch: %w", err)
		}
		return nil
	}, nil)
}
