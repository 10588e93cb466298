package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// A migration that writes access rules writes the text they had when it was
// written, kept in rules_snapshots/<migration>.json, never Rules() as it is
// at run time: a migration that read Rules() would write whatever rules.go
// says today, so a database built from the migrations would match rules.go
// by construction, and a change to rules.go without a migration would pass
// every test while servers that already ran the migrations keep the old
// rules. TestRulesAreMigrated holds the rules after all migrations equal to
// Rules(); when rules.go changes, it fails until a new migration applies a
// new snapshot (it writes one with -rules.snapshot). A snapshot may be cut
// down to the collections whose rules it changes (applyRulesSnapshot
// writes only those), so it does not rewrite rules another migration owns.
//
//go:embed rules_snapshots/*.json
var rulesSnapshots embed.FS

// ruleSnapshot is the rule set of one collection in a snapshot file; a
// null rule is "superusers only".
type ruleSnapshot struct {
	List   *string `json:"listRule"`
	View   *string `json:"viewRule"`
	Create *string `json:"createRule"`
	Update *string `json:"updateRule"`
	Delete *string `json:"deleteRule"`
}

// encodeRulesSnapshot renders rules as a snapshot file.
func encodeRulesSnapshot(rules map[string]RuleSet) ([]byte, error) {
	snap := make(map[string]ruleSnapshot, len(rules))
	for name, r := range rules {
		snap[name] = ruleSnapshot{List: r.List, View: r.View, Create: r.Create, Update: r.Update, Delete: r.Delete}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // rules are read by people: && as is
	enc.SetIndent("", "\t")
	if err := enc.Encode(snap); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// applyRulesSnapshot writes the rules of the snapshot file name (in
// rules_snapshots) to the collections it names; it fails if the file or a
// collection is missing.
func applyRulesSnapshot(app core.App, name string) error {
	b, err := rulesSnapshots.ReadFile("rules_snapshots/" + name)
	if err != nil {
		return fmt.Errorf("rules snapshot: %w", err)
	}
	var snap map[string]ruleSnapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return fmt.Errorf("rules snapshot %s: %w", name, err)
	}
	for coll, r := range snap {
		c, err := app.FindCollectionByNameOrId(coll)
		if err != nil {
			return fmt.Errorf("rules for %s: %w", coll, err)
		}
		c.ListRule, c.ViewRule = r.List, r.View
		c.CreateRule, c.UpdateRule, c.DeleteRule = r.Create, r.Update, r.Delete
		if err := app.Save(c); err != nil {
			return fmt.Errorf("rules for %s: %w", coll, err)
		}
	}
	return nil
}
