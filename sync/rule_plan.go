package sync

import (
	"strings"
	gosync "sync"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
)

// A create rule's answer depends only on who asks (fixed for a push), on
// the values of the fields the rule names (@request.body.x and the new
// record's own x), and on the rows of the collections the rule reaches
// through relations. planOf works out those fields and collections once
// per rule, so a push can tell when creates may be judged together
// (judge.go).

// rulePlan says what a create rule depends on.
type rulePlan struct {
	cacheable bool
	fields    []string        // fields of the new record / body the rule names
	deps      map[string]bool // collections the rule reads through relations
}

var rulePlans gosync.Map // collection id + rule -> *rulePlan

// planOf analyses a collection's create rule once.
func planOf(app core.App, c *core.Collection) *rulePlan {
	key := c.Id + "\x00" + *c.CreateRule
	if p, ok := rulePlans.Load(key); ok {
		return p.(*rulePlan)
	}
	p := &rulePlan{cacheable: true, deps: map[string]bool{}}
	seen := map[string]bool{}
	var walk func(filter string)
	walk = func(filter string) {
		sc := fexpr.NewScanner([]byte(filter))
		for {
			t, err := sc.Scan()
			if err != nil {
				p.cacheable = false
				return
			}
			switch t.Type {
			case fexpr.TokenEOF:
				return
			case fexpr.TokenGroup:
				walk(t.Literal)
			case fexpr.TokenFunction:
				p.cacheable = false // not used by our rules; do not guess
			case fexpr.TokenIdentifier:
				p.identifier(app, c, t.Literal, seen)
			}
		}
	}
	walk(*c.CreateRule)
	rulePlans.Store(key, p)
	return p
}

func (p *rulePlan) identifier(app core.App, c *core.Collection, ident string, seen map[string]bool) {
	ident, _, _ = strings.Cut(ident, ":")
	parts := strings.Split(ident, ".")
	var from *core.Collection
	switch {
	case strings.HasPrefix(ident, "@request.body."):
		parts, from = parts[2:], c
	case strings.HasPrefix(ident, "@request.auth."):
		parts = parts[2:]
		p.deps["users"], p.deps["clients"] = true, true // who asks: fixed for the push, but their rows may change
		from, _ = app.FindCachedCollectionByNameOrId("users")
		if len(parts) > 0 && parts[0] == "team" {
			from, _ = app.FindCachedCollectionByNameOrId("clients")
		}
		p.follow(app, from, parts)
		return
	case strings.HasPrefix(ident, "@"):
		if strings.HasPrefix(ident, "@collection.") {
			p.cacheable = false
		}
		return // @request.method, @now, ...: the same for the whole push
	default:
		from = c
	}
	if len(parts) == 0 {
		return
	}
	if !seen[parts[0]] {
		seen[parts[0]] = true
		p.fields = append(p.fields, parts[0])
	}
	p.follow(app, from, parts)
}

// follow records every collection a relation path reaches.
func (p *rulePlan) follow(app core.App, c *core.Collection, parts []string) {
	for _, part := range parts {
		if c == nil {
			p.cacheable = false
			return
		}
		if back, _, ok := strings.Cut(part, "_via_"); ok {
			p.deps[back] = true
			c, _ = app.FindCachedCollectionByNameOrId(back)
			continue
		}
		rel, ok := c.Fields.GetByName(part).(*core.RelationField)
		if !ok {
			return
		}
		c, _ = app.FindCachedCollectionByNameOrId(rel.CollectionId)
		if c != nil {
			p.deps[c.Name] = true
		}
	}
}
