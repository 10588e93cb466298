package review_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// TestSummarySyncHealth: the phones of the team's begeleiders and clients,
// bucketed by their latest pull or push relative to now (Dutch days);
// revoked phones, advisers' phones and other teams' phones are left out.
// Open conflicts are the team's unresolved ones; rejected mutations those
// of the team's people within the period.
func TestSummarySyncHealth(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	// 15:00 on Saturday 28 November 2026 in Amsterdam (CET, UTC+1): today
	// began at 23:00 UTC the day before, the last 7 days at 23:00 UTC on 21
	// November.
	now := utc(t, "2026-11-28T14:00:00Z")
	n := 0
	device := func(owner *core.Record, pull, push, revoked string) {
		n++
		mustSave(t, app, schema.SyncDevices, map[string]any{
			"device_id": "phone-" + string(rune('a'+n)), "owner_collection": owner.Collection().Name, "owner": owner.Id,
			"schema_version": 1, "last_pull_at": pull, "last_push_at": push, "revoked_at": revoked,
		}, time.Time{})
	}
	device(w.BegA, "2026-11-28 10:00:00.000Z", "", "")                            // today
	device(w.BegA, "2026-11-27 23:30:00.000Z", "", "")                            // today: 00:30 in Amsterdam
	device(w.ClientA, "2026-11-01 10:00:00.000Z", "2026-11-28 13:59:00.000Z", "") // today, by its push
	device(w.ClientA2, "2026-11-27 22:30:00.000Z", "", "")                        // this week: 23:30 yesterday
	device(w.BegA, "2026-11-21 23:30:00.000Z", "", "")                            // this week: 00:30 on the 22nd
	device(w.ClientA, "2026-11-21 22:30:00.000Z", "2026-11-20 10:00:00.000Z", "") // older: 23:30 on the 21st
	device(w.BegA, "", "", "")                                                    // never
	device(w.BegA, "2026-11-28 10:00:00.000Z", "", "2026-11-28 11:00:00.000Z")    // revoked
	device(w.AdvA, "2026-11-28 10:00:00.000Z", "", "")                            // an adviser's
	device(w.BegB, "2026-11-28 10:00:00.000Z", "", "")                            // team B
	device(w.ClientB, "", "", "")                                                 // team B

	// The World has two open conflicts in team A; one resolved more.
	w.ConflictSafariA.Set(schema.FieldResolved, true)
	if err := app.Save(w.ConflictSafariA); err != nil {
		t.Fatal(err)
	}
	rejection := func(person *core.Record, created string) {
		mustSave(t, app, schema.SyncRejections, map[string]any{"device_id": "phone-x", "mutation_id": "m-" + created,
			"person_collection": person.Collection().Name, "person": person.Id, "collection": "goals", "op": "update"}, utc(t, created))
	}
	rejection(w.BegA, "2026-10-01T10:00:00Z")
	rejection(w.ClientA2, "2026-11-28T10:00:00Z")
	rejection(w.BegB, "2026-10-01T10:00:00Z") // team B
	rejection(w.AdvA, "2026-10-01T10:00:00Z") // not a team member's
	rejection(w.BegA, "2025-10-01T10:00:00Z") // before the period

	s := mustCompute(t, app, w.TeamA.Id, mustPeriod(t, "2025-11-28", "2026-11-28"), now)
	got := []int{s.SyncHealth.Devices.Value(), s.SyncHealth.LastSync.Get("today"), s.SyncHealth.LastSync.Get("this_week"),
		s.SyncHealth.LastSync.Get("older"), s.SyncHealth.LastSync.Get("never"),
		s.SyncHealth.OpenConflicts.Value(), s.SyncHealth.RejectedMutations.Value()}
	want := []int{7, 3, 2, 1, 1, 1, 2}
	for i, name := range []string{"devices", "today", "this_week", "older", "never", "open_conflicts", "rejected_mutations"} {
		if got[i] != want[i] {
			t.Errorf("%s = %d, want %d", name, got[i], want[i])
		}
	}

	// A begeleider in two teams counts for both.
	w.BegB.Set(schema.FieldTeams, []string{w.TeamA.Id, w.TeamB.Id})
	if err := app.Save(w.BegB); err != nil {
		t.Fatal(err)
	}
	s = mustCompute(t, app, w.TeamA.Id, mustPeriod(t, "2025-11-28", "2026-11-28"), now)
	if got, want := fmt.Sprint(s.SyncHealth.Devices.Value(), s.SyncHealth.RejectedMutations.Value()), "8 3"; got != want {
		t.Errorf("devices, rejected mutations with BegB in team A too = %s, want %s", got, want)
	}
}
