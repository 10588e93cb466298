package schema_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// expansions are lists with expand paths that reach, from what a person may
// see, into what they may not: from feedback and observations into goals
// and steps, from teams into every client's plan, from safaris into
// participants. shows names, per person, records that must come back
// expanded: proof that the path is valid and expand works at all.
var expansions = []struct {
	collection, expand string
	shows              map[string]string
}{
	{schema.Feedback, "team,author,safari,observation,safari.clients,safari.begeleiders,observation.author_user," +
		"observation.goal_steps_via_observation,observation.goal_steps_via_observation.goal.client",
		map[string]string{"Super": "SafariA ClientA ObsA StepA GoalA AdvA", "AdvAB": "SafariA ObsA TeamA TeamB AdvAB", "BegA": "SafariA ClientA ObsA StepA GoalA"}},
	{schema.Observations, "safari,safari.clients,author_client,author_user,photos,media_via_observation," +
		"goal_steps_via_observation,goal_steps_via_observation.goal,goal_steps_via_observation.contact",
		map[string]string{"Super": "ClientA StepA GoalA ContactA MediaA", "AdvA": "SafariA MediaA MediaByClientA", "BegA": "ClientA StepA GoalA ContactA"}},
	{schema.Media, "observation,observation.safari.clients,observation.author_client,observation.goal_steps_via_observation.goal",
		map[string]string{"Super": "ObsA ClientA GoalA", "AdvAB": "ObsA ObsB SafariA", "ClientA": "ObsA ObsByClientA ClientA"}},
	{schema.Safaris, "team,clients,begeleiders,observations_via_safari,feedback_via_safari,clients.goals_via_client," +
		"clients.network_contacts_via_client,observations_via_safari.goal_steps_via_observation",
		map[string]string{"Super": "ClientA GoalA ContactA StepA", "AdvAB": "ObsA ObsB FeedbackA TeamB", "ClientA": "ClientA GoalA ContactA ObsA"}},
	{schema.Teams, "clients_via_team,safaris_via_team,feedback_via_team,clients_via_team.goals_via_client," +
		"clients_via_team.network_contacts_via_client,users_via_teams,users_via_advises,sync_conflicts_via_team,safaris_via_team.clients",
		map[string]string{"Super": "ClientA2 GoalA2 ContactB BegAB AdvA ConflictGoalA", "AdvAB": "SafariA SafariB FeedbackB AdvAB",
			"ClientA2": "ClientA2 GoalA2 ConflictTeamA", "BegA": "ClientA2 GoalA2 BegAB"}},
	{schema.Users, "teams,advises,teams.clients_via_team,teams.safaris_via_team,safaris_via_begeleiders," +
		"observations_via_author_user,feedback_via_author,teams.clients_via_team.goals_via_client",
		map[string]string{"Super": "TeamB ClientB GoalB FeedbackB", "BegA": "TeamA ClientA2 GoalA2 SafariA", "AdvA": "TeamA FeedbackA"}},
	{schema.Clients, "team,goals_via_client,network_contacts_via_client,safaris_via_clients,observations_via_author_client,sync_conflicts_via_clients",
		map[string]string{"Super": "GoalB ContactB SafariB", "ClientA": "TeamA GoalA ContactA SafariA ObsByClientA ConflictGoalA"}},
	{schema.Goals, "client,client.team,goal_steps_via_goal,goal_steps_via_goal.observation,client.safaris_via_clients",
		map[string]string{"Super": "StepB ClientB", "ClientA": "ClientA TeamA StepA ObsA SafariA"}},
	{schema.GoalSteps, "goal,goal.client,contact,observation,observation.safari,observation.safari.clients",
		map[string]string{"Super": "GoalB ContactA ObsA", "BegA": "GoalA ClientA ContactA ObsA SafariA"}},
	{schema.NetworkContacts, "client,goal_steps_via_contact,client.goals_via_client",
		map[string]string{"Super": "ClientB GoalB StepA", "ClientA": "ClientA StepA GoalA"}},
	{schema.SyncConflicts, "team,clients,clients.goals_via_client,clients.network_contacts_via_client",
		map[string]string{"Super": "TeamA ClientA GoalA", "AdvA": "TeamA", "ClientA": "ClientA GoalA ContactA"}},
}

// TestExpandLeaksNothing lists with expansions as every person and walks the
// whole response: every record in it, at any depth, must be one the matrix
// lets that person read, and hidden fields appear to superusers only.
func TestExpandLeaksNothing(t *testing.T) {
	t.Parallel()
	app, f := newFixtureApp(t)
	srv := servertest.Serve(t, app)

	for _, x := range expansions {
		for _, p := range persons {
			t.Run(x.collection+"/"+p, func(t *testing.T) {
				t.Parallel()
				status, body := get(t, srv.URL, f.token(t, p),
					"/api/collections/"+x.collection+"/records?perPage=500&expand="+url.QueryEscape(x.expand))
				if status != http.StatusOK {
					t.Fatalf("status=%d, want 200: %s", status, body)
				}
				if p != "Super" && strings.Contains(string(body), `"`+schema.FieldAuthorship+`"`) {
					t.Errorf("response shows the hidden authorship field")
				}
				var page struct {
					Items []any `json:"items"`
				}
				if err := json.Unmarshal(body, &page); err != nil {
					t.Fatal(err)
				}
				seen := map[string]bool{}
				for _, item := range page.Items {
					walkRecords(item, func(collection, id string, expanded bool) {
						name := f.nameOf(id)
						if !allows(matrix[collection][p].read, name) {
							t.Errorf("%s got %s/%s, which they may not read", p, collection, name)
						}
						if expanded {
							seen[name] = true
						}
					})
				}
				for _, name := range strings.Fields(x.shows[p]) {
					if !seen[name] {
						t.Errorf("expand did not show %s to %s", name, p)
					}
				}
			})
		}
	}
}

// walkRecords calls fn for every record object (one with collectionName
// and id) in a decoded response, telling whether it came from an expand.
func walkRecords(v any, fn func(collection, id string, expanded bool)) {
	var walk func(v any, expanded bool)
	walk = func(v any, expanded bool) {
		switch v := v.(type) {
		case map[string]any:
			c, okC := v["collectionName"].(string)
			id, okID := v["id"].(string)
			if okC && okID {
				fn(c, id, expanded)
			}
			for k, child := range v {
				walk(child, expanded || k == "expand")
			}
		case []any:
			for _, child := range v {
				walk(child, expanded)
			}
		}
	}
	walk(v, false)
}
