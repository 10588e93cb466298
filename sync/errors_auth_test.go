package sync_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// syncCalls are the calls a device token authorises; every one of them
// must answer an auth failure the same way.
var syncCalls = []struct{ method, path, body string }{
	{"GET", "/api/sync/v1/pull", ""},
	{"POST", "/api/sync/v1/push", `{"mutations":[]}`},
}

func mustFailEveryCall(t *testing.T, s *syncServer, auth, code string) {
	t.Helper()
	for _, c := range syncCalls {
		var body any
		if c.body != "" {
			body = c.body
		}
		mustError(t, s.do(c.method, c.path, auth, body), code)
	}
}

func mustWork(t *testing.T, s *syncServer, auth string) {
	t.Helper()
	if r := s.do("GET", "/api/sync/v1/pull?limit=1", auth, nil); r.status != http.StatusOK {
		t.Fatalf("pull: %d %s", r.status, r.body)
	}
}

// newStaff saves a begeleider of team A that tests may delete or disable.
func newStaff(t *testing.T, s *syncServer, email string) *core.Record {
	t.Helper()
	col, err := s.app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("email", email)
	r.Set("name", "Tijdelijk")
	r.Set("role", schema.RoleBegeleider)
	r.Set("teams", []string{s.w.TeamA.Id})
	r.SetPassword(servertest.Password)
	if err := s.app.Save(r); err != nil {
		t.Fatalf("save staff: %v", err)
	}
	return r
}

func TestErrorUnauthorized(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)

	t.Run("no token", func(t *testing.T) { mustFailEveryCall(t, s, "", apierr.CodeUnauthorized) })
	t.Run("no Bearer", func(t *testing.T) { mustFailEveryCall(t, s, "Token abc", apierr.CodeUnauthorized) })
	t.Run("garbage token", func(t *testing.T) { mustFailEveryCall(t, s, "Bearer abc.def.ghi", apierr.CodeUnauthorized) })
	t.Run("a PocketBase auth token", func(t *testing.T) {
		mustFailEveryCall(t, s, "Bearer "+servertest.Token(t, s.w.BegA), apierr.CodeUnauthorized)
	})
	t.Run("register without login", func(t *testing.T) {
		mustError(t, s.do("POST", "/api/sync/v1/devices", "", `{"device_id":"p1","schema_version":1}`), apierr.CodeUnauthorized)
		mustError(t, s.do("POST", "/api/sync/v1/devices", "garbage", `{"device_id":"p1","schema_version":1}`), apierr.CodeUnauthorized)
	})
	t.Run("revoke without login", func(t *testing.T) {
		mustError(t, s.do("POST", "/api/sync/v1/devices/p1/revoke", "", nil), apierr.CodeUnauthorized)
	})

	t.Run("expired token", func(t *testing.T) {
		t.Parallel()
		// Its own server, with a clock the test moves (no sleeping).
		var later atomic.Int64
		cfg := server.DefaultConfig()
		cfg.Sync.DeviceTokenTTL = time.Hour
		cfg.Now = func() time.Time { return time.Now().Add(time.Duration(later.Load())) }
		s := newSyncServer(t, cfg)
		r := s.do("POST", "/api/sync/v1/devices", servertest.Token(t, s.w.BegA),
			map[string]any{"device_id": "short-lived", "schema_version": 1})
		var reg fieldsync.RegisterResponse
		if r.status != http.StatusOK || json.Unmarshal(r.body, &reg) != nil {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		exp, err := time.Parse(time.RFC3339, reg.ExpiresAt)
		if err != nil {
			t.Fatalf("expires_at %q: %v", reg.ExpiresAt, err)
		}
		if d := time.Until(exp); d > time.Hour {
			t.Fatalf("token lives %s, configured 1h", d)
		}
		mustWork(t, s, "Bearer "+reg.Token) // the token works until it expires
		later.Store(int64(time.Until(exp) + time.Second))
		mustFailEveryCall(t, s, "Bearer "+reg.Token, apierr.CodeUnauthorized)
	})

	t.Run("deleted person", func(t *testing.T) {
		t.Parallel()
		p := newStaff(t, s, "weg@example.nl")
		auth := s.register(p, "phone-deleted")
		mustWork(t, s, auth)
		if err := s.app.Delete(p); err != nil {
			t.Fatalf("delete person: %v", err)
		}
		mustFailEveryCall(t, s, auth, apierr.CodeUnauthorized)
	})

	t.Run("disabled person", func(t *testing.T) {
		t.Parallel()
		p := newStaff(t, s, "uit@example.nl")
		auth := s.register(p, "phone-disabled")
		mustWork(t, s, auth)
		p.Set(schema.FieldDisabled, true)
		if err := s.app.Save(p); err != nil {
			t.Fatalf("disable person: %v", err)
		}
		mustFailEveryCall(t, s, auth, apierr.CodeUnauthorized)
	})

}

func TestErrorDeviceRevoked(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	revoke := func(by *core.Record, deviceID string) reply {
		return s.do("POST", "/api/sync/v1/devices/"+deviceID+"/revoke", servertest.Token(t, by), nil)
	}
	register := func(person *core.Record, deviceID string) reply {
		return s.do("POST", "/api/sync/v1/devices", servertest.Token(t, person),
			map[string]any{"device_id": deviceID, "schema_version": 1})
	}

	tests := []struct {
		name   string
		owner  *core.Record
		revoke *core.Record
	}{
		{"by its owner", s.w.BegA, s.w.BegA},
		{"by a coordinator", s.w.BegB, s.w.Coord},
		{"a client's, by the client", s.w.ClientA, s.w.ClientA},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "lost-phone-" + strconv.Itoa(i)
			auth := s.register(tt.owner, id)
			mustWork(t, s, auth)
			if r := revoke(tt.revoke, id); r.status != http.StatusOK {
				t.Fatalf("revoke: %d %s", r.status, r.body)
			}
			mustFailEveryCall(t, s, auth, apierr.CodeDeviceRevoked)
			// The id stays revoked: registering it again is refused, even
			// for its owner (anyone else learns only that it is in use);
			// revoking again is not an error.
			mustError(t, register(tt.owner, id), apierr.CodeDeviceRevoked)
			mustError(t, register(s.w.Coord, id), apierr.CodeForbidden)
			if r := revoke(tt.revoke, id); r.status != http.StatusOK {
				t.Fatalf("revoke again: %d %s", r.status, r.body)
			}
			mustFailEveryCall(t, s, auth, apierr.CodeDeviceRevoked)
		})
	}

	// Anyone else gets not_found, by design: device ids cannot be probed,
	// and the device keeps working.
	auth := s.register(s.w.BegA, "not-yours")
	for _, other := range []*core.Record{s.w.BegB, s.w.AdvA, s.w.ClientA} {
		mustError(t, revoke(other, "not-yours"), apierr.CodeNotFound)
	}
	mustError(t, revoke(s.w.Coord, "never-registered"), apierr.CodeNotFound)
	mustWork(t, s, auth)
}

func TestErrorForbidden(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)

	// A superuser is no field worker: they cannot register a device.
	col, err := s.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(col)
	su.SetEmail("root@example.nl")
	su.SetPassword(servertest.Password)
	if err := s.app.Save(su); err != nil {
		t.Fatal(err)
	}
	mustError(t, s.do("POST", "/api/sync/v1/devices", servertest.Token(t, su),
		map[string]any{"device_id": "admin-pc", "schema_version": 1}), apierr.CodeForbidden)

	adv := s.register(s.w.AdvA, "phone-adv")
	client := s.register(s.w.ClientA, "phone-client")
	before := feedStateOf(t, s.app)
	res := s.push(adv,
		mutation("adv-goal", "goals", "abcdefghij00001", "create", map[string]any{"client": s.w.ClientA.Id, "title": "Van de adviseur"}),
		mutation("adv-team", "teams", s.w.TeamA.Id, "update", map[string]any{"name": "Hernoemd"}),
	)
	for _, r := range res {
		mustRejected(t, r, apierr.CodeForbidden)
	}
	res = s.push(client,
		mutation("client-safari", "safaris", "abcdefghij00002", "create", map[string]any{"team": s.w.TeamA.Id, "title": "Eigen route"}),
	)
	mustRejected(t, res[0], apierr.CodeForbidden)
	after := feedStateOf(t, s.app)
	if after.Seq != before.Seq || after.FeedRows != before.FeedRows {
		t.Fatalf("forbidden mutations changed the feed: %+v -> %+v", before, after)
	}
	if got, want := after.Rejections-before.Rejections, int64(3); got != want {
		t.Fatalf("kept %d rejections, want %d", got, want)
	}
	if _, err := s.app.FindRecordById(schema.Goals, "abcdefghij00001"); err == nil {
		t.Fatal("forbidden goal was created")
	}
}

func TestErrorUpgradeRequired(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	cfg.Sync.MinSchemaVersion = 2
	s := newSyncServer(t, cfg)
	pb := servertest.Token(t, s.w.BegA)

	data := mustError(t, s.do("POST", "/api/sync/v1/devices", pb, map[string]any{"device_id": "old-app", "schema_version": 1}),
		apierr.CodeUpgradeRequired)
	if got, want := data["min_schema_version"], float64(2); got != want {
		t.Fatalf("data.min_schema_version=%v, want %v", got, want)
	}
	r := s.do("POST", "/api/sync/v1/devices", pb, map[string]any{"device_id": "new-app", "schema_version": 2})
	var reg fieldsync.RegisterResponse
	if r.status != http.StatusOK || json.Unmarshal(r.body, &reg) != nil {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	auth := "Bearer " + reg.Token
	for _, c := range syncCalls {
		var body any
		if c.body != "" {
			body = c.body
		}
		mustError(t, s.do(c.method, c.path, auth, body, "X-Schema-Version", "1"), apierr.CodeUpgradeRequired)
		mustError(t, s.do(c.method, c.path, auth, body, "X-Schema-Version", "0"), apierr.CodeUpgradeRequired)
		if r := s.do(c.method, c.path, auth, body, "X-Schema-Version", "2"); r.status != http.StatusOK {
			t.Fatalf("%s %s with version 2: %d %s", c.method, c.path, r.status, r.body)
		}
	}
}

// TestErrorUpgradeWithoutHeader: a device that sends no X-Schema-Version
// is judged by the version it registered with, also after the minimum was
// raised.
func TestErrorUpgradeWithoutHeader(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, server.DefaultConfig())
	w := servertest.NewWorld(t, app)
	old := fieldsync.New(app, fieldsync.Config{MinSchemaVersion: 1})
	v := 1
	reg, err := old.Register(fieldsync.Login{Record: w.BegA, Refreshable: true}, fieldsync.RegisterRequest{DeviceID: "v1-phone", SchemaVersion: &v})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Authenticate(reg.Token, -1); err != nil {
		t.Fatalf("minimum 1, registered 1, no header: %v", err)
	}
	raised := fieldsync.New(app, fieldsync.Config{MinSchemaVersion: 2})
	_, err = raised.Authenticate(reg.Token, -1)
	var pe *apierr.Error
	if !errors.As(err, &pe) || pe.Code != apierr.CodeUpgradeRequired {
		t.Fatalf("minimum raised to 2, registered 1, no header: %v, want upgrade_required", err)
	}
}

func TestErrorRateLimited(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	// One request back every 1,000 s: however slow the machine, none comes
	// back during the test (the limiter's arithmetic is tested with its
	// clock in server/ratelimit_test.go).
	cfg.Sync.RatePerSecond, cfg.Sync.RateBurst = 0.001, 2
	s := newSyncServer(t, cfg)
	auth := s.register(s.w.BegA, "busy-phone")
	other := s.register(s.w.BegB, "calm-phone")

	mustWork(t, s, auth)
	mustWork(t, s, auth)
	r := s.do("GET", "/api/sync/v1/pull", auth, nil)
	data := mustError(t, r, apierr.CodeRateLimited)
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Fatalf("Retry-After=%q, want whole seconds >= 1", r.header.Get("Retry-After"))
	}
	if got, want := data["retry_after"], float64(secs); got != want {
		t.Fatalf("data.retry_after=%v, want %v", got, want)
	}
	mustWork(t, s, other) // the limit is per device
}
