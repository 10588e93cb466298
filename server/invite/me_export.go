package invite

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// ExportFormat names the layout of the export, for whoever reads it later.
const ExportFormat = "samenspel/mijn-gegevens/v1"

// Export is the answer of GET /api/me/v1/export: every record of every
// collection the access rules let the client list, per collection (empty
// where they may list none), in the REST API's shape. That is their
// account, team, goals, steps, network, the safaris they joined with the
// observations and photo records on them (their own observations among
// them), the conflicts about their records, their devices and their
// refused sync mutations. Hidden fields (password hash, token key, the
// per-field authorship) are not in it, as the REST API does not show them.
type Export struct {
	Format      string                      `json:"format"`
	ExportedAt  time.Time                   `json:"exported_at"`
	Client      string                      `json:"client"`
	Collections map[string][]map[string]any `json:"collections"`
}

func (s *Service) export(e *core.RequestEvent) error {
	client, err := meClient(e)
	if err != nil {
		return err
	}
	names, err := ourCollections(e.App)
	if err != nil {
		return err
	}
	out := Export{Format: ExportFormat, ExportedAt: s.clock().UTC(), Client: client.Id, Collections: map[string][]map[string]any{}}
	for _, name := range names {
		c, err := e.App.FindCachedCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		if c.ListRule == nil {
			continue // superusers only: nothing a client may list
		}
		records, err := visible(e.App, client, name)
		if err != nil {
			return err
		}
		out.Collections[name] = exportAll(records)
	}
	raw, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	e.Response.Header().Set("Content-Disposition", `attachment; filename="mijn-gegevens.json"`)
	return e.Blob(http.StatusOK, "application/json; charset=utf-8", raw)
}
