package sync

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/inflector"
	"github.com/pocketbase/pocketbase/tools/search"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// Push enforces the same API rules as PocketBase's REST API, evaluated the
// way apis/record_crud.go evaluates them, so a mutation is allowed exactly
// when the same write through the REST API or an SDK would be.

// canCreate evaluates the collection's create rule against the record to be
// created, as PocketBase's REST API does (apis/record_crud.go recordCreate):
// the new record is offered to the rule as a one-row CTE standing in for
// the collection, and info's body is the body as sent.
func canCreate(tx core.App, r *core.Record, info *core.RequestInfo) (bool, error) {
	c := r.Collection()
	if c.CreateRule == nil {
		return false, nil
	}
	if *c.CreateRule == "" {
		return true, nil
	}
	return newRecordAllows(tx, r, info, *c.CreateRule)
}

// mayManageNew reports whether the manage rule of an auth collection
// allows info's person to set the new record's account fields, as
// recordCreate's hasAuthManageAccess does.
func mayManageNew(tx core.App, r *core.Record, info *core.RequestInfo) (bool, error) {
	c := r.Collection()
	if !c.IsAuth() || c.ManageRule == nil || *c.ManageRule == "" {
		return false, nil
	}
	return newRecordAllows(tx, r, info, *c.ManageRule)
}

// mayManage is mayManageNew for an existing record (recordUpdate).
func mayManage(tx core.App, r *core.Record, info *core.RequestInfo) (bool, error) {
	c := r.Collection()
	if !c.IsAuth() || c.ManageRule == nil || *c.ManageRule == "" {
		return false, nil
	}
	return canAccess(tx, r, info, c.ManageRule)
}

// newRecordAllows evaluates rule over the record to be created.
func newRecordAllows(tx core.App, r *core.Record, info *core.RequestInfo, rule string) (bool, error) {
	c := r.Collection()
	dummyRecord := r
	if c.IsAuth() {
		// As recordCreate: the rule never sees a verified flag the
		// request set.
		dummyRecord = r.Clone()
		dummyRecord.SetVerified(false)
	}
	export, err := dummyRecord.DBExport(tx)
	if err != nil {
		return false, fmt.Errorf("export for create rule: %w", err)
	}
	const suffix = "__samenspel_create"
	params := make(dbx.Params, len(export))
	selects := make([]string, 0, len(export))
	// Columns in a fixed order: the query's text is then the same for every
	// record of the collection, and the driver reuses its prepared form.
	for _, k := range slices.Sorted(maps.Keys(export)) {
		col := inflector.Columnify(k)
		p := "__create__" + col
		params[p] = export[k]
		selects = append(selects, "{:"+p+"} AS [["+col+"]]")
	}
	dummy := *c
	dummy.Id += suffix
	dummy.Name += suffix
	q := tx.DB().Select("(1)").
		PreFragment(fmt.Sprintf("WITH {{%s}} AS (SELECT %s)", dummy.Name, strings.Join(selects, ","))).
		From(dummy.Name).AndBind(params)
	if err := whereRule(tx, q, &dummy, rule, info); err != nil {
		return false, err
	}
	var n int
	if err := q.Limit(1).Row(&n); err != nil && !isNoRows(err) {
		return false, fmt.Errorf("rule of new %s: %w", c.Name, err)
	}
	return n > 0, nil
}

// whereRule limits q, a query over the rows of the stand-in collection
// dummy, to the rows rule allows for the request info.
func whereRule(tx core.App, q *dbx.SelectQuery, dummy *core.Collection, rule string, info *core.RequestInfo) error {
	resolver := core.NewRecordFieldResolver(tx, dummy, info, true)
	expr, err := search.FilterData(rule).BuildExpr(resolver)
	if err != nil {
		return fmt.Errorf("build create rule of %s: %w", dummy.Name, err)
	}
	q.AndWhere(expr)
	if err := resolver.UpdateQuery(q); err != nil {
		return fmt.Errorf("create rule of %s: %w", dummy.Name, err)
	}
	return nil
}

// canAccess evaluates a view/update/delete rule for an existing record.
func canAccess(tx core.App, r *core.Record, info *core.RequestInfo, rule *string) (bool, error) {
	ok, err := tx.CanAccessRecord(r, info, rule)
	if err != nil {
		return false, fmt.Errorf("rule of %s: %w", r.Collection().Name, err)
	}
	return ok, nil
}

// denied turns a refused rule into the protocol's answer: a record the
// person cannot even see is not_found (no existence leak), otherwise
// forbidden.
func denied(tx core.App, r *core.Record, auth *core.Record) *apierr.Error {
	if ok, _ := canAccess(tx, r, schema.RequestInfo(auth, "GET", nil), r.Collection().ViewRule); ok {
		return apierr.Errorf(apierr.CodeForbidden, "You may not change this %s.", r.Collection().Name)
	}
	return apierr.Errorf(apierr.CodeNotFound, "No such %s.", r.Collection().Name)
}
