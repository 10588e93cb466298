package server

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// refreshRenders brings the render store (schema/render_store.go) up to
// date at the start: after migrations, and after writes made while the
// hooks were not bound. A failure costs pulls speed, not correctness (they
// render what the store lacks), so it is logged and the server starts.
func refreshRenders(app core.App) {
	start := time.Now()
	dropped, stored, err := schema.RefreshRenders(app)
	if err != nil {
		app.Logger().Error("refresh the render store", "error", err.Error())
		return
	}
	app.Logger().Info("render store checked", "dropped", dropped, "stored", stored, "took", time.Since(start).Round(time.Millisecond).String())
}
