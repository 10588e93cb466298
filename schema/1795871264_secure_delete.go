package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Every connection now writes with secure_delete on
// (internal/sqlitecache), so nothing a delete or an update frees stays in
// the file. Content freed before that may still sit in free space: both
// database files are rebuilt once (sync.Service.RebuildOnce, at the
// server's start and before any erasure), and sync_state remembers it. A
// new database, with no person in it yet, has nothing to rebuild.
func init() {
	m.Register(func(app core.App) error {
		if _, err := app.DB().NewQuery("ALTER TABLE sync_state ADD COLUMN secure_delete_rebuilt INTEGER NOT NULL DEFAULT 0").Execute(); err != nil {
			return err
		}
		var people int
		err := app.DB().NewQuery("SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM users) + (SELECT count(*) FROM " + core.CollectionNameSuperusers + ")").Row(&people)
		if err != nil || people > 0 {
			return err
		}
		_, err = app.DB().NewQuery("UPDATE sync_state SET secure_delete_rebuilt = 1 WHERE id = 1").Execute()
		return err
	}, nil)
}
