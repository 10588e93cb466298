package schema

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(applyAllRules, nil)
}

// applyAllRules writes the current Rules() to every collection. Rules live
// in rules.go as one truth; a change to them ships as a new migration that
// calls this (this one: moving a record to another team is checked through
// the team's back-relation, see memberOfBodyTeam).
func applyAllRules(app core.App) error {
	for name := range Rules() {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return fmt.Errorf("rules for %s: %w", name, err)
		}
		applyRules(c)
		if err := app.Save(c); err != nil {
			return fmt.Errorf("rules for %s: %w", name, err)
		}
	}
	return nil
}
