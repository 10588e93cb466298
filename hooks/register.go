package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/schema"
)

// Register binds every hook of this package to the app. Call it once,
// before the app starts.
func Register(app core.App) error {
	synced := schema.Synced

	app.OnRecordCreateExecute(synced...).Bind(&hook.Handler[*core.RecordEvent]{Id: "samenspelCaptureCreate", Func: captureSave})
	app.OnRecordUpdateExecute(synced...).Bind(&hook.Handler[*core.RecordEvent]{Id: "samenspelCaptureUpdate", Func: captureSave})
	app.OnRecordDeleteExecute(synced...).Bind(&hook.Handler[*core.RecordEvent]{Id: "samenspelCaptureDelete", Func: captureDelete})
	app.OnRecordDeleteExecute(schema.Clients).Bind(&hook.Handler[*core.RecordEvent]{Id: "samenspelForgetClient", Func: forgetClient})

	app.OnRecordValidate(synced...).Bind(&hook.Handler[*core.RecordEvent]{Id: "samenspelValidate", Func: validateRecord})

	app.OnRecordCreateRequest(synced...).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "samenspelAuthorCreate", Func: stampRequestAuthor})
	app.OnRecordUpdateRequest(synced...).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "samenspelAuthorUpdate", Func: stampRequestAuthor})
	app.OnRecordDeleteRequest(synced...).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "samenspelAuthorDelete", Func: stampRequestAuthor})

	app.OnCollectionAfterUpdateSuccess(synced...).Bind(&hook.Handler[*core.CollectionEvent]{Id: "samenspelRenderStore", Func: refillRenders})

	app.OnRecordEnrich().Bind(&hook.Handler[*core.RecordEnrichEvent]{Id: "samenspelHideFields", Func: hideFields})

	app.OnBatchRequest().Bind(&hook.Handler[*core.BatchRequestEvent]{Id: "samenspelBatchBodies", Func: checkBatchBodies})
	app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{Id: "samenspelGuardRealtime", Func: guardRealtime})
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelGuard",
		Func: func(e *core.ServeEvent) error {
			e.Router.Bind(guardMiddleware())
			return e.Next()
		},
	})
	return nil
}

// stampRequestAuthor marks who writes through the REST API (and so the
// admin UI and /api/batch), for authorship and caller checks.
func stampRequestAuthor(e *core.RecordRequestEvent) error {
	schema.SetAuthor(e.Record, schema.AuthorOf(e.Auth))
	return e.Next()
}
