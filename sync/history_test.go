package sync_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// A database restored from a backup older than a device's cursor hands
// out again the seqs the device has passed: its cursor stands ahead of
// the feed and is expired, or the device would never get those writes.
func TestPullCursorAheadOfFeed(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "phone-bega")
	cursor := s.pullCursor(auth)

	// The restore: the last three writes never happened.
	if _, err := s.app.DB().NewQuery(`UPDATE sync_state SET seq = seq - 3 WHERE id = 1;
		DELETE FROM sync_feed WHERE seq > (SELECT seq FROM sync_state WHERE id = 1)`).Execute(); err != nil {
		t.Fatal(err)
	}
	mustError(t, s.do("GET", "/api/sync/v1/pull?cursor="+cursor, auth, nil), apierr.CodeCursorExpired)
	if r := s.do("GET", "/api/sync/v1/pull", auth, nil); r.status != http.StatusOK {
		t.Fatalf("pull without cursor: %d %s", r.status, r.body)
	}
}

// A cursor of another epoch of the feed (issued before NewHistory) is
// expired.
func TestPullCursorOfAnotherEpoch(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "phone-bega")
	cursor := s.pullCursor(auth)
	if r := s.do("GET", "/api/sync/v1/pull?cursor="+cursor, auth, nil); r.status != http.StatusOK {
		t.Fatalf("pull in the same epoch: %d %s", r.status, r.body)
	}
	if err := fieldsync.NewHistory(s.app); err != nil {
		t.Fatal(err)
	}
	mustError(t, s.do("GET", "/api/sync/v1/pull?cursor="+cursor, auth, nil), apierr.CodeCursorExpired)
	fresh := s.pullCursor(auth)
	if r := s.do("GET", "/api/sync/v1/pull?cursor="+fresh, auth, nil); r.status != http.StatusOK {
		t.Fatalf("pull in the new epoch: %d %s", r.status, r.body)
	}
}

// A restore from a backup leaves a marker the swap of pb_data does not
// touch; the next serve gives the feed a new epoch and removes it.
func TestRestoreStartsNewHistory(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "phone-bega")
	cursor := s.pullCursor(auth)

	e := &core.BackupEvent{Name: "old.zip"}
	e.App = s.app
	err := s.app.OnBackupRestore().Trigger(e, func(e *core.BackupEvent) error {
		if !slices.Contains(e.Exclude, "samenspel_restored") {
			t.Errorf("the restore would move the marker away: exclude=%v", e.Exclude)
		}
		return nil // PocketBase swaps pb_data here and replaces the process
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.do("GET", "/api/sync/v1/pull?cursor="+cursor, auth, nil); r.status != http.StatusOK {
		t.Fatalf("pull before the restart: %d %s", r.status, r.body)
	}
	if err := fieldsync.NewHistoryIfRestored(s.app); err != nil {
		t.Fatal(err)
	}
	mustError(t, s.do("GET", "/api/sync/v1/pull?cursor="+cursor, auth, nil), apierr.CodeCursorExpired)
	if _, err := os.Stat(filepath.Join(s.app.DataDir(), "samenspel_restored")); !os.IsNotExist(err) {
		t.Fatalf("marker left after the new epoch: %v", err)
	}
	// No restore since: the epoch stays.
	fresh := s.pullCursor(auth)
	if err := fieldsync.NewHistoryIfRestored(s.app); err != nil {
		t.Fatal(err)
	}
	if r := s.do("GET", "/api/sync/v1/pull?cursor="+fresh, auth, nil); r.status != http.StatusOK {
		t.Fatalf("pull with no restore since: %d %s", r.status, r.body)
	}
}
