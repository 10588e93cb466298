package hooks

import (
	"encoding/json"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// References across teams. The read rules keep other teams' records out of
// sight, but a relation may still name their ids; these checks keep every
// reference inside the team it belongs to, so a team's data never points
// at (and never depends on) another team's.

func init() {
	validators[schema.Safaris] = chain(validators[schema.Safaris], validateSafariRefs)
	validators[schema.Observations] = chain(validators[schema.Observations], validateObservationPhotos)
	validators[schema.GoalSteps] = chain(validators[schema.GoalSteps], validateStepObservation)
}

// chain runs validators in order and returns the first failure.
func chain(fns ...func(core.App, *core.Record) validation.Errors) func(core.App, *core.Record) validation.Errors {
	return func(app core.App, r *core.Record) validation.Errors {
		for _, fn := range fns {
			if fn == nil {
				continue
			}
			if errs := fn(app, r); len(errs) > 0 {
				return errs
			}
		}
		return nil
	}
}

// count runs a count query with params.
func count(app core.App, q string, params dbx.Params) (int, error) {
	var n int
	err := app.DB().NewQuery(q).Bind(params).Row(&n)
	return n, err
}

// validateSafariRefs: the begeleiders of a walk are begeleiders of its
// team, and when the walk moves to another team every participant must be
// a client of the new team (they move with it, or leave it first).
func validateSafariRefs(app core.App, r *core.Record) validation.Errors {
	team := r.GetString(schema.FieldTeam)
	if ids := r.GetStringSlice("begeleiders"); len(ids) > 0 && (r.IsNew() || changed(r, "begeleiders") || changed(r, schema.FieldTeam)) {
		n, err := count(app, `SELECT count(*) FROM users u WHERE u.id IN (SELECT value FROM json_each({:ids}))
			AND u.role = 'begeleider' AND EXISTS (SELECT 1 FROM json_each(u.teams) t WHERE t.value = {:team})`,
			dbx.Params{"ids": toJSON(ids), "team": team})
		if err != nil || n != len(ids) {
			return fieldError("begeleiders", "team", "The begeleiders of a safari must be begeleiders of its team.")
		}
	}
	if ids := r.GetStringSlice(schema.FieldClients); len(ids) > 0 && changed(r, schema.FieldTeam) {
		n, err := count(app, `SELECT count(*) FROM clients WHERE id IN (SELECT value FROM json_each({:ids})) AND team = {:team}`,
			dbx.Params{"ids": toJSON(ids), "team": team})
		if err != nil || n != len(ids) {
			return fieldError(schema.FieldClients, "team", "Every participant must be a client of the team the safari moves to.")
		}
	}
	return nil
}

// validateObservationPhotos: an observation's photos are its own.
func validateObservationPhotos(app core.App, r *core.Record) validation.Errors {
	ids := r.GetStringSlice("photos")
	if len(ids) == 0 || !(r.IsNew() || changed(r, "photos")) {
		return nil
	}
	n, err := count(app, `SELECT count(*) FROM media WHERE id IN (SELECT value FROM json_each({:ids})) AND observation = {:obs}`,
		dbx.Params{"ids": toJSON(ids), "obs": r.Id})
	if err != nil || n != len(ids) {
		return fieldError("photos", "observation", "Photos must belong to this observation.")
	}
	return nil
}

// validateStepObservation: a step may use a neighbourhood resource the
// client's team found, not another team's.
func validateStepObservation(app core.App, r *core.Record) validation.Errors {
	obs := r.GetString(schema.FieldObservation)
	if obs == "" || !(r.IsNew() || changed(r, schema.FieldObservation)) {
		return nil
	}
	n, err := count(app, `SELECT count(*) FROM observations o JOIN safaris s ON s.id = o.safari
		JOIN goals g ON g.id = {:goal} JOIN clients c ON c.id = g.client
		WHERE o.id = {:obs} AND s.team = c.team`,
		dbx.Params{"goal": r.GetString(schema.FieldGoal), "obs": obs})
	if err != nil || n == 0 {
		return fieldError(schema.FieldObservation, "team", "The observation must be one of the client's team.")
	}
	return nil
}

func toJSON(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}
