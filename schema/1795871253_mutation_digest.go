package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// sync_mutations keeps, with each stored result, a digest of the mutation's
// content, so that a mutation_id sent again with other content is refused
// (mutation_id_reused) instead of answered with the first content's result.
// Rows stored before this migration have an empty digest and are answered
// as replays.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`ALTER TABLE sync_mutations ADD COLUMN digest TEXT NOT NULL DEFAULT ''`).Execute()
		return err
	}, nil)
}
