package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// RecordJSON builds, for one collection, the SQL expression that makes
// SQLite render a row as the JSON a device receives: every field the API
// would show, typed as PocketBase's REST API types it (relations and
// multi-selects as arrays, bools as true/false, JSON fields as JSON).
// Rendering in SQLite, in C, is what makes a pull fast: Go only copies
// bytes.
//
// Hidden fields (password, tokenKey, authorship) never leave, nor do the
// fields hidden from the person pulling (omit: HiddenFields, client
// ids for team advisers). For auth
// collections the e-mail follows PocketBase's rule: shown when
// emailVisibility is on, to the record's owner, and to coordinators (who
// hold the manage rule).
func RecordJSON(c *core.Collection, omit []string) (string, error) {
	var pairs []string
	var emailExpr string
	for _, f := range c.Fields {
		name := f.GetName()
		if f.GetHidden() || slices.Contains(omit, name) {
			continue
		}
		col := `[[` + c.Name + `.` + name + `]]`
		var expr string
		switch f := f.(type) {
		case *core.BoolField:
			expr = fmt.Sprintf("json(CASE WHEN %s THEN 'true' ELSE 'false' END)", col)
		case *core.JSONField, *core.GeoPointField:
			expr = fmt.Sprintf("CASE WHEN json_valid(%s) THEN json(%s) ELSE NULL END", col, col)
		case *core.NumberField:
			expr = fmt.Sprintf("COALESCE(%s, 0)", col)
		case *core.RelationField:
			expr = multi(col, f.IsMultiple())
		case *core.SelectField:
			expr = multi(col, f.IsMultiple())
		case *core.FileField:
			expr = multi(col, f.IsMultiple())
		case *core.EmailField:
			if c.IsAuth() && name == core.FieldNameEmail {
				emailExpr = col
				continue
			}
			expr = fmt.Sprintf("COALESCE(%s, '')", col)
		default:
			expr = fmt.Sprintf("COALESCE(%s, '')", col)
		}
		pairs = append(pairs, fmt.Sprintf("'%s', %s", name, expr))
	}
	if len(pairs) == 0 {
		return "", fmt.Errorf("collection %s has no visible fields", c.Name)
	}
	obj := "json_object(" + strings.Join(pairs, ", ") + ")"
	if emailExpr != "" {
		obj = fmt.Sprintf("json_patch(%s, CASE WHEN [[%s.emailVisibility]] OR [[%s.id]] = {:me} OR {:manage} THEN json_object('email', %s) ELSE '{}' END)",
			obj, c.Name, c.Name, emailExpr)
	}
	return obj, nil
}

// multi renders a single- or multi-valued text column.
func multi(col string, multiple bool) string {
	if !multiple {
		return fmt.Sprintf("COALESCE(%s, '')", col)
	}
	return fmt.Sprintf("CASE WHEN json_valid(%s) AND json_type(%s) = 'array' THEN json(%s) ELSE json('[]') END", col, col, col)
}
