package sync

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// A push judges each mutation the way PocketBase's REST API judges the
// same write (apis/record_crud.go), step by step, in one place
// (push_apply.go):
//
//  1. the body: unknown, hidden and account fields refused by name
//     (writableData), values the field would cast into something else
//     refused (schema.CheckBody, which the REST API runs too), then each
//     value cast as the field casts it (bodyOf), as REST does before its
//     rules: the body the rules read is the value that is stored;
//  2. the record: loaded through PocketBase's own form
//     (forms.RecordUpsert), as REST loads it;
//  3. the rule, on the body as sent and the record as loaded: the create
//     rule over the new record, the update or delete rule over the stored
//     one; for accounts the manage rule, which decides whether the form
//     may change the e-mail address;
//  4. the save, through the form: PocketBase's validation, then ours.
//
// The one shortcut is for speed and gives the same answers: a run of
// consecutive creates into one collection is judged together, in one
// query, at the run's first turn (allowedRows). Nothing the run writes can
// change the answers inside it: its creates write only their own
// collection, and a rule that reads its own collection is never judged
// this way. A "no" is asked again one by one, so the answer's reason comes
// from the rule itself; records whose body the row cannot stand for
// (a field the rule names that the body does not set) are judged one by
// one at their turn.

// createRuns judges the creates of one push in runs.
type createRuns struct {
	tx      core.App
	person  *core.Record
	muts    []Mutation
	allowed map[int]bool // positions a run's query allowed
	judged  int          // runs are judged up to this position
}

func newCreateRuns(tx core.App, person *core.Record, muts []Mutation) *createRuns {
	return &createRuns{tx: tx, person: person, muts: muts, allowed: map[int]bool{}}
}

// mayCreate answers the create rule for mutation i, whose record r is
// loaded from data.
func (c *createRuns) mayCreate(i int, r *core.Record, data map[string]any) (bool, error) {
	if i >= c.judged {
		if err := c.judgeRun(i); err != nil {
			return false, err
		}
	}
	if c.allowed[i] {
		return true, nil
	}
	return canCreate(c.tx, r, schema.RequestInfo(c.person, "POST", data))
}

// judgeRun judges the run of creates into one collection that starts at i.
func (c *createRuns) judgeRun(i int) error {
	end := i + 1
	for end < len(c.muts) && c.muts[end].Op == "create" && c.muts[end].Collection == c.muts[i].Collection {
		end++
	}
	c.judged = end
	if end-i < 2 || !schema.IsSynced(c.muts[i].Collection) {
		return nil // one create: its own turn asks the rule
	}
	col, err := c.tx.FindCachedCollectionByNameOrId(c.muts[i].Collection)
	if err != nil || col.IsAuth() || col.CreateRule == nil || *col.CreateRule == "" {
		return nil
	}
	plan := planOf(c.tx, col)
	if !plan.cacheable || plan.deps[col.Name] {
		return nil
	}
	var recs []*core.Record
	var at []int
	for k := i; k < end; k++ {
		if r := c.batchable(col, plan, c.muts[k]); r != nil {
			recs = append(recs, r)
			at = append(at, k)
		}
	}
	if len(recs) < 2 {
		return nil
	}
	ok, err := allowedRows(c.tx, c.person, recs)
	if err != nil {
		return err
	}
	for j, k := range at {
		if ok[j] {
			c.allowed[k] = true
		}
	}
	return nil
}

// batchable returns the record a create would save, when a row of it can
// stand for the body in the rule: the body sets every field the rule
// names (to what the record stores: bodyOf).
func (c *createRuns) batchable(col *core.Collection, plan *rulePlan, m Mutation) *core.Record {
	if m.invalid != nil || !recordIDPattern.MatchString(m.ID) {
		return nil
	}
	data, err := writableData(col, m.Data)
	if err != nil {
		return nil
	}
	l, body := loadNew(c.tx, col, m.ID, data)
	if !hasAll(body, plan.fields) {
		return nil
	}
	return l.record
}

func hasAll(data map[string]any, fields []string) bool {
	for _, f := range fields {
		if _, ok := data[f]; !ok {
			return false
		}
	}
	return true
}
