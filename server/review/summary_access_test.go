package review_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// unknownTeam is a well-formed team id that does not exist.
const unknownTeam = "nosuchteam00000"

// TestSummaryAccess is the access matrix: the team's begeleiders and
// teamadviseurs and every coordinator (and superuser) see the review;
// other teams' staff and clients, even the team's own, get 403; nobody
// logged in gets 401. An unknown team is 404 only for those who may see
// any team; for everyone else it is 403, as for a team that exists, so
// the answer tells them nothing about which team ids exist.
func TestSummaryAccess(t *testing.T) {
	t.Parallel()
	_, w := servertest.NewWorldApp(t) // ids and tokens; each case runs on its own copy
	superuser := func(tb testing.TB, app core.App) string {
		c, err := app.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			tb.Fatal(err)
		}
		su := core.NewRecord(c)
		su.SetEmail("root@example.nl")
		su.SetPassword(servertest.Password)
		if err := app.Save(su); err != nil {
			tb.Fatal(err)
		}
		return servertest.Token(tb, su)
	}
	cases := []struct {
		who    string
		person *core.Record // nil: anonymous, unless super
		super  bool
		team   string
		status int
		code   string
	}{
		{"AdvA", w.AdvA, false, w.TeamA.Id, 200, ""},
		{"AdvA", w.AdvA, false, w.TeamB.Id, 403, "forbidden"},
		{"AdvA", w.AdvA, false, unknownTeam, 403, "forbidden"},
		{"AdvB", w.AdvB, false, w.TeamB.Id, 200, ""},
		{"AdvAB", w.AdvAB, false, w.TeamA.Id, 200, ""},
		{"AdvAB", w.AdvAB, false, w.TeamB.Id, 200, ""},
		{"BegA", w.BegA, false, w.TeamA.Id, 200, ""},
		{"BegA", w.BegA, false, w.TeamB.Id, 403, "forbidden"},
		{"BegB", w.BegB, false, w.TeamA.Id, 403, "forbidden"},
		{"Coord", w.Coord, false, w.TeamA.Id, 200, ""},
		{"Coord", w.Coord, false, w.TeamB.Id, 200, ""},
		{"Coord", w.Coord, false, unknownTeam, 404, "not_found"},
		{"ClientA", w.ClientA, false, w.TeamA.Id, 403, "forbidden"},
		{"ClientA", w.ClientA, false, w.TeamB.Id, 403, "forbidden"},
		{"ClientB", w.ClientB, false, unknownTeam, 403, "forbidden"},
		{"anonymous", nil, false, w.TeamA.Id, 401, "unauthorized"},
		{"anonymous", nil, false, unknownTeam, 401, "unauthorized"},
		{"superuser", nil, true, w.TeamA.Id, 200, ""},
		{"superuser", nil, true, unknownTeam, 404, "not_found"},
	}
	for _, c := range cases {
		team := map[string]string{w.TeamA.Id: "A", w.TeamB.Id: "B", unknownTeam: "unknown"}[c.team]
		t.Run(fmt.Sprintf("%s_team%s_%d", c.who, team, c.status), func(t *testing.T) {
			t.Parallel()
			s := &tests.ApiScenario{
				Method:         http.MethodGet,
				URL:            "/api/review/v1/teams/" + c.team + "/summary",
				Headers:        map[string]string{},
				ExpectedStatus: c.status,
				// A review reads; it never writes a record or fires a record hook.
				ExpectedEvents: map[string]int{"*": 0},
			}
			if c.person != nil {
				s.Headers["Authorization"] = servertest.Token(t, c.person)
			}
			if c.status == 200 {
				s.ExpectedContent = []string{`"team":{"id":"` + c.team + `"`, `"safaris_per_month":[`, `"sync_health":{`}
			} else {
				s.ExpectedContent = []string{fmt.Sprintf(`"code":"%s"`, c.code), fmt.Sprintf(`"status":%d`, c.status), `"message":"`, `"data":{}`}
				s.NotExpectedContent = []string{`"safaris_per_month"`}
			}
			s.TestAppFactory = func(tb testing.TB) *tests.TestApp {
				app, _ := servertest.NewUncleanedWorldApp(tb)
				if c.super {
					s.Headers["Authorization"] = superuser(tb, app)
				}
				return app
			}
			s.Test(t)
		})
	}
}

// TestSummaryDisabledAccount: an adviser whose account was disabled is
// refused like everywhere else in the API, with a token still valid.
func TestSummaryDisabledAccount(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	w.AdvA.Set(schema.FieldDisabled, true)
	if err := app.Save(w.AdvA); err != nil {
		t.Fatal(err)
	}
	srv := servertest.Serve(t, app)
	if got, body := get(t, srv, servertest.Token(t, w.AdvA), w.TeamA.Id, ""); got != http.StatusUnauthorized {
		t.Fatalf("disabled adviser: status %d, want 401: %s", got, body)
	}
}
