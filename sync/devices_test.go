package sync_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestDeviceBelongsToItsOwner: a device id is no secret, so registering
// someone else's is refused and leaves the device with its owner, who
// keeps syncing (and is not told device_revoked by a revoke of the other).
func TestDeviceBelongsToItsOwner(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	owner := s.register(s.w.BegA, "shared-phone")
	mustWork(t, s, owner)

	for _, other := range []*core.Record{s.w.BegB, s.w.ClientA, s.w.Coord} {
		r := s.do("POST", "/api/sync/v1/devices", servertest.Token(t, other),
			map[string]any{"device_id": "shared-phone", "schema_version": 1})
		data := mustError(t, r, apierr.CodeForbidden)
		if got, want := data["device_id"], "in use"; got != want {
			t.Fatalf("data.device_id=%v, want %q", got, want)
		}
	}
	for _, other := range []*core.Record{s.w.BegB, s.w.ClientA} {
		mustError(t, s.do("POST", "/api/sync/v1/devices/shared-phone/revoke", servertest.Token(t, other), nil), apierr.CodeNotFound)
	}
	mustWork(t, s, owner)
	dev, err := s.app.FindFirstRecordByData(schema.SyncDevices, "device_id", "shared-phone")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dev.GetString("owner"), s.w.BegA.Id; got != want {
		t.Fatalf("owner=%s, want %s (BegA)", got, want)
	}
	if got := s.register(s.w.BegA, "shared-phone"); got == "" {
		t.Fatal("the owner cannot register again")
	}
}

// TestStoredResultsStayWithTheDevice: push results are kept per device
// record, so a person who registers a device id after its record is gone
// (deleted in the dashboard) pushes afresh instead of being answered with
// the stored results of the earlier holder.
func TestStoredResultsStayWithTheDevice(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	first := s.register(s.w.BegA, "second-hand")
	res := s.push(first, mutation("second-hand-1", schema.Goals, "ownergoal00001a", "create",
		map[string]any{"client": s.w.ClientA.Id, "title": "Van Anouk"}))
	if got, want := res[0].Status, fieldsync.StatusApplied; got != want {
		t.Fatalf("first push: %s, want %s", got, want)
	}
	dev, err := s.app.FindFirstRecordByData(schema.SyncDevices, "device_id", "second-hand")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.app.Delete(dev); err != nil {
		t.Fatal(err)
	}

	second := s.register(s.w.BegB, "second-hand")
	res = s.push(second, mutation("second-hand-1", schema.Goals, "othergoal0001bb", "create",
		map[string]any{"client": s.w.ClientB.Id, "title": "Van Bram"}))
	if got, want := res[0].Status, fieldsync.StatusApplied; got != want {
		t.Fatalf("second push: %s, want %s", got, want)
	}
	if _, err := s.app.FindRecordById(schema.Goals, "othergoal0001bb"); err != nil {
		t.Fatalf("the second holder's goal was not created (answered from the first holder's results?): %v", err)
	}
}

// TestMutationsKeyMigration: the migration keys existing stored results
// by device record and drops those of devices that no longer exist.
func TestMutationsKeyMigration(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	col, err := app.FindCollectionByNameOrId(schema.SyncDevices)
	if err != nil {
		t.Fatal(err)
	}
	dev := core.NewRecord(col)
	dev.Set("device_id", "old-phone")
	dev.Set("owner_collection", schema.Users)
	dev.Set("owner", w.BegA.Id)
	dev.Set("schema_version", 1)
	if err := app.Save(dev); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"old-phone", "gone-phone"} {
		_, err := app.DB().NewQuery("INSERT INTO sync_mutations (device, mutation_id, result, at) VALUES ({:d}, 'm1', '{}', 1)").
			Bind(dbx.Params{"d": d}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	var up func(core.App) error
	for _, m := range core.AppMigrations.Items() {
		if m.File == "1795871252_mutations_by_device_record.go" {
			up = m.Up
		}
	}
	if up == nil {
		t.Fatal("migration 1795871252_mutations_by_device_record.go not registered")
	}
	if err := app.RunInTransaction(up); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	var keys []string
	if err := app.DB().NewQuery("SELECT device FROM sync_mutations").Column(&keys); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != dev.Id {
		t.Fatalf("keys=%v, want [%s] (the record id of old-phone)", keys, dev.Id)
	}
}

// TestDeviceCap: a person may have MaxDevices active devices; one more is
// forbidden, naming the limit, until they revoke one. Registering a device
// they have again is not one more.
func TestDeviceCap(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	cfg.Sync.MaxDevices = 3
	s := newSyncServer(t, cfg)
	pb := servertest.Token(t, s.w.BegA)
	register := func(id string) reply {
		return s.do("POST", "/api/sync/v1/devices", pb, map[string]any{"device_id": id, "schema_version": 1})
	}
	for _, id := range []string{"cap-1", "cap-2", "cap-3"} {
		s.register(s.w.BegA, id)
	}
	data := mustError(t, register("cap-4"), apierr.CodeForbidden)
	if got, want := data["max_devices"], float64(3); got != want {
		t.Fatalf("data.max_devices=%v, want %v", got, want)
	}
	s.register(s.w.BegA, "cap-2") // again: not a new device
	s.register(s.w.BegB, "cap-b") // the cap is per person

	if r := s.do("POST", "/api/sync/v1/devices/cap-1/revoke", pb, nil); r.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	s.register(s.w.BegA, "cap-4")
	mustError(t, register("cap-5"), apierr.CodeForbidden)
}

// TestRateLimitPerPerson: the rate limit holds per person as well as per
// device, so more devices do not buy more requests.
func TestRateLimitPerPerson(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	cfg.Sync.RatePerSecond, cfg.Sync.RateBurst = 0.1, 2 // a person: burst 4, a token per 5 s
	s := newSyncServer(t, cfg)
	for _, id := range []string{"many-1", "many-2"} {
		auth := s.register(s.w.BegA, id)
		mustWork(t, s, auth)
		mustWork(t, s, auth)
	}
	r := s.do("GET", "/api/sync/v1/pull", s.register(s.w.BegA, "many-3"), nil)
	data := mustError(t, r, apierr.CodeRateLimited)
	if got, want := data["limit"], "person"; got != want {
		t.Fatalf("data.limit=%v, want %q", got, want)
	}
	mustWork(t, s, s.register(s.w.BegB, "other-person"))
}
