package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Impersonations is the table that links PocketBase's impersonation tokens
// to the superuser who made them (server/audit/impersonation.go).
// PocketBase's token names only the account it acts as; without this row
// the access log could not say that a superuser, not the account's owner,
// looked. A row is written before the token is handed out and removed
// once the token has expired.
//
// It holds the SHA-256 of the token (not the token: reading the table
// gives no login), the superuser's id and e-mail as they were, and when
// the token expires. Never a client's id, so an erasure has nothing to
// remove here.
const Impersonations = "access_impersonations"

const impersonationsSQL = `
CREATE TABLE access_impersonations (
	token_hash      TEXT PRIMARY KEY,
	superuser       TEXT NOT NULL,
	superuser_email TEXT NOT NULL,
	expires         INTEGER NOT NULL
) WITHOUT ROWID;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(impersonationsSQL).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery("DROP TABLE IF EXISTS access_impersonations").Execute()
		return err
	})
}
