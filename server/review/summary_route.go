package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// SummaryPath is the route of a team's review summary.
const SummaryPath = "/api/review/v1/teams/{id}/summary"

// Register binds the review API to the app's router when it serves. It
// never fails today; the error is there for what registration may need.
func Register(app core.App) error {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelReviewAPI",
		Func: func(se *core.ServeEvent) error {
			se.Router.GET(SummaryPath, serveSummary)
			return se.Next()
		},
	})
	return nil
}

// serveSummary answers GET SummaryPath. The checks run in this order, so
// what a refusal reveals is only what the caller may know:
//
//  1. no login: 401 unauthorized;
//  2. not allowed to review this team id: 403 forbidden, whether the team
//     exists or not (an existence oracle is also an answer);
//  3. a bad period: 400 invalid_request naming the parameter;
//  4. a team the caller may review that does not exist (only coordinators
//     and superusers, or a stale team id in someone's own list): 404.
func serveSummary(re *core.RequestEvent) error {
	if re.Auth == nil {
		return writeError(re, apierr.Errorf(apierr.CodeUnauthorized, "Log in to see a team review."))
	}
	teamID := re.Request.PathValue("id")
	if !mayReview(re.Auth, teamID) {
		return writeError(re, apierr.Errorf(apierr.CodeForbidden, "Only the team's begeleiders and teamadviseurs, and coordinators, see its review."))
	}
	q := re.Request.URL.Query()
	now := time.Now()
	p, err := ParsePeriod(q.Get("from"), q.Get("to"), now)
	var pe *PeriodError
	if errors.As(err, &pe) {
		return writeError(re, apierr.Errorf(apierr.CodeInvalidRequest, "The period is not valid: %s.", pe).
			WithData(map[string]any{pe.Param: pe.Reason}))
	}
	if err != nil {
		return writeError(re, err)
	}
	s, err := Compute(re.App, teamID, p, now)
	if errors.Is(err, ErrNoTeam) {
		return writeError(re, apierr.Errorf(apierr.CodeNotFound, "No team with this id."))
	}
	if err != nil {
		return writeError(re, err)
	}
	return writeJSON(re, http.StatusOK, s)
}

// mayReview reports whether a person may see the review of a team:
// coordinators and superusers any team, begeleiders their own teams,
// teamadviseurs the teams they advise; clients none, not even their own
// (the review is the team's reflection on its work, not theirs to audit).
// Roles are read as the access rules read them (schema/rules.go).
func mayReview(auth *core.Record, teamID string) bool {
	if auth.IsSuperuser() {
		return true
	}
	if auth.Collection().Name != schema.Users {
		return false
	}
	switch auth.GetString(schema.FieldRole) {
	case schema.RoleCoordinator:
		return true
	case schema.RoleBegeleider:
		return slices.Contains(auth.GetStringSlice(schema.FieldTeams), teamID)
	case schema.RoleTeamadviseur:
		return slices.Contains(auth.GetStringSlice(schema.FieldAdvises), teamID)
	}
	return false
}

// writeError answers in the protocol's error shape
// {"status","code","message","data"}; anything that is not a protocol
// error is logged and answered as internal, with no internals.
func writeError(re *core.RequestEvent, err error) error {
	apierr.Write(re.Response, re.Request, re.App.Logger(), err)
	return nil
}

// writeJSON writes v without escaping < and >: the wire shows "<5", which
// is what people reading the API and its documentation expect. A review
// is about people's current work, so no cache keeps it.
func writeJSON(re *core.RequestEvent, status int, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	re.Response.Header().Set("Cache-Control", "no-store")
	return re.Blob(status, "application/json", b.Bytes())
}
