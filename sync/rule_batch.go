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
// building a rule's SQL costs more than running it. allowedRows asks once
// for many records of one collection instead: the new records become the
// rows of one CTE, and the rule, with @request.body.x read as the row's own
// x, selects the rows it allows. That reading is exact only where the body
// sets x to what the record stores (the caller checks it: see
// createRuns.batchable); a modifier (":isset") keeps a rule out of it,
// since a row has no notion of "sent".

// bodyRef finds @request.body.x paths.
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

// allowedRows evaluates the create rule of the records' collection over
// all of them at once and returns the positions in recs it allows: two
// records of one id are two rows, each judged on its own values.
func allowedRows(tx core.App, person *core.Record, recs []*core.Record) (map[int]bool, error) {
	c := recs[0].Collection()
	rule, ok := rowRule(*c.CreateRule)
	if !ok {
		return map[int]bool{}, nil
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
		row := make([]any, len(cols)+1)
		for j, k := range cols {
			if row[j], err = driverValue(export[k]); err != nil {
				return nil, fmt.Errorf("export %s for create rule: %w", k, err)
			}
		}
		row[len(cols)] = i
		rows[i] = row
	}
	packed, err := json.Marshal(rows)
	if err != nil {
		return nil, fmt.Errorf("pack rows for create rule: %w", err)
	}
	selects := make([]string, len(cols)+1)
	for j, k := range cols {
		selects[j] = fmt.Sprintf("json_extract(value, '$[%d]') AS [[%s]]", j, inflector.Columnify(k))
	}
	selects[len(cols)] = fmt.Sprintf("json_extract(value, '$[%d]') AS [[%s]]", len(cols), rowColumn)
	q := tx.DB().Select("[[" + dummy.Name + "." + rowColumn + "]]").Distinct(true).
		PreFragment(fmt.Sprintf("WITH {{%s}} AS (SELECT %s FROM json_each({:rows}))", dummy.Name, strings.Join(selects, ","))).
		From(dummy.Name).AndBind(dbx.Params{"rows": string(packed)})
	if err := whereRule(tx, q, &dummy, rule, schema.RequestInfo(person, "POST", nil)); err != nil {
		return nil, err
	}
	var got []int
	if err := q.Column(&got); err != nil {
		return nil, fmt.Errorf("create rule of %s: %w", c.Name, err)
	}
	out := make(map[int]bool, len(got))
	for _, i := range got {
		out[i] = true
	}
	return out, nil
}

// rowColumn numbers the rows of allowedRows' CTE; no field has its name.
const rowColumn = "__samenspel_row"

// driverValue is the value database/sql would bind for v.
func driverValue(v any) (any, error) {
	if val, ok := v.(driver.Valuer); ok {
		return val.Value()
	}
	return v, nil
}
