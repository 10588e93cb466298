package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// sync_state.previous_secret is the server secret before the last
// rotation (`samenspel sync rotate-keys`), NULL before the first. Cursors
// made with it make the device start over instead of failing; nothing else
// is accepted under it.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery("ALTER TABLE sync_state ADD COLUMN previous_secret BLOB").Execute()
		return err
	}, nil)
}
