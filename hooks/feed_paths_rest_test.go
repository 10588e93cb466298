package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// feedScenario is a REST request and the feed change it must make (none
// when want is empty). Auth is "superuser" for a superuser made in the
// scenario's app (the admin UI's path), else a PocketBase token.
type feedScenario struct {
	name   string
	method string
	url    string
	body   string
	auth   string
	status int
	events map[string]int
	want   []written
}

func (s feedScenario) run(t *testing.T) {
	headers := map[string]string{}
	if s.auth != "superuser" {
		headers["Authorization"] = s.auth
	}
	var before feedTable
	var content []string
	if s.status != http.StatusNoContent {
		content = []string{"{"}
	}
	scenario := tests.ApiScenario{
		Name:            s.name,
		Method:          s.method,
		URL:             s.url,
		Body:            strings.NewReader(s.body),
		Headers:         headers,
		ExpectedStatus:  s.status,
		ExpectedContent: content,
		ExpectedEvents:  s.events,
		TestAppFactory: func(tb testing.TB) *tests.TestApp {
			app, _ := servertest.NewUncleanedWorldApp(tb)
			app.Settings().Batch.Enabled = true
			return app
		},
		BeforeTestFunc: func(tb testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			if s.auth == "superuser" {
				headers["Authorization"] = superuserToken(tb, app)
			}
			before = readFeed(tb, app)
		},
		AfterTestFunc: func(tb testing.TB, app *tests.TestApp, res *http.Response) {
			after := readFeed(tb, app)
			if len(s.want) == 0 {
				mustNotChange(tb, before, after)
				return
			}
			mustAdvance(tb, app, before, after, s.want...)
		},
	}
	scenario.Test(t)
}

func superuserToken(tb testing.TB, app core.App) string {
	tb.Helper()
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		tb.Fatal(err)
	}
	su := core.NewRecord(col)
	su.SetEmail("beheer@example.nl")
	su.SetPassword(servertest.Password)
	if err := app.Save(su); err != nil {
		tb.Fatalf("save superuser: %v", err)
	}
	return servertest.Token(tb, su)
}

func batchBody(tb testing.TB, requests ...map[string]any) string {
	tb.Helper()
	raw, err := json.Marshal(map[string]any{"requests": requests})
	if err != nil {
		tb.Fatal(err)
	}
	return string(raw)
}

func TestFeedRESTPaths(t *testing.T) {
	t.Parallel()
	_, w := servertest.NewWorldApp(t) // ids and tokens are the same in every copy
	bega, begb, adva := servertest.Token(t, w.BegA), servertest.Token(t, w.BegB), servertest.Token(t, w.AdvA)
	goals := "/api/collections/goals/records"
	newGoal := func(id string) written { return written{schema.Goals, id, false} }

	scenarios := []feedScenario{
		{
			name: "begeleider creates", method: "POST", url: goals, auth: bega, status: 200,
			body:   `{"id":"feedgoalrest001","client":"` + w.ClientA.Id + `","title":"Via REST"}`,
			events: map[string]int{"OnRecordCreateExecute": 1, "OnRecordAfterCreateSuccess": 1},
			want:   []written{newGoal("feedgoalrest001")},
		},
		{
			name: "begeleider updates", method: "PATCH", url: goals + "/" + w.GoalA.Id, auth: bega, status: 200,
			body:   `{"title":"Via REST bijgewerkt"}`,
			events: map[string]int{"OnRecordUpdateExecute": 1, "OnRecordAfterUpdateSuccess": 1},
			want:   []written{upserted(w.GoalA)},
		},
		{
			name: "begeleider deletes", method: "DELETE", url: goals + "/" + w.GoalA2.Id, auth: bega, status: 204,
			events: map[string]int{"OnRecordDeleteExecute": 1, "OnRecordAfterDeleteSuccess": 1},
			want:   []written{deletedRec(w.GoalA2)},
		},
		{
			name: "begeleider deletes a goal with steps (cascade)", method: "DELETE", url: goals + "/" + w.GoalA.Id, auth: bega, status: 204,
			events: map[string]int{"OnRecordDeleteExecute": 2, "OnRecordAfterDeleteSuccess": 2},
			// The step was written by someone else: the cascade keeps it
			// as a conflict, a new record of its own in the feed.
			want: []written{deletedRec(w.GoalA), deletedRec(w.StepA), createdIn(schema.SyncConflicts)},
		},
		{
			name: "superuser creates (admin UI)", method: "POST", url: goals, auth: "superuser", status: 200,
			body:   `{"id":"feedgoaladmin01","client":"` + w.ClientB.Id + `","title":"Door de beheerder"}`,
			events: map[string]int{"OnRecordCreateExecute": 1},
			want:   []written{newGoal("feedgoaladmin01")},
		},
		{
			name: "superuser updates (admin UI)", method: "PATCH", url: goals + "/" + w.GoalB.Id, auth: "superuser", status: 200,
			body:   `{"status":"paused"}`,
			events: map[string]int{"OnRecordUpdateExecute": 1},
			want:   []written{upserted(w.GoalB)},
		},
		{
			name: "superuser deletes (admin UI)", method: "DELETE", url: "/api/collections/feedback/records/" + w.FeedbackB.Id, auth: "superuser", status: 204,
			events: map[string]int{"OnRecordDeleteExecute": 1},
			want:   []written{deletedRec(w.FeedbackB)},
		},
		{
			name: "batch: create, update and delete in one transaction", method: "POST", url: "/api/batch", auth: bega, status: 200,
			body: batchBody(t,
				map[string]any{"method": "POST", "url": goals, "body": map[string]any{"id": "feedgoalbatch01", "client": w.ClientA2.Id, "title": "In een batch"}},
				map[string]any{"method": "PATCH", "url": "/api/collections/network_contacts/records/" + w.ContactA.Id, "body": map[string]any{"note": "batch"}},
				map[string]any{"method": "DELETE", "url": goals + "/" + w.GoalA2.Id},
			),
			events: map[string]int{"OnBatchRequest": 1, "OnRecordCreateExecute": 1, "OnRecordUpdateExecute": 1, "OnRecordDeleteExecute": 1},
			want:   []written{newGoal("feedgoalbatch01"), upserted(w.ContactA), deletedRec(w.GoalA2)},
		},

		// Failures: nothing of the feed, the sequence or any version moves.
		{
			name: "validation error", method: "PATCH", url: goals + "/" + w.GoalA.Id, auth: bega, status: 400,
			body:   `{"status":"dreaming"}`,
			events: map[string]int{"OnRecordUpdateExecute": 0},
		},
		{
			name: "superuser validation error", method: "PATCH", url: goals + "/" + w.GoalB.Id, auth: "superuser", status: 400,
			body:   `{"progress":11}`,
			events: map[string]int{"OnRecordUpdateExecute": 0},
		},
		{
			name: "update refused by the rule", method: "PATCH", url: goals + "/" + w.GoalA.Id, auth: begb, status: 404,
			body:   `{"title":"Niet van mij"}`,
			events: map[string]int{"OnRecordUpdateExecute": 0},
		},
		{
			name: "create refused by the rule", method: "POST", url: goals, auth: adva, status: 400,
			body:   `{"id":"feedgoaladvis01","client":"` + w.ClientA.Id + `","title":"Adviseur"}`,
			events: map[string]int{"OnRecordCreateExecute": 0},
		},
		{
			name: "delete refused by the rule", method: "DELETE", url: goals + "/" + w.GoalA.Id, auth: begb, status: 404,
			events: map[string]int{"OnRecordDeleteExecute": 0},
		},
		{
			// The first three writes ran (and fed the feed) inside the
			// batch's transaction; the last one fails, so all of it goes.
			name: "batch whose last request fails", method: "POST", url: "/api/batch", auth: bega, status: 400,
			body: batchBody(t,
				map[string]any{"method": "POST", "url": goals, "body": map[string]any{"id": "feedgoalbatch02", "client": w.ClientA.Id, "title": "Weg"}},
				map[string]any{"method": "PATCH", "url": goals + "/" + w.GoalA.Id, "body": map[string]any{"title": "Weg"}},
				map[string]any{"method": "DELETE", "url": goals + "/" + w.GoalA2.Id},
				map[string]any{"method": "PATCH", "url": goals + "/" + w.GoalA.Id, "body": map[string]any{"status": "dreaming"}},
			),
			events: map[string]int{"OnBatchRequest": 1, "OnRecordCreateExecute": 1, "OnRecordDeleteExecute": 1},
		},
	}
	for _, s := range scenarios {
		s.run(t)
	}
}

// TestFeedSyncPush: the sync API's writes are captured like any other, and
// a rejected mutation leaves nothing.
func TestFeedSyncPush(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	url := servertest.Serve(t, app).URL
	post := func(path, auth, body string) []byte {
		t.Helper()
		req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var raw json.RawMessage
		if err := json.NewDecoder(res.Body).Decode(&raw); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s %v", path, res.StatusCode, raw, err)
		}
		return raw
	}
	var reg struct{ Token string }
	_ = json.Unmarshal(post("/api/sync/v1/devices", servertest.Token(t, w.BegA), `{"device_id":"feed-phone","schema_version":1}`), &reg)
	device := "Bearer " + reg.Token

	tests := []struct {
		name     string
		mutation string
		status   string
		want     []written
	}{
		{"create", `{"mutation_id":"p1","collection":"goals","id":"feedgoalpush001","op":"create","data":{"client":"` + w.ClientA.Id + `","title":"Via sync"}}`,
			"applied", []written{{schema.Goals, "feedgoalpush001", false}}},
		{"update", `{"mutation_id":"p2","collection":"goals","id":"` + w.GoalA.Id + `","op":"update","base_version":1,"data":{"title":"Via sync bijgewerkt"}}`,
			"applied", []written{upserted(w.GoalA)}},
		{"delete", `{"mutation_id":"p3","collection":"network_contacts","id":"` + w.ContactA.Id + `","op":"delete","base_version":1}`,
			"applied", []written{deletedRec(w.ContactA), upserted(w.StepA)}}, // PocketBase unsets the step's contact: a write of the step
		{"rejected", `{"mutation_id":"p4","collection":"goals","id":"` + w.GoalA2.Id + `","op":"update","base_version":1,"data":{"status":"dreaming"}}`,
			"rejected", nil},
		{"replayed", `{"mutation_id":"p2","collection":"goals","id":"` + w.GoalA.Id + `","op":"update","base_version":1,"data":{"title":"Via sync bijgewerkt"}}`,
			"applied", nil},
	}
	for _, tt := range tests {
		before := readFeed(t, app)
		var res struct{ Results []struct{ Status string } }
		_ = json.Unmarshal(post("/api/sync/v1/push", device, `{"mutations":[`+tt.mutation+`]}`), &res)
		if len(res.Results) != 1 || res.Results[0].Status != tt.status {
			t.Fatalf("%s: results %+v, want one %s", tt.name, res.Results, tt.status)
		}
		after := readFeed(t, app)
		if tt.want == nil {
			mustNotChange(t, before, after)
			continue
		}
		mustAdvance(t, app, before, after, tt.want...)
	}
}
