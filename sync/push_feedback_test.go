package sync_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestFeedbackAnswersPushIsREST: what an attacker tries with answers to
// feedback, through sync push on one copy of a World and through REST on
// another, in the same order: answers in another team, answer_to as a
// list or sent twice, a note of team B answered in team A, answers in
// someone else's name, answers to answers, clients writing or reading
// feedback, a begeleider changing the teamadviseur's note or someone
// else's answer, moving or re-threading an answer. Both paths must give
// the verdict the case expects; a write that is applied advances the
// change feed with the record in its team's bucket, a refused one moves
// nothing.
func TestFeedbackAnswersPushIsREST(t *testing.T) {
	t.Parallel()
	pushApp, w := servertest.NewWorldApp(t)
	restApp, _ := servertest.NewWorldApp(t)
	var begAB, answerA *core.Record
	for _, app := range []*tests.TestApp{pushApp, restApp} {
		begAB = mustSaveRecord(t, app, schema.Users, "begabfeedback01", map[string]any{"email": "begab@example.nl", "name": "Daan",
			"role": schema.RoleBegeleider, "teams": []string{w.TeamA.Id, w.TeamB.Id}})
		answerA = mustSaveRecord(t, app, schema.Feedback, "answerafeedback", map[string]any{"team": w.TeamA.Id, "author": w.BegA.Id,
			"answer_to": w.FeedbackA.Id, "text": "Dank je, we gaan er weer heen."})
	}
	pushURL, restURL := servertest.Serve(t, pushApp).URL, servertest.Serve(t, restApp).URL
	a, b := w.TeamA.Id, w.TeamB.Id
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	answer := func(team, note, author string) string {
		return fmt.Sprintf(`{"team":%q,"answer_to":%s,"author":%q,"text":"Goed punt."}`, team, note, author)
	}

	cases := []struct {
		name   string
		by     *core.Record
		op, id string // id "" is a fresh id for a create
		data   string // raw JSON, so a key can be sent twice
		want   bool
	}{
		{"answer in another team", w.BegA, "create", "", answer(b, q(w.FeedbackB.Id), w.BegA.Id), false},
		{"team A, answers B's note", w.BegA, "create", "", answer(a, q(w.FeedbackB.Id), w.BegA.Id), false},
		{"member of both: team A, answers B's note", begAB, "create", "", answer(a, q(w.FeedbackB.Id), begAB.Id), false},
		{"member of both: team B, answers A's note", begAB, "create", "", answer(b, q(w.FeedbackA.Id), begAB.Id), false},
		{"answer_to a list", w.BegA, "create", "", answer(a, fmt.Sprintf("[%q,%q]", w.FeedbackB.Id, w.FeedbackA.Id), w.BegA.Id), false},
		{"answer_to a list of one note twice", w.BegA, "create", "", answer(a, fmt.Sprintf("[%q,%q]", w.FeedbackA.Id, w.FeedbackA.Id), w.BegA.Id), false},
		{"answer_to sent twice, B's note last", w.BegA, "create", "",
			fmt.Sprintf(`{"team":%q,"answer_to":%q,"author":%q,"text":"x","answer_to":%q}`, a, w.FeedbackA.Id, w.BegA.Id, w.FeedbackB.Id), false},
		{"team sent twice, B last", w.BegA, "create", "",
			fmt.Sprintf(`{"team":%q,"answer_to":%q,"author":%q,"text":"x","team":%q}`, a, w.FeedbackA.Id, w.BegA.Id, b), false},
		{"answer in a colleague's name", w.BegA, "create", "", answer(a, q(w.FeedbackA.Id), begAB.Id), false},
		{"answer in the teamadviseur's name", w.BegA, "create", "", answer(a, q(w.FeedbackA.Id), w.AdvA.Id), false},
		{"answer to an answer", w.BegA, "create", "", answer(a, q(answerA.Id), w.BegA.Id), false},
		{"a note of one's own", w.BegA, "create", "", fmt.Sprintf(`{"team":%q,"author":%q,"kind":"question","text":"x"}`, a, w.BegA.Id), false},
		{"client writes a note", w.ClientA, "create", "", fmt.Sprintf(`{"team":%q,"author":%q,"text":"x"}`, a, w.AdvA.Id), false},
		{"client answers", w.ClientA, "create", "", answer(a, q(w.FeedbackA.Id), w.BegA.Id), false},
		{"teamadviseur answers in a team they do not advise", w.AdvA, "create", "", answer(b, q(w.FeedbackB.Id), w.AdvA.Id), false},
		{"teamadviseur answers B's note in team A", w.AdvA, "create", "", answer(a, q(w.FeedbackB.Id), w.AdvA.Id), false},
		{"begeleider rewrites the teamadviseur's note", w.BegA, "update", w.FeedbackA.Id, `{"text":"Niet zo mooi"}`, false},
		{"begeleider deletes the teamadviseur's note", w.BegA, "delete", w.FeedbackA.Id, "", false},
		{"colleague rewrites BegA's answer", begAB, "update", answerA.Id, `{"text":"Anders"}`, false},
		{"colleague deletes BegA's answer", begAB, "delete", answerA.Id, "", false},
		{"teamadviseur rewrites BegA's answer", w.AdvA, "update", answerA.Id, `{"text":"Anders"}`, false},
		{"answer moves to team B", w.BegA, "update", answerA.Id, fmt.Sprintf(`{"team":%q}`, b), false},
		{"answer moves to team B with B's note", w.BegA, "update", answerA.Id, fmt.Sprintf(`{"team":%q,"answer_to":%q}`, b, w.FeedbackB.Id), false},
		{"answer re-threaded", w.BegA, "update", answerA.Id, fmt.Sprintf(`{"answer_to":%q}`, w.FeedbackB.Id), false},
		{"answer becomes a note", w.BegA, "update", answerA.Id, `{"answer_to":""}`, false},
		{"answer handed to a colleague", w.BegA, "update", answerA.Id, fmt.Sprintf(`{"author":%q}`, begAB.Id), false},
		{"client edits an answer", w.ClientA, "update", answerA.Id, `{"text":"x"}`, false},
		{"begeleider answers their team's note", w.BegA, "create", "", answer(a, q(w.FeedbackA.Id), w.BegA.Id), true},
		{"member of both answers in team B", begAB, "create", "", answer(b, q(w.FeedbackB.Id), begAB.Id), true},
		{"teamadviseur answers in their team", w.AdvA, "create", "", answer(a, q(w.FeedbackA.Id), w.AdvA.Id), true},
		{"teamadviseur writes a note", w.AdvB, "create", "", fmt.Sprintf(`{"team":%q,"author":%q,"kind":"suggestion","text":"x"}`, b, w.AdvB.Id), true},
		{"begeleider rewrites their answer", w.BegA, "update", answerA.Id, `{"text":"We gaan er dinsdag weer heen."}`, true},
		{"begeleider deletes their answer", w.BegA, "delete", answerA.Id, "", true},
	}
	devices := map[string]string{}
	for i, c := range cases {
		id := c.id
		if id == "" {
			id = fmt.Sprintf("fbanswer%07d", i)
		}
		if devices[c.by.Id] == "" {
			devices[c.by.Id] = fuzzRegister(t, pushURL, c.by, "fb-"+c.by.Id)
		}
		seqPush, seqREST := feedPosition(t, pushApp), feedPosition(t, restApp)

		m := fmt.Sprintf(`{"mutation_id":"fb%d","collection":"feedback","id":%q,"op":%q`, i, id, c.op)
		if c.op != "create" {
			m += fmt.Sprintf(`,"base_version":%d`, recordVersion(t, pushApp, id))
		}
		if c.data != "" {
			m += `,"data":` + c.data
		}
		r := fuzzPost(t, pushURL, devices[c.by.Id], []byte(`{"mutations":[`+m+`}]}`))
		var pushed fieldsync.PushResponse
		if r.status != http.StatusOK || json.Unmarshal(r.body, &pushed) != nil || len(pushed.Results) != 1 {
			t.Fatalf("%s: push %d %s", c.name, r.status, r.body)
		}
		byPush := pushed.Results[0].Status == fieldsync.StatusApplied
		byREST := restRaw(t, restURL, servertest.Token(t, c.by), c.op, id, c.data)
		if byPush != c.want || byREST != c.want {
			t.Errorf("%s: applied by push %v (%s %+v), by REST %v; want %v", c.name, byPush, pushed.Results[0].Status, pushed.Results[0].Error, byREST, c.want)
			continue
		}
		for _, x := range []struct {
			app    core.App
			before int64
			path   string
		}{{pushApp, seqPush, "push"}, {restApp, seqREST, "REST"}} {
			after := feedPosition(t, x.app)
			switch {
			case !c.want && after != x.before:
				t.Errorf("%s: refused by %s, yet the change feed moved %d -> %d", c.name, x.path, x.before, after)
			case c.want && after <= x.before:
				t.Errorf("%s: applied by %s, yet the change feed stayed at %d", c.name, x.path, x.before)
			case c.want && c.op != "delete" && feedRows(t, x.app, id, after) == 0:
				t.Errorf("%s: applied by %s, yet the feed has no row for %s at %d in its team's bucket", c.name, x.path, id, after)
			}
		}
		sameRecord(t, pushApp, restApp, schema.Feedback, id)
	}
}

// mustSaveRecord saves a record with a fixed id (and, for a person, a
// fixed token key, so one token works on every copy of the World).
func mustSaveRecord(tb testing.TB, app core.App, collection, id string, fields map[string]any) *core.Record {
	tb.Helper()
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		tb.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Id = id
	r.Load(fields)
	if c.IsAuth() {
		r.SetPassword(servertest.Password)
		r.SetTokenKey("fixed-token-key-" + id + "-0123456789")
	}
	if err := app.Save(r); err != nil {
		tb.Fatalf("save %s %s: %v", collection, id, err)
	}
	return r
}

// restRaw sends one write through REST with a raw JSON body and reports
// whether it was applied.
func restRaw(t *testing.T, url, auth, op, id, data string) bool {
	t.Helper()
	path, method := url+"/api/collections/feedback/records", http.MethodPost
	switch op {
	case "create":
		data = fmt.Sprintf(`{"id":%q,`, id) + strings.TrimPrefix(data, "{")
	case "update":
		path, method = path+"/"+id, http.MethodPatch
	case "delete":
		path, method = path+"/"+id, http.MethodDelete
	}
	req, _ := http.NewRequest(method, path, strings.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode/100 == 2
}

func feedPosition(t *testing.T, app core.App) int64 {
	t.Helper()
	var seq int64
	if err := app.DB().NewQuery("SELECT seq FROM sync_state WHERE id = 1").Row(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

// feedRows counts the change rows of a feedback record at seq in the
// bucket of its team.
func feedRows(t *testing.T, app core.App, id string, seq int64) int {
	t.Helper()
	var n int
	err := app.DB().NewQuery(`SELECT count(*) FROM sync_feed f JOIN feedback r ON r.id = f.record_id
		WHERE f.collection = 'feedback' AND f.record_id = {:id} AND f.seq = {:seq} AND f.bucket = 'team:' || r.team`).
		Bind(map[string]any{"id": id, "seq": seq}).Row(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func recordVersion(t *testing.T, app core.App, id string) int {
	t.Helper()
	r, err := app.FindRecordById(schema.Feedback, id)
	if err != nil {
		return 1
	}
	return r.GetInt(schema.FieldVersion)
}
