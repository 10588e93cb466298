package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The render store (render_store.go): the JSON a pull sends, per record,
// keyed by the seq of the record's last change. change is
// "shape|clients|\"version\":N,\"record\":{...}" (see StoredChange). Filled here for the
// records there are; the write hooks keep it from then on.
const renderStoreSQL = `
CREATE TABLE sync_render (
	seq        INTEGER PRIMARY KEY,
	collection TEXT NOT NULL,
	record_id  TEXT NOT NULL,
	shape      INTEGER NOT NULL,
	change     TEXT NOT NULL
);
`

func init() {
	m.Register(func(app core.App) error {
		if _, err := app.DB().NewQuery(renderStoreSQL).Execute(); err != nil {
			return err
		}
		_, _, err := RefreshRenders(app)
		return err
	}, nil)
}
