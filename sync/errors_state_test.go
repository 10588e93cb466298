package sync_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

func gzipped(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestErrorCursorExpired(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "phone-a")
	old := s.pullCursor(auth)

	// A create and a delete after the cursor, then the purge of an hourly
	// run far in the future: the delete's tombstone is gone, so the old
	// cursor could miss it and must be refused. The purge runs on a
	// Service of its own over the same app (the served one is inside
	// server.Register); the 410 comes through the served API.
	res := s.push(auth, mutation("c1", "goals", "expiredgoal0001", "create",
		map[string]any{"client": s.w.ClientA.Id, "title": "Kort bestaan"}))
	if res[0].Status != fieldsync.StatusApplied {
		t.Fatalf("create: %+v", res[0])
	}
	if err := s.app.Delete(s.w.StepA); err != nil {
		t.Fatalf("delete step: %v", err)
	}
	res = s.push(auth, mutation("d1", "goals", "expiredgoal0001", "delete", nil))
	if res[0].Status != fieldsync.StatusApplied {
		t.Fatalf("delete: %+v", res[0])
	}
	fresh := s.pullCursor(auth) // taken after the deletes: still valid after the purge

	svc := fieldsync.New(s.app, fieldsync.Config{})
	st, err := svc.Purge(time.Now().Add(svc.Config().TombstoneHorizon + time.Hour))
	if err != nil {
		t.Fatalf("purge: %v", err)
	}
	if st.FeedRows == 0 || st.PurgedSeq == 0 {
		t.Fatalf("purge removed nothing: %+v", st)
	}

	mustError(t, s.do("GET", "/api/sync/v1/pull?cursor="+old, auth, nil), apierr.CodeCursorExpired)
	if r := s.do("GET", "/api/sync/v1/pull?cursor="+fresh, auth, nil); r.status != http.StatusOK {
		t.Fatalf("cursor after the purged history: %d %s", r.status, r.body)
	}
	if r := s.do("GET", "/api/sync/v1/pull", auth, nil); r.status != http.StatusOK {
		t.Fatalf("pull without a cursor after expiry: %d %s", r.status, r.body)
	}
}

// TestErrorInternal: a server fault is internal, with no internals in the
// message. A pull fails whole; in a push the fault is the mutation's own
// (the rest of the push goes on): it is rolled back, answered rejected
// with code internal and kept, and answered the same when sent again.
func TestErrorInternal(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "phone-a")
	title := s.w.GoalA.GetString("title")

	// Break the database under the running server: every write of a synced
	// record and every pull needs the change feed.
	if _, err := s.app.DB().NewQuery("DROP TABLE sync_feed").Execute(); err != nil {
		t.Fatal(err)
	}
	noLeak := func(r reply) {
		t.Helper()
		for _, leak := range []string{"sync_feed", "no such table", "SQL", "sqlite", "goals", ".go"} {
			if strings.Contains(strings.ToLower(string(r.body)), strings.ToLower(leak)) {
				t.Fatalf("internal error shows %q: %s", leak, r.body)
			}
		}
	}
	pull := s.do("GET", "/api/sync/v1/pull", auth, nil)
	mustError(t, pull, apierr.CodeInternal)
	noLeak(pull)
	push := map[string]any{"mutations": []any{
		mutation("m1", "goals", s.w.GoalA.Id, "update", map[string]any{"title": "Nooit bewaard"}),
	}}
	for range 2 {
		r := s.do("POST", "/api/sync/v1/push", auth, push)
		var out fieldsync.PushResponse
		if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || len(out.Results) != 1 {
			t.Fatalf("push: %d %s, want 200 with one result", r.status, r.body)
		}
		if res := out.Results[0]; res.Status != fieldsync.StatusRejected || res.Error == nil || res.Error.Code != apierr.CodeInternal {
			t.Fatalf("push result %+v, want rejected internal", res)
		}
		noLeak(r)
	}
	// The failed write left nothing behind, and its payload is kept once.
	goal, err := s.app.FindRecordById(schema.Goals, s.w.GoalA.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := goal.GetString("title"), title; got != want {
		t.Fatalf("title=%q after a failed push, want %q", got, want)
	}
	if got, want := goal.GetInt("version"), 1; got != want {
		t.Fatalf("version=%d after a failed push, want %d", got, want)
	}
	kept, err := s.app.FindAllRecords(schema.SyncRejections, dbx.HashExp{"device_id": "phone-a", "mutation_id": "m1"})
	if err != nil || len(kept) != 1 || !strings.Contains(kept[0].GetString("payload"), "Nooit bewaard") {
		t.Fatalf("%d rejections kept (%v), want one with the payload", len(kept), err)
	}
}

func TestRejectionKept(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.AdvA, "phone-adv")
	m := mutation("adv-1", "goals", "abcdefghij00009", "create",
		map[string]any{"client": s.w.ClientA.Id, "title": "Wat Jan zelf zei", "why": "niets mag verloren gaan"})
	res := s.push(auth, m)
	mustRejected(t, res[0], apierr.CodeForbidden)

	rows, err := s.app.FindAllRecords(schema.SyncRejections, dbx.HashExp{"device_id": "phone-adv", "mutation_id": "adv-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), 1; got != want {
		t.Fatalf("kept %d rejections, want %d", got, want)
	}
	r := rows[0]
	for field, want := range map[string]string{
		"person": s.w.AdvA.Id, "person_collection": schema.Users,
		"collection": "goals", "record": "abcdefghij00009", "op": "create",
	} {
		if got := r.GetString(field); got != want {
			t.Errorf("%s=%q, want %q", field, got, want)
		}
	}
	var payload fieldsync.Mutation
	if err := json.Unmarshal([]byte(r.GetString("payload")), &payload); err != nil {
		t.Fatalf("payload %s: %v", r.GetString("payload"), err)
	}
	if !reflect.DeepEqual(payload.Data, m["data"]) {
		t.Fatalf("payload data=%v, want %v", payload.Data, m["data"])
	}
	var e apierr.Error
	if err := json.Unmarshal([]byte(r.GetString("error")), &e); err != nil || e.Code != apierr.CodeForbidden {
		t.Fatalf("error=%s, want code forbidden", r.GetString("error"))
	}

	// A replay of the rejected mutation answers the same, and is not kept twice.
	again := s.push(auth, m)
	if !reflect.DeepEqual(again[0], res[0]) {
		t.Fatalf("replay=%+v, want %+v", again[0], res[0])
	}
	rows, _ = s.app.FindAllRecords(schema.SyncRejections, dbx.HashExp{"device_id": "phone-adv", "mutation_id": "adv-1"})
	if got, want := len(rows), 1; got != want {
		t.Fatalf("after replay: %d rejections, want %d", got, want)
	}
}

func TestReplayChangesNothing(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "phone-a")
	m := mutation("m-42", "goals", s.w.GoalA.Id, "update", map[string]any{"title": "Zelf boodschappen doen"})
	m["base_version"] = 1
	first := s.push(auth, m)
	if got, want := first[0].Status, fieldsync.StatusApplied; got != want {
		t.Fatalf("status=%s, want %s (%+v)", got, want, first[0].Error)
	}
	before := feedStateOf(t, s.app)
	version := versionOf(t, s.app, schema.Goals, s.w.GoalA.Id)

	// The same mutation_id with the same content: the stored result comes
	// back and nothing is written.
	got := s.push(auth, m)
	if got[0].MutationID != "m-42" || got[0].Status != first[0].Status || got[0].Version != first[0].Version {
		t.Fatalf("replay=%+v, want %+v", got[0], first[0])
	}
	// With other content (a buggy app): refused with its own code, the new
	// content kept as a rejection, the record untouched; the stored result
	// of the id stays the first one.
	changed := mutation("m-42", "goals", s.w.GoalA.Id, "update", map[string]any{"title": "Iets anders"})
	for range 2 {
		got := s.push(auth, changed)
		if got[0].Status != fieldsync.StatusRejected || got[0].Error == nil || got[0].Error.Code != apierr.CodeMutationReused {
			t.Fatalf("reused id: %+v, want rejected %s", got[0], apierr.CodeMutationReused)
		}
	}
	kept, err := s.app.FindAllRecords(schema.SyncRejections, dbx.HashExp{"device_id": "phone-a", "mutation_id": "m-42"})
	if err != nil || len(kept) != 1 || !strings.Contains(kept[0].GetString("payload"), "Iets anders") {
		t.Fatalf("reused id: %d rejections kept (%v), want one with the new content", len(kept), err)
	}
	if got := s.push(auth, m); got[0].Status != first[0].Status || got[0].Version != first[0].Version {
		t.Fatalf("replay after a reuse=%+v, want %+v", got[0], first[0])
	}
	want := before
	want.Rejections++ // the reused id's content, kept
	if got := feedStateOf(t, s.app); got != want {
		t.Fatalf("replays changed the server: %+v -> %+v", before, got)
	}
	if got := versionOf(t, s.app, schema.Goals, s.w.GoalA.Id); got != version {
		t.Fatalf("version=%d after replays, want %d", got, version)
	}
	goal, _ := s.app.FindRecordById(schema.Goals, s.w.GoalA.Id)
	if got, want := goal.GetString("title"), "Zelf boodschappen doen"; got != want {
		t.Fatalf("title=%q, want %q", got, want)
	}

	// The same mutation_id from another device is another mutation.
	other := s.register(s.w.BegA, "phone-a2")
	res := s.push(other, changed)
	if res[0].Status == fieldsync.StatusRejected {
		t.Fatalf("same id from another device rejected: %+v", res[0].Error)
	}
	if got, want := versionOf(t, s.app, schema.Goals, s.w.GoalA.Id), version+1; got != want {
		t.Fatalf("version=%d, want %d", got, want)
	}
}

// TestRejectedMutationWritesNothing: a mutation is atomic even when it is
// refused after it has written. A coordinator deleting a team that still
// has clients gets as far as deleting the team row before PocketBase
// refuses the cascade (a required relation); the rejection must undo that
// delete and its feed tombstone, while the mutations around it apply.
func TestRejectedMutationWritesNothing(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.Coord, "phone-coord")
	before := feedStateOf(t, s.app)
	type row struct {
		Bucket string `db:"bucket"`
		Seq    int64  `db:"seq"`
		Op     int    `db:"op"`
	}
	teamFeed := func() []row {
		var rows []row
		if err := s.app.DB().NewQuery("SELECT bucket, seq, op FROM sync_feed WHERE record_id = {:id} ORDER BY bucket").
			Bind(dbx.Params{"id": s.w.TeamA.Id}).All(&rows); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	feedBefore := teamFeed()
	res := s.push(auth,
		mutation("c-1", "teams", "abcdefghij00101", "create", map[string]any{"name": "Team Noord", "area": "Noord"}),
		mutation("c-2", "teams", s.w.TeamA.Id, "delete", nil),
		mutation("c-3", "teams", "abcdefghij00102", "create", map[string]any{"name": "Team Zuid", "area": "Zuid"}))
	if res[0].Status != fieldsync.StatusApplied || res[2].Status != fieldsync.StatusApplied {
		t.Fatalf("the mutations around the refused one: %+v, %+v", res[0], res[2])
	}
	if res[1].Status != fieldsync.StatusRejected {
		t.Fatalf("deleting a team with clients: %+v, want rejected", res[1])
	}
	for _, id := range []string{s.w.TeamA.Id, s.w.ClientA.Id} {
		col := map[string]string{s.w.TeamA.Id: schema.Teams, s.w.ClientA.Id: schema.Clients}[id]
		if _, err := s.app.FindRecordById(col, id); err != nil {
			t.Fatalf("%s/%s is gone after a rejected delete: %v", col, id, err)
		}
	}
	if got := teamFeed(); !reflect.DeepEqual(got, feedBefore) {
		t.Fatalf("team's feed rows %+v, want them unchanged %+v", got, feedBefore)
	}
	after := feedStateOf(t, s.app)
	if got, want := after.Seq, before.Seq+2; got != want {
		t.Fatalf("feed seq %d, want %d (the two creates only)", got, want)
	}
	if got, want := after.Rejections, before.Rejections+1; got != want {
		t.Fatalf("rejections %d, want %d", got, want)
	}
}
