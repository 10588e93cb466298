package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/demo"
	"github.com/samenspel/samenspel/sync/client"
)

// TestScopeIsTheRules is the differential test of "one truth": on a whole
// demo organisation, for every person (every begeleider, teamadviseur,
// coordinator and client), a fresh pull holds exactly the records, field
// for field, that PocketBase's REST API lists for them; the demo's feedback
// has answers by begeleiders and teamadviseurs. The pull reads
// buckets (schema/scope.go); the REST API evaluates the rules
// (schema/rules.go); this test holds the two equal.
func TestScopeIsTheRules(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	if _, err := demo.Fill(app, io.Discard, 7); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	mustAnswerFeedback(t, app)
	srv := servertest.Serve(t, app)
	var people []*core.Record
	for _, c := range []string{schema.Users, schema.Clients} {
		recs, err := app.FindAllRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, recs...)
	}
	if len(people) < 40 {
		t.Fatalf("demo organisation has %d people, want a realistic number", len(people))
	}
	for i, person := range people {
		dev := client.New(srv.URL, fmt.Sprintf("diff-%d", i))
		if err := dev.Register(context.Background(), servertest.Token(t, person)); err != nil {
			t.Fatalf("register %s: %v", person.Id, err)
		}
		if err := dev.Pull(context.Background()); err != nil {
			t.Fatalf("pull %s: %v", person.Id, err)
		}
		for _, c := range schema.Synced {
			want := restAll(t, srv.URL, person, c)
			got := map[string]client.Record{}
			for _, id := range dev.Store().IDs(c) {
				got[id] = dev.Store().Get(c, id)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s (%s) %s: pull has %d records, REST %d, or their fields differ:\n pull %v\n rest %v",
					person.Collection().Name, person.Id, person.GetString("role"), c, len(got), len(want), keys(got), keys(want))
			}
		}
	}
}

// restAll lists a whole collection through the REST API as person.
func restAll(t *testing.T, base string, person *core.Record, collection string) map[string]client.Record {
	t.Helper()
	out := map[string]client.Record{}
	for page := 1; ; page++ {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/collections/%s/records?perPage=500&page=%d&skipTotal=1", base, collection, page), nil)
		req.Header.Set("Authorization", servertest.Token(t, person))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Items []client.Record `json:"items"`
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != 200 || err != nil {
			t.Fatalf("list %s as %s: %d %v", collection, person.Id, res.StatusCode, err)
		}
		for _, r := range body.Items {
			delete(r, "collectionId")
			delete(r, "collectionName")
			out[r["id"].(string)] = r
		}
		if len(body.Items) < 500 {
			return out
		}
	}
}

// mustAnswerFeedback has a begeleider of the team answer each demo note,
// and the note's teamadviseur answer every other one: answers are the
// team's, in its bucket, and the pull must hold them as REST lists them.
func mustAnswerFeedback(t *testing.T, app core.App) {
	t.Helper()
	notes, err := app.FindAllRecords(schema.Feedback)
	if err != nil {
		t.Fatal(err)
	}
	col, _ := app.FindCachedCollectionByNameOrId(schema.Feedback)
	for i, n := range notes {
		team := n.GetString(schema.FieldTeam)
		beg, err := app.FindFirstRecordByFilter(schema.Users, "role = 'begeleider' && teams ~ {:team}", dbx.Params{"team": team})
		if err != nil {
			t.Fatalf("a begeleider of team %s: %v", team, err)
		}
		authors := []string{beg.Id}
		if i%2 == 0 {
			authors = append(authors, n.GetString(schema.FieldAuthor))
		}
		for _, author := range authors {
			r := core.NewRecord(col)
			r.Load(map[string]any{schema.FieldTeam: team, schema.FieldAuthor: author, schema.FieldAnswerTo: n.Id, "text": "Dank je, goed punt."})
			if err := app.Save(r); err != nil {
				t.Fatalf("answer to %s: %v", n.Id, err)
			}
		}
	}
}
