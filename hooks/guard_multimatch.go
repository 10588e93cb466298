package hooks

import (
	"strings"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
)

// PocketBase applies the list rule of every collection a filter joins, so
// "clients_via_team.name ?= 'Fatima'" only matches clients the caller may
// see. Except in one place: a condition with a plain operator (=, !=, ~,
// !~, <, ...) on a path with several values (a multiple relation, a
// back-relation, :each) also gets an "every value matches" subquery, and
// that subquery joins without the rules (PocketBase's own note in
// RecordFieldResolver.UpdateQuery). Measured: a client listing teams with
// "clients_via_team.name != 'Fatima'" gets their team back or not depending
// on a teammate's name, and "clients_via_team.goals_via_client.title !~ 'x'"
// probes a teammate's goals. So for everyone but superusers the guard
// refuses plain operators on multi-valued paths that cross a relation; the
// any-operators (?=, ?!=, ?~, ?!~, ?<, ...) say the same things within the
// rules.

// refusedMultiMatch parses a filter and refuses plain-operator conditions
// on multi-valued paths through relations.
func refusedMultiMatch(app core.App, auth *core.Record, collection, filter string) string {
	groups, err := fexpr.Parse(filter)
	if err != nil {
		return "" // PocketBase reports the syntax error itself
	}
	base, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return ""
	}
	return refusedGroups(app, auth, base, groups)
}

func refusedGroups(app core.App, auth *core.Record, base *core.Collection, groups []fexpr.ExprGroup) string {
	for _, g := range groups {
		switch item := g.Item.(type) {
		case []fexpr.ExprGroup:
			if reason := refusedGroups(app, auth, base, item); reason != "" {
				return reason
			}
		case fexpr.Expr:
			if isAnyOp(item.Op) {
				continue
			}
			for _, t := range []fexpr.Token{item.Left, item.Right} {
				if t.Type == fexpr.TokenIdentifier && multiThroughRelation(app, auth, base, t.Literal) {
					return "Conditions on several related records need an any-operator (?=, ?!=, ?~, ?!~, ?<, ...)."
				}
			}
		}
	}
	return ""
}

func isAnyOp(op fexpr.SignOp) bool { return strings.HasPrefix(string(op), "?") }

// multiThroughRelation reports whether a field path crosses at least one
// relation and has several values somewhere on the way (a multiple
// relation, a back-relation, or the :each modifier).
func multiThroughRelation(app core.App, auth *core.Record, base *core.Collection, path string) bool {
	path, modifier, _ := strings.Cut(path, ":")
	current := base
	if rest, ok := strings.CutPrefix(path, "@request.auth."); ok {
		if auth == nil {
			return false
		}
		current, path = auth.Collection(), rest
	} else if strings.HasPrefix(path, "@") {
		return false // @collection is refused elsewhere; @request.body/query/headers, @now, ...
	}
	parts := strings.Split(path, ".")
	hops, multi := 0, modifier == "each"
	for _, part := range parts[:len(parts)-1] {
		var next string
		if back, _, ok := strings.Cut(part, "_via_"); ok && back != "" {
			next, multi = back, true
		} else if rel, ok := current.Fields.GetByName(part).(*core.RelationField); ok {
			next, multi = rel.CollectionId, multi || rel.IsMultiple()
		} else {
			break // a JSON path or an unknown field: no further joins
		}
		c, err := app.FindCachedCollectionByNameOrId(next)
		if err != nil {
			return false
		}
		current, hops = c, hops+1
	}
	return hops > 0 && multi
}
