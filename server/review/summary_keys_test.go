package review_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// loggingApp is an app whose logger writes text to log.
type loggingApp struct {
	core.App
	log *bytes.Buffer
}

func (a loggingApp) Logger() *slog.Logger { return slog.New(slog.NewTextHandler(a.log, nil)) }

// TestSummaryKeysFromSchema: a select value added to the schema is a key
// of its distribution, and a stored value outside the select list (one
// since dropped from it) counts in the total and is logged, not lost.
func TestSummaryKeysFromSchema(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	obs, err := app.FindCollectionByNameOrId(schema.Observations)
	if err != nil {
		t.Fatal(err)
	}
	kind := obs.Fields.GetByName("kind").(*core.SelectField)
	kind.Values = append(kind.Values, "walk")
	if err := app.Save(obs); err != nil {
		t.Fatal(err)
	}
	created := utc(t, "2025-06-15T12:00:00Z")
	save := func(kind string) *core.Record {
		return mustSave(t, app, schema.Observations, map[string]any{"safari": w.SafariA.Id, "kind": kind, "title": "Iets gezien",
			"author_user": w.BegA.Id}, created)
	}
	for range 5 {
		save("walk")
	}
	old := save("key_person")
	if _, err := app.DB().NewQuery("UPDATE observations SET kind = 'retired' WHERE id = {:id}").Bind(dbx.Params{"id": old.Id}).Execute(); err != nil {
		t.Fatal(err)
	}

	var log bytes.Buffer
	s := mustCompute(t, loggingApp{App: app, log: &log}, w.TeamA.Id, mustPeriod(t, "2025-06-01", "2025-06-30"), created)
	if got, want := s.Observations.ByKind.Get("walk"), 5; got != want {
		t.Errorf("by_kind.walk=%d, want %d", got, want)
	}
	if got, want := s.Observations.Total.Value(), 6; got != want {
		t.Errorf("observations.total=%d, want %d", got, want)
	}
	if got, want := fmt.Sprint(s.Observations.ByKind.Unlisted()), "map[retired:1]"; got != want {
		t.Errorf("by_kind unlisted=%s, want %s", got, want)
	}
	b, err := s.Observations.ByKind.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	// walk is withheld: with the retired observation counted in the total
	// only, the other kinds are 0, and 5 on the wire would say so.
	if want := `"other":"<5","walk":"≥5"}`; !strings.HasSuffix(string(b), want) {
		t.Errorf("by_kind=%s, want it to end in %s (the schema's order)", b, want)
	}
	for _, want := range []string{"level=WARN", "figure=observations.by_kind", "values=map[retired:1]", "team=" + w.TeamA.Id} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q: %s", want, log.String())
		}
	}
	if strings.Count(log.String(), "level=WARN") != 1 {
		t.Errorf("log has other warnings: %s", log.String())
	}
}
