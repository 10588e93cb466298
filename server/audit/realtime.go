package audit

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/accesslog"
)

// bindRealtime logs what PocketBase's realtime subscriptions send: when a
// record changes, PocketBase checks each subscriber's rules and enriches
// a copy of the record for each one it sends to (RequestInfo context
// "realtime"), expanding what the subscription asked. Each such copy is
// an entry per client it is about, path realtime, as one read. A delete
// is enriched before the record leaves the database (PocketBase prepares
// the message in the delete's transaction and sends it after the
// commit), so its clients are still there to read.
//
// The subscriber is known there only by the account PocketBase keeps for
// the connection, not by the token: a subscription with an impersonation
// token (which the log must name the superuser for) is refused instead.
func (r *Recorder) bindRealtime(app core.App) {
	app.OnRecordEnrich().Bind(&hook.Handler[*core.RecordEnrichEvent]{
		Id: "samenspelAccessLogRealtime", Func: r.onRealtimeEnrich,
	})
	app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{
		Id: "samenspelAccessLogRealtimeWho", Func: r.onRealtimeSubscribe,
	})
}

func (r *Recorder) onRealtimeEnrich(e *core.RecordEnrichEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	if r == nil || e.RequestInfo == nil || e.RequestInfo.Context != core.RequestInfoContextRealtime {
		return nil
	}
	t := accesslog.NewTouches()
	touchRecordsOrSay(e.App, t, accesslog.ActionRead, []*core.Record{e.Record}, "path", accesslog.PathRealtime, "collection", e.Record.Collection().Name)
	if t.Len() > 0 {
		r.Touched(Who(e.RequestInfo.Auth, accesslog.PathRealtime, ""), t)
	}
	return nil
}

func (r *Recorder) onRealtimeSubscribe(e *core.RealtimeSubscribeRequestEvent) error {
	if r != nil && e.Auth != nil && whoOf(e.RequestEvent, accesslog.PathRealtime).OnBehalfOf != "" {
		return e.Error(http.StatusForbidden, "Realtime subscriptions cannot be made with an impersonation token: the access log could not name who receives the records. Use the REST API or the dashboard.", nil)
	}
	return e.Next()
}
