package sync_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// FuzzPushHTTP posts fuzzed push bodies through the real HTTP API to one
// World, as one of four people, and checks after every push that:
//
//   - the answer is 200, 400 or 413 with the protocol's error shape, never
//     a 500;
//   - a 200 has one result per mutation, in order, each applied, conflict
//     or rejected, and every rejection is kept in sync_rejections;
//   - the change feed is consistent with the records: sync_state.seq is the
//     highest seq in sync_feed, every record is live in bucket "*" and
//     every live row there is a record, a record's version changed exactly
//     when its feed position did, and a deleted record left a tombstone.
//
// Bodies are templates: $GOALA and the like become the World's ids, so the
// seeds (testdata/fuzz/FuzzPushHTTP) reach real records. A push goes twice,
// so replays of whatever the fuzzer made up are checked too.
//
// Coverage inside PocketBase varies from run to run, so nearly every input
// looks new and the fuzzer would spend its time minimizing; fuzz with
// -fuzzminimizetime=1x (about 12 inputs a second on two shared cores).
func FuzzPushHTTP(f *testing.F) {
	f.Fuzz(func(t *testing.T, template []byte, who uint8) {
		// A fresh World for every input: an input then always does the
		// same, so the fuzzer's coverage is true and a failure replays.
		app, w := servertest.NewWorldApp(t)
		url := servertest.Serve(t, app).URL
		people := []*core.Record{w.BegA, w.AdvA, w.ClientA, w.Coord}
		person := int(who) % len(people)
		device := fmt.Sprintf("fuzz-%d", person)
		token := fuzzRegister(t, url, people[person], device)
		ids := strings.NewReplacer(
			"$TEAMA", w.TeamA.Id, "$TEAMB", w.TeamB.Id,
			"$CLIENTA", w.ClientA.Id, "$CLIENTB", w.ClientB.Id,
			"$SAFARIA", w.SafariA.Id, "$OBSA", w.ObsA.Id, "$MEDIAA", w.MediaA.Id,
			"$GOALA", w.GoalA.Id, "$GOALB", w.GoalB.Id, "$STEPA", w.StepA.Id,
			"$CONTACTA", w.ContactA.Id, "$FEEDBACKA", w.FeedbackA.Id,
			"$CONFLICTA", w.ConflictGoalA.Id, "$BEGA", w.BegA.Id,
		)
		body := []byte(ids.Replace(string(template)))
		before := snapshotFeed(t, app)
		first := fuzzPost(t, url, token, body)
		checkAnswer(t, app, device, body, first)
		after := snapshotFeed(t, app)
		checkFeed(t, before, after)

		// The same push again is a replay of every mutation in it: the
		// same answer, and not one write, not even a kept rejection.
		kept := countRows(t, app, schema.SyncRejections)
		again := fuzzPost(t, url, token, body)
		if n := countRows(t, app, schema.SyncRejections); n != kept {
			t.Fatalf("replay kept %d more rejections", n-kept)
		}
		if again.status != first.status {
			t.Fatalf("replay: status %d, first %d: %s", again.status, first.status, again.body)
		}
		checkAnswer(t, app, device, body, again)
		if first.status == http.StatusOK {
			var a, b fieldsync.PushResponse
			_ = json.Unmarshal(first.body, &a)
			_ = json.Unmarshal(again.body, &b)
			for i := range a.Results {
				x, y := a.Results[i], b.Results[i]
				if x.MutationID != y.MutationID || x.Status != y.Status || x.Version != y.Version || !sameCode(x.Error, y.Error) {
					t.Fatalf("replay of %s: %+v, first %+v", x.MutationID, y, x)
				}
			}
		}
		if replayed := snapshotFeed(t, app); !reflect.DeepEqual(replayed, after) {
			t.Fatalf("a replayed push changed the feed or a version: seq %d -> %d", after.seq, replayed.seq)
		}
	})
}

func sameCode(a, b *apierr.Error) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Code == b.Code)
}

func fuzzPost(t *testing.T, url, token string, body []byte) reply {
	t.Helper()
	req, err := http.NewRequest("POST", url+"/api/sync/v1/push", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	return reply{res.StatusCode, res.Header, raw}
}

// checkAnswer allows 200, 400 and 413, each in its proper shape.
func checkAnswer(t *testing.T, app core.App, device string, body []byte, r reply) {
	t.Helper()
	switch r.status {
	case http.StatusOK:
		checkResults(t, app, device, body, r.body)
	case http.StatusBadRequest:
		mustError(t, r, apierr.CodeInvalidRequest)
	case http.StatusRequestEntityTooLarge:
		mustError(t, r, apierr.CodePayloadTooLarge)
	default:
		t.Fatalf("status %d: %s\nbody: %.300q", r.status, r.body, body)
	}
}

func fuzzRegister(tb testing.TB, url string, person *core.Record, device string) string {
	tb.Helper()
	body := fmt.Sprintf(`{"device_id":%q,"schema_version":1}`, device)
	req, _ := http.NewRequest("POST", url+"/api/sync/v1/devices", strings.NewReader(body))
	req.Header.Set("Authorization", servertest.Token(tb, person))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var out fieldsync.RegisterResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		tb.Fatalf("register %s: %d %v", device, res.StatusCode, err)
	}
	return "Bearer " + out.Token
}

// checkResults holds a 200 to one result per mutation, in order, and every
// rejection to a row in sync_rejections.
func checkResults(t *testing.T, app core.App, device string, body, raw []byte) {
	t.Helper()
	var sent struct {
		Mutations []struct {
			MutationID string `json:"mutation_id"`
		} `json:"mutations"`
	}
	var got fieldsync.PushResponse
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("200 with a body that is not a push response: %v: %s", err, raw)
	}
	if err := json.Unmarshal(body, &sent); err != nil {
		// A wrongly typed field fails this strict reading after the
		// server read the ids; count what was sent without types.
		var loose struct{ Mutations []json.RawMessage }
		if err := json.Unmarshal(body, &loose); err != nil {
			t.Fatalf("200 for a body that is not a push: %v", err)
		}
		sent.Mutations = make([]struct {
			MutationID string `json:"mutation_id"`
		}, len(loose.Mutations))
		for i, m := range loose.Mutations {
			_ = json.Unmarshal(m, &sent.Mutations[i])
		}
	}
	if g, w := len(got.Results), len(sent.Mutations); g != w {
		t.Fatalf("%d results for %d mutations", g, w)
	}
	for i, r := range got.Results {
		if g, w := r.MutationID, sent.Mutations[i].MutationID; g != w {
			t.Fatalf("result %d is for %q, mutation %d is %q", i, g, i, w)
		}
		switch r.Status {
		case fieldsync.StatusApplied, fieldsync.StatusConflict:
			if r.Error != nil {
				t.Fatalf("result %d: %s with an error %+v", i, r.Status, r.Error)
			}
		case fieldsync.StatusRejected:
			if r.Error == nil || r.Error.Code == "" || r.Error.Code == apierr.CodeInternal || r.Error.Data == nil {
				t.Fatalf("result %d: rejected without a proper error: %+v", i, r.Error)
			}
			var n int
			err := app.DB().Select("count(*)").From(schema.SyncRejections).
				Where(dbx.HashExp{"device_id": device, "mutation_id": r.MutationID}).Row(&n)
			if err != nil || n < 1 {
				t.Fatalf("rejected %q kept %d times (%v), want at least once", r.MutationID, n, err)
			}
		default:
			t.Fatalf("result %d: status %q", i, r.Status)
		}
	}
}

// feedSnapshot is every synced record's version and its row in bucket
// "*", which every synced record sits in.
type feedSnapshot struct {
	seq     int64
	maxSeq  int64
	records map[string]int64    // collection/id -> version
	all     map[string][2]int64 // collection/id -> {seq, op} in bucket "*"
}

func snapshotFeed(t *testing.T, app core.App) feedSnapshot {
	t.Helper()
	s := feedSnapshot{records: map[string]int64{}, all: map[string][2]int64{}}
	err := app.DB().NewQuery("SELECT seq, (SELECT coalesce(max(seq), 0) FROM sync_feed) FROM sync_state WHERE id = 1").
		Row(&s.seq, &s.maxSeq)
	if err != nil {
		t.Fatalf("feed state: %v", err)
	}
	for _, c := range schema.Synced {
		var rows []struct {
			ID      string `db:"id"`
			Version int64  `db:"version"`
		}
		if err := app.DB().Select("id", "version").From(c).All(&rows); err != nil {
			t.Fatalf("records of %s: %v", c, err)
		}
		for _, r := range rows {
			s.records[c+"/"+r.ID] = r.Version
		}
	}
	var feed []struct {
		Collection string `db:"collection"`
		ID         string `db:"record_id"`
		Seq        int64  `db:"seq"`
		Op         int64  `db:"op"`
	}
	err = app.DB().NewQuery("SELECT collection, record_id, seq, op FROM sync_feed WHERE bucket = {:b}").
		Bind(dbx.Params{"b": schema.BucketAll}).All(&feed)
	if err != nil {
		t.Fatalf("feed: %v", err)
	}
	for _, r := range feed {
		s.all[r.Collection+"/"+r.ID] = [2]int64{r.Seq, r.Op}
	}
	return s
}

func checkFeed(t *testing.T, before, after feedSnapshot) {
	t.Helper()
	if after.seq != after.maxSeq {
		t.Fatalf("sync_state.seq=%d, highest seq in sync_feed=%d", after.seq, after.maxSeq)
	}
	if after.seq < before.seq {
		t.Fatalf("feed went back from %d to %d", before.seq, after.seq)
	}
	for key, version := range after.records {
		row, ok := after.all[key]
		if !ok || row[1] != 0 {
			t.Fatalf("%s (version %d) is not live in the feed: %v", key, version, row)
		}
		old, existed := before.records[key]
		switch {
		case !existed:
			if version < 1 || row[0] <= before.seq {
				t.Fatalf("new %s: version %d at seq %d (feed was at %d)", key, version, row[0], before.seq)
			}
		case version < old:
			t.Fatalf("%s: version went back from %d to %d", key, old, version)
		case (version != old) != (row[0] != before.all[key][0]):
			t.Fatalf("%s: version %d -> %d but feed seq %d -> %d: they must move together",
				key, old, version, before.all[key][0], row[0])
		}
	}
	for key, row := range after.all {
		if _, live := after.records[key]; row[1] == 0 && !live {
			t.Fatalf("%s is live in the feed but does not exist", key)
		}
	}
	for key := range before.records {
		if _, live := after.records[key]; live {
			continue
		}
		if row, ok := after.all[key]; !ok || row[1] != 1 || row[0] <= before.seq {
			t.Fatalf("%s deleted without a new tombstone: %v (feed was at %d)", key, row, before.seq)
		}
	}
}

func countRows(t *testing.T, app core.App, table string) int {
	t.Helper()
	var n int
	if err := app.DB().Select("count(*)").From(table).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
