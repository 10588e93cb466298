package schema

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(upRulesStaffNames, nil)
}

// upRulesStaffNames lets clients read the begeleiders of their own team
// (users' list and view rules; the snapshot holds only users, so it
// leaves other collections' rules to the migrations that wrote them), and
// moves the conflicts that name a client to the plans audience, out of
// team advisers' reach (see ConflictNamesClient). Each conflict is a
// normal save, so where the change feed's hooks are bound its feed rows
// follow.
func upRulesStaffNames(app core.App) error {
	if err := applyRulesSnapshot(app, "1795871255_rules_staff_names.json"); err != nil {
		return err
	}
	conflicts, err := app.FindAllRecords(SyncConflicts, dbx.HashExp{FieldAudience: AudienceTeam})
	if err != nil {
		return err
	}
	for _, c := range conflicts {
		if !ConflictNamesClient(c) {
			continue
		}
		c.Set(FieldAudience, AudiencePlans)
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}
