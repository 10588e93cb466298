package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Every connection now writes with secure_delete on
// (internal/sqlitecache), so nothing a delete or an update frees stays in
// the file. Content freed before that may still sit in free space: both
// database files are rebuilt once (sync.Service.RebuildOnce, at the
// server's start and before any erasure), and sync_state remembers it.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery("ALTER TABLE sync_state ADD COLUMN secure_delete_rebuilt INTEGER NOT NULL DEFAULT 0").Execute()
		return err
	}, nil)
}
