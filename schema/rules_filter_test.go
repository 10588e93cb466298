package schema_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// Refusal messages of the filter guard (hooks/guard.go), so a test can
// tell the guard's 400 from PocketBase's own for a bad filter.
const (
	refusedCollection = "Filters on other collections (@collection) are not allowed."
	refusedPlans      = "This filter reaches into clients' plans, which team advisers cannot read."
	refusedMulti      = "Conditions on several related records need an any-operator"
	refusedHidden     = "the field is hidden from you."
)

// TestFilterGuard: filters and sorts that would turn a list into an oracle
// for data the caller cannot read are refused with 400 before PocketBase
// runs them; ordinary filters work and return exactly what the rules allow.
func TestFilterGuard(t *testing.T) {
	t.Parallel()
	app, f := newFixtureApp(t)
	srv := servertest.Serve(t, app)

	cases := []struct {
		who, collection, filter, sort string
		refused                       string // message of the 400, "" if allowed
		want                          string // names returned when allowed
	}{
		// @collection: nobody but a superuser.
		{who: "BegA", collection: schema.Clients, filter: `@collection.goals.client ?= id`, refused: refusedCollection},
		{who: "ClientA", collection: schema.Goals, filter: `@collection.goals.title ?~ "Vrijwilligers"`, refused: refusedCollection},
		{who: "Coord", collection: schema.Teams, filter: `@collection.goals.title ?~ "geld"`, refused: refusedCollection},
		{who: "AdvA", collection: schema.Feedback, sort: `@collection.goals.title`, refused: refusedCollection},
		{who: anon, collection: schema.Teams, filter: `@collection.clients.name ?= "Jan"`, refused: refusedCollection},
		{who: "Super", collection: schema.Teams, filter: `@collection.safaris.team ?= id && @collection.safaris.title ?~ "Knutsel"`, want: "TeamA"},

		// Team advisers never reach into clients, goals, steps or contacts.
		{who: "AdvA", collection: schema.Observations, filter: `safari.clients.name ~ "Jan"`, refused: refusedHidden},
		{who: "AdvA", collection: schema.Observations, filter: `author_client.name = "Jan"`, refused: refusedHidden},
		{who: "AdvA", collection: schema.Media, filter: `observation.safari.clients.name ?~ "Jan"`, refused: refusedHidden},
		{who: "AdvA", collection: schema.Observations, filter: `goal_steps_via_observation.description ?~ "markt"`, refused: refusedPlans},
		{who: "AdvA", collection: schema.Safaris, filter: `clients.goals_via_client.title ?~ "boodschappen"`, refused: refusedHidden},
		{who: "AdvA", collection: schema.Teams, filter: `clients_via_team.name ?= "Jan"`, refused: refusedPlans},
		{who: "AdvAB", collection: schema.Teams, filter: `goals_via_client.title ?~ "x"`, refused: refusedPlans},
		{who: "AdvA", collection: schema.Feedback, filter: `(text ~ "route" || (safari.clients.name ?= "Jan"))`, refused: refusedHidden},
		{who: "AdvA", collection: schema.Observations, sort: `-safari.clients.name`, refused: refusedHidden},
		{who: "AdvA", collection: schema.Safaris, filter: `clients:length > 0`, refused: refusedHidden},
		// ... but filter freely on what they may see.
		{who: "AdvA", collection: schema.Observations, filter: `safari.title ~ "Knutsel" && threshold = "low"`, want: "ObsA"},
		{who: "AdvAB", collection: schema.Safaris, filter: `team.name ~ "Zuid"`, sort: "-title", want: "SafariB"},
		{who: "AdvAB", collection: schema.Feedback, filter: `observation.title ~ "Kei"`, want: "FeedbackAB"},

		// A begeleider's ordinary filters work, through clients too.
		{who: "BegA", collection: schema.Observations, filter: `safari.clients.name ?= "Jan"`, sort: "title", want: "ObsA ObsByClientA"},
		{who: "BegA", collection: schema.Goals, filter: `client.name = "Fatima"`, want: "GoalA2"},
		{who: "BegA", collection: schema.GoalSteps, filter: `contact.name ~ "Marieke" && goal.client.team = "` + f.TeamA.Id + `"`, want: "StepA"},
		{who: "ClientA", collection: schema.Goals, filter: `title ~ "boodschappen"`, want: "GoalA"},

		// PocketBase applies the list rules of joined records, so filters
		// through relations stay inside what the caller may see...
		{who: "BegA", collection: schema.Users, filter: `teams.clients_via_team.goals_via_client.title ?~ "schulden"`, want: ""},
		{who: "BegA", collection: schema.Users, filter: `teams.name ?~ "Noord"`, want: "BegA BegAB"},
		{who: "ClientA", collection: schema.Teams, filter: `clients_via_team.name ?= "Fatima"`, want: ""},
		{who: "ClientA", collection: schema.Teams, filter: `clients_via_team.name ?= "Jan"`, want: "TeamA"},
		{who: "ClientA2", collection: schema.Teams, filter: `safaris_via_team.title ?~ "Knutsel"`, want: ""},
		{who: "BegA", collection: schema.Feedback, filter: `author.name ?= "Ada"`, want: ""},
		// ... except for plain operators on several related records, whose
		// "all of them" subquery PocketBase joins without rules.
		{who: "ClientA", collection: schema.Teams, filter: `clients_via_team.name != "Fatima"`, refused: refusedMulti},
		{who: "ClientA", collection: schema.Teams, filter: `clients_via_team.goals_via_client.title !~ "Vrijwilligers"`, refused: refusedMulti},
		{who: "ClientA", collection: schema.Teams, filter: `clients_via_team.name:each != "Fatima"`, refused: refusedMulti},
		{who: "ClientA", collection: schema.Safaris, filter: `clients.name = "Jan"`, refused: refusedMulti},
		{who: "BegA", collection: schema.Users, filter: `teams.name !~ "Zu"`, refused: refusedMulti},
		{who: "ClientA", collection: schema.Teams, filter: `@request.auth.team.clients_via_team.name != "Fatima"`, refused: refusedMulti},
		{who: "BegA", collection: schema.Safaris, filter: `clients != ""`, want: "SafariA"}, // own field, no join
		{who: "Super", collection: schema.Teams, filter: `clients_via_team.name != "Fatima"`, want: "TeamB TeamC"},
	}
	for _, c := range cases {
		t.Run(c.who+"/"+c.collection+"/"+c.filter+c.sort, func(t *testing.T) {
			t.Parallel()
			q := url.Values{"perPage": {"500"}}
			if c.filter != "" {
				q.Set("filter", c.filter)
			}
			if c.sort != "" {
				q.Set("sort", c.sort)
			}
			status, body := get(t, srv.URL, f.token(t, c.who), "/api/collections/"+c.collection+"/records?"+q.Encode())
			if c.refused != "" {
				if status != http.StatusBadRequest || !strings.Contains(string(body), c.refused) {
					t.Fatalf("status=%d %s, want 400 %q", status, body, c.refused)
				}
				return
			}
			if status != http.StatusOK {
				t.Fatalf("status=%d, want 200: %s", status, body)
			}
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, it := range page.Items {
				got = append(got, f.nameOf(it.ID))
			}
			want := strings.Fields(c.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestAuthIDsAreUniqueAcrossPeople: the users rules match a person on
// "id = @request.auth.id". That is safe only because PocketBase refuses an
// auth record whose id another auth collection already uses: a begeleider
// cannot create a client with the coordinator's id and log in as them.
func TestAuthIDsAreUniqueAcrossPeople(t *testing.T) {
	t.Parallel()
	app, f := newFixtureApp(t)
	srv := servertest.Serve(t, app)
	before, seq := mustDBState(t, app), feedSeq(t, app)

	raw, _ := json.Marshal(map[string]any{"id": f.Coord.Id, "username": "carla", "name": "Carla",
		"password": "wachtwoord123", "passwordConfirm": "wachtwoord123", "team": f.TeamA.Id})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/collections/clients/records", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", f.token(t, "BegA"))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, http.StatusBadRequest; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
	if d := before.diff(mustDBState(t, app)); d != "" {
		t.Errorf("refused create changed the database: %s", d)
	}
	if got := feedSeq(t, app); got != seq {
		t.Errorf("feed seq %d -> %d", seq, got)
	}
}
