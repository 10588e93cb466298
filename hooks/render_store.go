package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// refillRenders renders a synced collection's records anew after its
// fields changed (the dashboard, a migration): until then, pulls render
// them from the records, since the stored rows' shape no longer matches
// (schema/render_store.go).
func refillRenders(e *core.CollectionEvent) error {
	if schema.StoresRender(e.Collection) {
		err := e.App.RunInTransaction(func(tx core.App) error {
			_, _, err := schema.FillRenders(tx.DB(), e.Collection)
			return err
		})
		if err != nil {
			e.App.Logger().Error("refill the render store", "collection", e.Collection.Name, "error", err.Error())
		}
	}
	return e.Next()
}
