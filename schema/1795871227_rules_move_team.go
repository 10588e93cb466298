package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(upRulesMoveTeam, nil)
}

// upRulesMoveTeam writes the access rules of every collection as they stood
// when moving a record to another team came to be checked through the
// team's back-relation (see memberOfBodyTeam). A later change to rules.go
// ships as a new migration with its own snapshot (see rules_snapshot.go).
func upRulesMoveTeam(app core.App) error {
	return applyRulesSnapshot(app, "1795871227_rules_move_team.json")
}
