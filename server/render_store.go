package server

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// refreshRenders brings the render store (schema/render_store.go) up to
// date at the start: after migrations, and after writes made while the
// hooks were not bound. A failure costs pulls speed, not correctness (they
// render what the store lacks), so it is logged and the server starts.
func refreshRenders(app core.App) {
	dropped, stored, err := schema.RefreshRenders(app)
	if err != nil {
		app.Logger().Error("refresh the render store", "error", err.Error())
		return
	}
	if dropped+stored > 0 {
		app.Logger().Info("render store refreshed", "dropped", dropped, "stored", stored)
	}
}
