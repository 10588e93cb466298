package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// Validations of a client's plan: where goals, steps and photos belong, who
// carries a step, and who agrees to a goal's wording.

func TestPlanRelationsImmutable(t *testing.T) {
	t.Parallel()
	patch := http.MethodPatch
	runValidations(t, []validation{
		{name: "goal moved to another client", who: "BegA", method: patch, collection: schema.Goals, target: "GoalA",
			body: ids("client", "ClientA2"), status: 400, field: "client", code: "validation_immutable"},
		{name: "step moved to another goal", who: "BegA", method: patch, collection: schema.GoalSteps, target: "StepA",
			body: ids("goal", "GoalA2"), status: 400, field: "goal", code: "validation_immutable"},
		{name: "photo moved to another observation", who: "BegA", method: patch, collection: schema.Media, target: "MediaA",
			body: ids("observation", "ObsByClientA"), status: 400, field: "observation", code: "validation_immutable"},
		{name: "goal reworded by its client", who: "ClientA", method: patch, collection: schema.Goals, target: "GoalA",
			body: literal("title", "Zelf naar de markt"), status: 200, check: fieldIs(schema.Goals, "GoalA", "title", "Zelf naar de markt")},
	})
}

func TestStepContactFromClientsNetwork(t *testing.T) {
	t.Parallel()
	post, patch, s := http.MethodPost, http.MethodPatch, schema.GoalSteps
	step := func(goal, contact string) func(w *servertest.World) map[string]any {
		return with(ids("goal", goal, "contact", contact), "description", "Samen koken", "carried_by", "network")
	}
	runValidations(t, []validation{
		{name: "contact of another client", who: "BegA", method: post, collection: s,
			body: step("GoalA2", "ContactA"), status: 400, field: "contact", code: "validation_network"},
		{name: "client uses another client's contact", who: "ClientA2", method: post, collection: s,
			body: step("GoalA2", "ContactA"), status: 400, field: "contact", code: "validation_network"},
		{name: "contact of the goal's client", who: "BegA", method: post, collection: s,
			body: step("GoalA", "ContactA"), status: 200},
		{name: "contact changed to another team's client", who: "BegA", method: patch, collection: s, target: "StepA",
			body: ids("contact", "ContactB"), status: 400, field: "contact", code: "validation_network"},
		{name: "contact removed", who: "ClientA", method: patch, collection: s, target: "StepA",
			body: literal("contact", "", "carried_by", "client"), status: 200, check: fieldIs(s, "StepA", "contact", "")},
	})
}

func TestGoalAgreement(t *testing.T) {
	t.Parallel()
	post, patch, g := http.MethodPost, http.MethodPatch, schema.Goals
	isAgreed := func(tb testing.TB, app core.App, w *servertest.World) {
		mustSave(tb, app, w.GoalA, map[string]any{schema.FieldAgreedAt: agreed})
	}
	runValidations(t, []validation{
		{name: "client agrees", who: "ClientA", method: patch, collection: g, target: "GoalA",
			body: literal("agreed_at", agreed), status: 200, check: fieldIs(g, "GoalA", "agreed_at", agreed)},
		{name: "begeleider agrees for the client", who: "BegA", method: patch, collection: g, target: "GoalA",
			body: literal("agreed_at", agreed), status: 400, field: "agreed_at", code: "validation_forbidden"},
		{name: "begeleider creates an agreed goal", who: "BegA", method: post, collection: g,
			body: with(ids("client", "ClientA"), "title", "Zwemmen", "agreed_at", agreed), status: 400, field: "agreed_at", code: "validation_forbidden"},
		{name: "client creates an agreed goal", who: "ClientA", method: post, collection: g,
			body: with(ids("client", "ClientA"), "title", "Zwemmen", "agreed_at", agreed), status: 200},
		{name: "staff rewording asks again", who: "BegA", method: patch, collection: g, target: "GoalA", setup: isAgreed,
			body: literal("title", "Boodschappen met hulp"), status: 200, check: func(tb testing.TB, app core.App, w *servertest.World) {
				fieldIs(g, "GoalA", "title", "Boodschappen met hulp")(tb, app, w)
				fieldIs(g, "GoalA", "agreed_at", "")(tb, app, w)
			}},
		{name: "client rewording keeps agreement", who: "ClientA", method: patch, collection: g, target: "GoalA", setup: isAgreed,
			body: literal("title", "Zelf boodschappen"), status: 200, check: fieldIs(g, "GoalA", "agreed_at", agreed)},
		{name: "staff edit of another field keeps agreement", who: "BegA", method: patch, collection: g, target: "GoalA", setup: isAgreed,
			body: literal("why", "Zelfstandig blijven"), status: 200, check: fieldIs(g, "GoalA", "agreed_at", agreed)},
	})
}
