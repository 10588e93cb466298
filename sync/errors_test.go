package sync_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// The tests in errors_*_test.go drive every error code of the protocol's
// table through real HTTP (servertest.Serve), and check that each answer
// has the shape the spec fixes: status, code, message and data (an object).

// syncServer is a served World app and a way to call it.
type syncServer struct {
	t   *testing.T
	app *tests.TestApp
	w   *servertest.World
	url string
}

// newSyncServer serves a fresh World; cfg nil is the default config.
func newSyncServer(t *testing.T, cfg *server.Config) *syncServer {
	t.Helper()
	var app *tests.TestApp
	var w *servertest.World
	if cfg == nil {
		app, w = servertest.NewWorldApp(t)
	} else {
		app = servertest.NewApp(t, cfg)
		w = servertest.NewWorld(t, app)
	}
	return &syncServer{t: t, app: app, w: w, url: servertest.Serve(t, app).URL}
}

// reply is an HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body is []byte, string or a value to marshal.
// headers alternate name and value.
func (s *syncServer) do(method, path, auth string, body any, headers ...string) reply {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatalf("marshal body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return reply{res.StatusCode, res.Header, raw}
}

// register registers deviceID for person and returns its Authorization
// header value ("Bearer <device token>").
func (s *syncServer) register(person *core.Record, deviceID string) string {
	s.t.Helper()
	r := s.do("POST", "/api/sync/v1/devices", servertest.Token(s.t, person),
		map[string]any{"device_id": deviceID, "platform": "android", "app_version": "1.0", "schema_version": 1})
	var out fieldsync.RegisterResponse
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || out.Token == "" {
		s.t.Fatalf("register %s: %d %s", deviceID, r.status, r.body)
	}
	return "Bearer " + out.Token
}

// push sends mutations and returns the results of a 200.
func (s *syncServer) push(auth string, mutations ...map[string]any) []fieldsync.MutationResult {
	s.t.Helper()
	r := s.do("POST", "/api/sync/v1/push", auth, map[string]any{"mutations": mutations})
	var out fieldsync.PushResponse
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil {
		s.t.Fatalf("push: %d %s", r.status, r.body)
	}
	if got, want := len(out.Results), len(mutations); got != want {
		s.t.Fatalf("push: %d results for %d mutations", got, want)
	}
	return out.Results
}

// pullCursor pulls until has_more is false and returns the last cursor.
func (s *syncServer) pullCursor(auth string) string {
	s.t.Helper()
	cursor := ""
	for i := 0; i < 100; i++ {
		r := s.do("GET", "/api/sync/v1/pull?cursor="+cursor, auth, nil)
		var page struct {
			Cursor  string `json:"cursor"`
			HasMore bool   `json:"has_more"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &page) != nil {
			s.t.Fatalf("pull: %d %s", r.status, r.body)
		}
		if cursor = page.Cursor; !page.HasMore {
			return cursor
		}
	}
	s.t.Fatal("pull never ended")
	return ""
}

// mustError checks that r is the protocol error code with the spec's
// shape, and returns its data.
func mustError(t *testing.T, r reply, code string) map[string]any {
	t.Helper()
	var e struct {
		Status  *int            `json:"status"`
		Code    *string         `json:"code"`
		Message *string         `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not JSON (%v): %d %s", err, r.status, r.body)
	}
	if got, want := r.status, apierr.StatusOf(code); got != want {
		t.Fatalf("HTTP status=%d, want %d (%s): %s", got, want, code, r.body)
	}
	if e.Status == nil || *e.Status != r.status {
		t.Fatalf("body status does not match HTTP %d: %s", r.status, r.body)
	}
	if e.Code == nil || *e.Code != code {
		t.Fatalf("code missing or wrong, want %s: %s", code, r.body)
	}
	if e.Message == nil || *e.Message == "" {
		t.Fatalf("message missing: %s", r.body)
	}
	var data map[string]any
	if err := json.Unmarshal(e.Data, &data); err != nil || data == nil {
		t.Fatalf("data is not an object: %s", r.body)
	}
	if got, want := r.header.Get("Content-Type"), "application/json"; !strings.HasPrefix(got, want) {
		t.Fatalf("Content-Type=%q, want %s", got, want)
	}
	return data
}

// mustRejected checks that a push result was rejected with code and
// returns the error's data.
func mustRejected(t *testing.T, r fieldsync.MutationResult, code string) map[string]any {
	t.Helper()
	if r.Status != fieldsync.StatusRejected || r.Error == nil {
		t.Fatalf("mutation %s: status=%s, want rejected (%s)", r.MutationID, r.Status, code)
	}
	if got, want := r.Error.Code, code; got != want {
		t.Fatalf("mutation %s: code=%s (%s), want %s", r.MutationID, got, r.Error.Message, want)
	}
	if got, want := r.Error.Status, apierr.StatusOf(code); got != want {
		t.Fatalf("mutation %s: error status=%d, want %d", r.MutationID, got, want)
	}
	if r.Error.Message == "" || r.Error.Data == nil {
		t.Fatalf("mutation %s: error without message or data: %+v", r.MutationID, r.Error)
	}
	return r.Error.Data
}

// feedState is what a write changes in the change feed.
type feedState struct {
	Seq, FeedRows, MaxFeedSeq, Mutations, Rejections int64
}

func feedStateOf(t *testing.T, app core.App) feedState {
	t.Helper()
	var s feedState
	err := app.DB().NewQuery(`SELECT (SELECT seq FROM sync_state WHERE id = 1),
		(SELECT count(*) FROM sync_feed), (SELECT coalesce(max(seq), 0) FROM sync_feed),
		(SELECT count(*) FROM sync_mutations), (SELECT count(*) FROM sync_rejections)`).
		Row(&s.Seq, &s.FeedRows, &s.MaxFeedSeq, &s.Mutations, &s.Rejections)
	if err != nil {
		t.Fatalf("feed state: %v", err)
	}
	return s
}

func versionOf(t *testing.T, app core.App, collection, id string) int {
	t.Helper()
	var v int
	if err := app.DB().Select("version").From(collection).Where(dbx.HashExp{"id": id}).Row(&v); err != nil {
		t.Fatalf("version of %s/%s: %v", collection, id, err)
	}
	return v
}

func mutation(id, collection, recordID, op string, data map[string]any) map[string]any {
	m := map[string]any{"mutation_id": id, "collection": collection, "id": recordID, "op": op}
	if data != nil {
		m["data"] = data
	}
	return m
}

// otherMAC changes the first character of a cursor's MAC.
func otherMAC(cursor string) string {
	body, mac, _ := strings.Cut(cursor, ".")
	c := byte('A')
	if mac != "" && mac[0] == 'A' {
		c = 'B'
	}
	return body + "." + string(c) + mac[min(1, len(mac)):]
}

// withBase sets the version the device last saw.
func withBase(m map[string]any, version int) map[string]any {
	m["base_version"] = version
	return m
}

func TestErrorInvalidRequest(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	bega := s.register(s.w.BegA, "phone-a")
	begaOther := s.register(s.w.BegA, "phone-a2")
	begb := s.register(s.w.BegB, "phone-b")
	cursorA := s.pullCursor(bega)
	pbToken := servertest.Token(t, s.w.BegA)

	tests := []struct {
		name   string
		method string
		path   string
		auth   string
		body   any
		field  string // the key data must hold
	}{
		{"register: malformed JSON", "POST", "/api/sync/v1/devices", pbToken, `{"device_id": "p1",`, ""},
		{"register: schema_version a string", "POST", "/api/sync/v1/devices", pbToken, `{"device_id":"p1","schema_version":"one"}`, "schema_version"},
		{"register: device_id a number", "POST", "/api/sync/v1/devices", pbToken, `{"device_id":12,"schema_version":1}`, "device_id"},
		{"register: device_id missing", "POST", "/api/sync/v1/devices", pbToken, `{"schema_version":1}`, "device_id"},
		{"register: schema_version missing", "POST", "/api/sync/v1/devices", pbToken, `{"device_id":"p1"}`, "schema_version"},
		{"register: device_id with a slash", "POST", "/api/sync/v1/devices", pbToken, `{"device_id":"a/b","schema_version":1}`, "device_id"},
		{"push: malformed JSON", "POST", "/api/sync/v1/push", bega, `{"mutations": [`, "mutations"},
		{"push: mutations an object", "POST", "/api/sync/v1/push", bega, `{"mutations": {}}`, "mutations"},
		{"push: no mutations", "POST", "/api/sync/v1/push", bega, `{}`, "mutations"},
		{"push: missing mutation_id", "POST", "/api/sync/v1/push", bega, `{"mutations":[{"collection":"goals","op":"delete"}]}`, "mutations.0.mutation_id"},
		{"push: mutation_id a number", "POST", "/api/sync/v1/push", bega, `{"mutations":[{"mutation_id":"ok-1"},{"mutation_id":2}]}`, "mutations.1.mutation_id"},
		{"push: body not gzip", "POST", "/api/sync/v1/push", bega, "not gzip at all", ""},
		{"pull: cursor does not parse", "GET", "/api/sync/v1/pull?cursor=garbage", bega, nil, "cursor"},
		{"pull: cursor with a bad MAC", "GET", "/api/sync/v1/pull?cursor=" + otherMAC(cursorA), bega, nil, "cursor"},
		{"pull: cursor of another device", "GET", "/api/sync/v1/pull?cursor=" + cursorA, begaOther, nil, "cursor"},
		{"pull: cursor of another person", "GET", "/api/sync/v1/pull?cursor=" + cursorA, begb, nil, "cursor"},
		{"pull: limit=abc", "GET", "/api/sync/v1/pull?limit=abc", bega, nil, "limit"},
		{"pull: limit=0", "GET", "/api/sync/v1/pull?limit=0", bega, nil, "limit"},
		{"pull: limit=-5", "GET", "/api/sync/v1/pull?limit=-5", bega, nil, "limit"},
		{"pull: X-Schema-Version=abc", "GET", "/api/sync/v1/pull", bega, nil, "X-Schema-Version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			switch {
			case strings.Contains(tt.name, "X-Schema-Version"):
				headers = []string{"X-Schema-Version", "abc"}
			case strings.Contains(tt.name, "not gzip"):
				headers = []string{"Content-Encoding", "gzip"}
			}
			before := feedStateOf(t, s.app)
			data := mustError(t, s.do(tt.method, tt.path, tt.auth, tt.body, headers...), apierr.CodeInvalidRequest)
			if _, ok := data[tt.field]; tt.field != "" && !ok {
				t.Fatalf("data=%v, want it to name %s", data, tt.field)
			}
			if got := feedStateOf(t, s.app); got != before {
				t.Fatalf("a refused request changed the server: %+v -> %+v", before, got)
			}
		})
	}

	// Inside a push, a bad mutation is rejected alone; the rest apply.
	res := s.push(bega,
		map[string]any{"mutation_id": "bad-type", "collection": "goals", "id": s.w.GoalA.Id, "op": "update", "base_version": "three"},
		mutation("bad-field", "goals", s.w.GoalA.Id, "update", map[string]any{"no_such_field": 1}),
		mutation("bad-hidden", "goals", s.w.GoalA.Id, "update", map[string]any{"authorship": "{}"}),
		mutation("bad-id", "goals", "NOT-AN-ID", "update", map[string]any{"title": "x"}),
		mutation("bad-op", "goals", s.w.GoalA.Id, "upsert", map[string]any{"title": "x"}),
		mutation("bad-value", "goals", s.w.GoalA.Id, "update", map[string]any{"status": "dreaming"}),
		withBase(mutation("good", "goals", s.w.GoalA.Id, "update", map[string]any{"title": "Zelf koken"}), 1),
	)
	if data := mustRejected(t, res[0], apierr.CodeInvalidRequest); data["base_version"] == nil {
		t.Errorf("bad-type: data=%v, want it to name base_version", data)
	}
	for i, field := range []string{"no_such_field", "authorship", "id", "op", "status"} {
		if data := mustRejected(t, res[i+1], apierr.CodeInvalidRequest); data[field] == nil {
			t.Errorf("%s: data=%v, want it to name %s", res[i+1].MutationID, data, field)
		}
	}
	if got, want := res[6].Status, fieldsync.StatusApplied; got != want {
		t.Fatalf("good mutation after bad ones: status=%s, want %s (%+v)", got, want, res[6].Error)
	}
}

func TestErrorNotFound(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	bega := s.register(s.w.BegA, "phone-a")

	for _, path := range []string{"/api/sync/v1/nope", "/api/sync/v1/devices/x/y", "/api/sync/v1/"} {
		mustError(t, s.do("GET", path, bega, nil), apierr.CodeNotFound)
	}
	mustError(t, s.do("GET", "/api/sync/v1/push", bega, nil), apierr.CodeNotFound) // wrong method

	before := feedStateOf(t, s.app)
	res := s.push(bega,
		mutation("m1", "no_such_collection", "abcdefghij12345", "create", map[string]any{"title": "x"}),
		mutation("m2", "users", s.w.BegA.Id, "update", map[string]any{"name": "x"}),
		mutation("m3", "sync_rejections", "abcdefghij12345", "create", map[string]any{}),
		mutation("m4", "goals", "abcdefghij12345", "update", map[string]any{"title": "x"}),
		mutation("m5", "goals", "abcdefghij12345", "delete", nil),
		mutation("m6", "goals", s.w.GoalB.Id, "update", map[string]any{"title": "x"}), // team B: not visible
	)
	for i, r := range res {
		data := mustRejected(t, r, apierr.CodeNotFound)
		if i < 3 && data["collection"] == nil {
			t.Errorf("%s: data=%v, want it to name the collection", r.MutationID, data)
		}
	}
	after := feedStateOf(t, s.app)
	if after.Seq != before.Seq || after.FeedRows != before.FeedRows {
		t.Fatalf("rejected mutations changed the feed: %+v -> %+v", before, after)
	}
	if got, want := after.Rejections-before.Rejections, int64(len(res)); got != want {
		t.Fatalf("kept %d rejections, want %d", got, want)
	}
	if got, want := versionOf(t, s.app, "goals", s.w.GoalB.Id), 1; got != want {
		t.Fatalf("goal B version=%d, want %d", got, want)
	}
}

func TestErrorPayloadTooLarge(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	bega := s.register(s.w.BegA, "phone-a")
	many := make([]map[string]any, fieldsync.MaxMutations+1)
	for i := range many {
		many[i] = mutation(fmt.Sprintf("m%d", i), "goals", s.w.GoalA.Id, "update", map[string]any{"why": fmt.Sprint(i)})
	}
	big := func(size int) []byte {
		head := `{"mutations":[{"mutation_id":"big","collection":"goals","id":"` + s.w.GoalA.Id + `","op":"update","data":{"why":"`
		tail := `"}}]}`
		return []byte(head + strings.Repeat("w", size-len(head)-len(tail)) + tail)
	}
	tests := []struct {
		name    string
		body    any
		headers []string
		limit   string
	}{
		{"501 mutations", map[string]any{"mutations": many}, nil, "max_mutations"},
		{"8 MiB and a byte", big(fieldsync.MaxPushBytes + 1), nil, "max_bytes"},
		// Refused unread; the client's next request on its connection
		// (the next case) must not meet the rest of this body.
		{"12 MiB", big(12 << 20), nil, ""},
		{"gzip inflating past 8 MiB", gzipped(t, big(20<<20)), []string{"Content-Encoding", "gzip"}, "max_bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := feedStateOf(t, s.app)
			data := mustError(t, s.do("POST", "/api/sync/v1/push", bega, tt.body, tt.headers...), apierr.CodePayloadTooLarge)
			if tt.limit != "" && data[tt.limit] == nil {
				t.Fatalf("data=%v, want the limit %s", data, tt.limit)
			}
			if got := feedStateOf(t, s.app); got != before {
				t.Fatalf("a refused push changed the server: %+v -> %+v", before, got)
			}
		})
	}
	// At the limit a push is fine. (One mutation sent 500 times: the
	// replays are cheap, and each must answer like the first.)
	same := make([]map[string]any, fieldsync.MaxMutations)
	for i := range same {
		same[i] = withBase(mutation("same", "goals", s.w.GoalA.Id, "update", map[string]any{"why": "vaker"}), 1)
	}
	res := s.push(bega, same...)
	for _, r := range res {
		if r.Status != fieldsync.StatusApplied || r.Version != res[0].Version {
			t.Fatalf("500 mutations: %+v, want applied at version %d", r, res[0].Version)
		}
	}
}
