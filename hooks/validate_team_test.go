package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// Validations of team data: who walks on a safari, what feedback is about,
// and what people may change on a recorded conflict.

func TestSafariParticipantsFromTeam(t *testing.T) {
	t.Parallel()
	post, patch, s := http.MethodPost, http.MethodPatch, schema.Safaris
	safari := func(clients ...string) func(w *servertest.World) map[string]any {
		return func(w *servertest.World) map[string]any {
			var list []string
			for _, c := range clients {
				list = append(list, recordID(w, c))
			}
			return map[string]any{"team": w.TeamA.Id, "title": "Rondje park", "clients": list}
		}
	}
	participants := func(clients ...string) func(w *servertest.World) map[string]any {
		return func(w *servertest.World) map[string]any {
			m := safari(clients...)(w)
			return map[string]any{"clients": m["clients"]}
		}
	}
	runValidations(t, []validation{
		{name: "client of another team", who: "BegA", method: post, collection: s,
			body: safari("ClientB"), status: 400, field: "clients", code: "validation_team"},
		{name: "clients of the team", who: "BegA", method: post, collection: s,
			body: safari("ClientA", "ClientA2"), status: 200},
		{name: "another team's client joins", who: "BegA", method: patch, collection: s, target: "SafariA",
			body: participants("ClientA", "ClientB"), status: 400, field: "clients", code: "validation_team"},
		{name: "a teammate joins", who: "BegA", method: patch, collection: s, target: "SafariA",
			body: participants("ClientA", "ClientA2"), status: 200, check: func(tb testing.TB, app core.App, w *servertest.World) {
				fieldIs(s, "SafariA", "clients", []string{w.ClientA.Id, w.ClientA2.Id})(tb, app, w)
			}},
	})
}

func TestFeedbackSubjectFromTeam(t *testing.T) {
	t.Parallel()
	post, patch, f := http.MethodPost, http.MethodPatch, schema.Feedback
	note := func(team string, kv ...string) func(w *servertest.World) map[string]any {
		return with(ids(append([]string{"team", team, "author", "AdvAB"}, kv...)...), "kind", "question", "text", "Hoe ging het?")
	}
	runValidations(t, []validation{
		{name: "safari of the other team", who: "AdvAB", method: post, collection: f,
			body: note("TeamA", "safari", "SafariB"), status: 400, field: "safari", code: "validation_team"},
		{name: "observation of the other team", who: "AdvAB", method: post, collection: f,
			body: note("TeamA", "observation", "ObsB"), status: 400, field: "observation", code: "validation_team"},
		{name: "safari of the same team", who: "AdvAB", method: post, collection: f,
			body: note("TeamB", "safari", "SafariB", "observation", "ObsB"), status: 200},
		{name: "subject changed to another team", who: "AdvA", method: patch, collection: f, target: "FeedbackA",
			body: ids("safari", "SafariB"), status: 400, field: "safari", code: "validation_team"},
	})
}

func TestConflictOnlyResolved(t *testing.T) {
	t.Parallel()
	patch, c := http.MethodPatch, schema.SyncConflicts
	runValidations(t, []validation{
		{name: "begeleider resolves", who: "BegA", method: patch, collection: c, target: "ConflictGoalA",
			body: literal("resolved", true), status: 200, check: fieldIs(c, "ConflictGoalA", "resolved", true)},
		{name: "client resolves", who: "ClientA", method: patch, collection: c, target: "ConflictSafariA",
			body: literal("resolved", true), status: 200, check: fieldIs(c, "ConflictSafariA", "resolved", true)},
		{name: "lost value rewritten", who: "BegA", method: patch, collection: c, target: "ConflictGoalA",
			body: literal("lost_value", "iets anders"), status: 400, field: "lost_value", code: "validation_forbidden"},
		{name: "resolved with another field", who: "ClientA", method: patch, collection: c, target: "ConflictGoalA",
			body: literal("resolved", true, "field", "why"), status: 400, field: "field", code: "validation_forbidden"},
		{name: "scope moved", who: "BegA", method: patch, collection: c, target: "ConflictGoalA",
			body: ids("team", "TeamB"), status: 400, field: "team", code: "validation_forbidden"},
	})
}
