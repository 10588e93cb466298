package sync

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/inflector"

	"github.com/samenspel/samenspel/schema"
)

// A push of 500 creates would evaluate the create rule 500 times, and
// building a rule's SQL costs more than running it. precheckCreates asks
// once per collection instead: the new records become the rows of one
// CTE, and the rule, with @request.body.x read as the row's own x (for a
// create they are the same value), selects the rows it allows.
//
// The answer is taken as final only when it is "allowed": a record the
// rule allows before the push still passes when its turn comes, because a
// person's own earlier mutations can only move records within their own
// scope (the rules see to that) and cannot change teams or roles. The one
// exception, a parent deleted earlier in the push, is why an applied
// delete drops all precheck answers (ruleMemo.wrote). Everything else,
// records whose parent this very push creates first among them, is
// checked one by one at its turn, as before.

// bodyRef finds @request.body.x paths; a modifier (":isset") keeps the rule
// out of the precheck, since a row has no notion of "sent".
var bodyRef = regexp.MustCompile(`@request\.body\.([A-Za-z0-9_.]+)(:[A-Za-z]+)?`)

// rowRule rewrites a create rule to read the row instead of the body, or
// returns false when it cannot.
func rowRule(rule string) (string, bool) {
	ok := true
	out := bodyRef.ReplaceAllStringFunc(rule, func(m string) string {
		sub := bodyRef.FindStringSubmatch(m)
		if sub[2] != "" {
			ok = false
		}
		return sub[1]
	})
	return out, ok
}

// precheckCreates returns the mutation ids of creates the rules allow,
// judged together per collection.
func (s *Service) precheckCreates(tx core.App, dev *Device, muts []Mutation) (map[string]bool, error) {
	byCollection := map[string][]*core.Record{}
	ids := map[*core.Record]string{}
	for _, m := range muts {
		if m.Op != "create" || !recordIDPattern.MatchString(m.ID) || !schema.IsSynced(m.Collection) {
			continue
		}
		col, err := tx.FindCachedCollectionByNameOrId(m.Collection)
		if err != nil || col.IsAuth() || col.CreateRule == nil || *col.CreateRule == "" {
			continue
		}
		data, err := writableData(col, m.Data)
		if err != nil {
			continue
		}
		plan := planOf(tx, col)
		if !plan.cacheable || !hasAll(data, plan.fields) {
			continue // judged at its turn
		}
		r := core.NewRecord(col)
		r.Id = m.ID
		for k, v := range data {
			r.Set(k, v)
		}
		byCollection[m.Collection] = append(byCollection[m.Collection], r)
		ids[r] = m.MutationID
	}
	allowed := map[string]bool{}
	for _, recs := range byCollection {
		ok, err := allowedRows(tx, dev.Person, recs)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if ok[r.Id] {
				allowed[ids[r]] = true
			}
		}
	}
	return allowed, nil
}

func hasAll(data map[string]any, fields []string) bool {
	for _, f := range fields {
		if _, ok := data[f]; !ok {
			return false
		}
	}
	return true
}

// allowedRows evaluates the create rule of the records' collection over
// all of them at once and returns the ids it allows.
func allowedRows(tx core.App, person *core.Record, recs []*core.Record) (map[string]bool, error) {
	c := recs[0].Collection()
	rule, ok := rowRule(*c.CreateRule)
	if !ok {
		return map[string]bool{}, nil
	}
	const suffix = "__samenspel_batch"
	dummy := *c
	dummy.Id += suffix
	dummy.Name += suffix
	// The rows travel as one JSON parameter, [[v, v, ...], ...] in column
	// order, that json_each unpacks: a few hundred rows of twenty fields
	// as separate placeholders would make a statement of 100 kB that dbx
	// runs two regular expressions over and SQLite parses anew each time.
	// Each value is what binding it would have stored (its driver value),
	// and json_extract gives it back with the same SQL type.
	var cols []string
	rows := make([][]any, len(recs))
	for i, r := range recs {
		export, err := r.DBExport(tx)
		if err != nil {
			return nil, fmt.Errorf("export for create rule: %w", err)
		}
		if cols == nil {
			cols = slices.Sorted(maps.Keys(export))
		}
		row := make([]any, len(cols))
		for j, k := range cols {
			if row[j], err = driverValue(export[k]); err != nil {
				return nil, fmt.Errorf("export %s for create rule: %w", k, err)
			}
		}
		rows[i] = row
	}
	packed, err := json.Marshal(rows)
	if err != nil {
		return nil, fmt.Errorf("pack rows for create rule: %w", err)
	}
	selects := make([]string, len(cols))
	for j, k := range cols {
		selects[j] = fmt.Sprintf("json_extract(value, '$[%d]') AS [[%s]]", j, inflector.Columnify(k))
	}
	q := tx.DB().Select("[[" + dummy.Name + ".id]]").Distinct(true).
		PreFragment(fmt.Sprintf("WITH {{%s}} AS (SELECT %s FROM json_each({:rows}))", dummy.Name, strings.Join(selects, ","))).
		From(dummy.Name).AndBind(dbx.Params{"rows": string(packed)})
	if err := whereRule(tx, q, &dummy, rule, RequestInfo(person, "POST", nil)); err != nil {
		return nil, err
	}
	var got []string
	if err := q.Column(&got); err != nil {
		return nil, fmt.Errorf("create rule of %s: %w", c.Name, err)
	}
	out := make(map[string]bool, len(got))
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// driverValue is the value database/sql would bind for v.
func driverValue(v any) (any, error) {
	if val, ok := v.(driver.Valuer); ok {
		return val.Value()
	}
	return v, nil
}
