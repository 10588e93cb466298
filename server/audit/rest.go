package audit

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/schema"
)

// bindREST logs PocketBase's record API. Reads are bound to every
// collection, for the client data a list or view expands; writes only to
// the collections that hold client data. Each handler lets the request
// run first and logs only what succeeded.
func (r *Recorder) bindREST(app core.App) {
	app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id: "samenspelAccessLogList", Func: r.onList,
	})
	app.OnRecordViewRequest().Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id: "samenspelAccessLogView", Func: r.onView,
	})
	var tags []string
	for _, c := range []string{schema.Clients, schema.Goals, schema.GoalSteps, schema.NetworkContacts,
		schema.Safaris, schema.Observations, schema.Media, schema.SyncConflicts} {
		if schema.HoldsClientData(c) {
			tags = append(tags, c)
		}
	}
	app.OnRecordCreateRequest(tags...).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id: "samenspelAccessLogCreate", Func: r.onCreate,
	})
	app.OnRecordUpdateRequest(tags...).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id: "samenspelAccessLogUpdate", Func: r.onUpdate,
	})
	app.OnRecordDeleteRequest(tags...).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id: "samenspelAccessLogDelete", Func: r.onDelete,
	})
}

func (r *Recorder) onList(e *core.RecordsListRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	action := accesslog.ActionRead
	if e.Request.URL.Query().Get("filter") != "" {
		action = accesslog.ActionSearch
	}
	r.logRecords(e.RequestEvent, action, e.Records)
	return nil
}

func (r *Recorder) onView(e *core.RecordRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	r.logRecords(e.RequestEvent, accesslog.ActionRead, []*core.Record{e.Record})
	return nil
}

func (r *Recorder) onCreate(e *core.RecordRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	r.logRecords(e.RequestEvent, accesslog.ActionCreate, []*core.Record{e.Record})
	return nil
}

func (r *Recorder) onUpdate(e *core.RecordRequestEvent) error {
	// Whose the record was before counts too (a safari's participants
	// may change); the record's own collection only, no expands.
	t, err := clientsBefore(e, accesslog.ActionUpdate, 0)
	if err != nil {
		return err
	}
	r.logTouches(e.RequestEvent, t, accesslog.ActionUpdate, []*core.Record{e.Record})
	return nil
}

func (r *Recorder) onDelete(e *core.RecordRequestEvent) error {
	// Read before the delete: afterwards a step no longer leads to its goal.
	t, err := clientsBefore(e, accesslog.ActionDelete, 1)
	if err != nil {
		return err
	}
	r.touched(e.RequestEvent, accesslog.PathREST, t)
	return nil
}

// clientsBefore reads whose data e's record is, then runs the request,
// and returns those clients touched by action, count records each.
func clientsBefore(e *core.RecordRequestEvent, action string, count int) (*accesslog.Touches, error) {
	before, err := schema.ClientsOf(e.App.DB(), e.Collection.Name, []string{e.Record.Id})
	if err != nil {
		return nil, err
	}
	if err := e.Next(); err != nil {
		return nil, err
	}
	t := accesslog.NewTouches()
	for _, c := range before[e.Record.Id] {
		t.Add(c, action, e.Collection.Name, count)
	}
	return t, nil
}

// logRecords logs the records a request returned or wrote.
func (r *Recorder) logRecords(e *core.RequestEvent, action string, records []*core.Record) {
	r.logTouches(e, accesslog.NewTouches(), action, records)
}

func (r *Recorder) logTouches(e *core.RequestEvent, t *accesslog.Touches, action string, records []*core.Record) {
	touchRecordsOrSay(e.App, t, action, records, "path", e.Request.URL.Path)
	r.touched(e, accesslog.PathREST, t)
}

// touched records the touches of request e over path, naming who made
// it (whoOf: a superuser behind an impersonation token). Who is looked up
// only when there is something to record.
func (r *Recorder) touched(e *core.RequestEvent, path string, t *accesslog.Touches) {
	if r == nil || t.Len() == 0 {
		return
	}
	r.Touched(whoOf(e, path), t)
}
