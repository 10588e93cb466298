package sync_test

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// What Authenticate read is kept for a moment (devices_auth.go). The
// tests in errors_auth_test.go show that every write through PocketBase
// (revoke, disable, delete, password change) is seen by the next request;
// these show the two other ways a device or a person changes.

// TestAuthSeesAnotherProcess: a change written to the database file by
// another process, which no hook of this one sees (`samenspel clients
// erase` while the server runs), is seen within a second and a bit.
func TestAuthSeesAnotherProcess(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	revoked, disabled := newStaff(t, s, "ander-proces-1@example.nl"), newStaff(t, s, "ander-proces-2@example.nl")
	revokedAuth, disabledAuth := s.register(revoked, "other-process-1"), s.register(disabled, "other-process-2")
	mustWork(t, s, revokedAuth)
	mustWork(t, s, disabledAuth)

	other, err := sql.Open("sqlite", "file:"+filepath.Join(s.app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(`UPDATE sync_devices SET revoked_at = '2026-12-04 12:00:00.000Z' WHERE device_id = 'other-process-1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(`UPDATE users SET disabled = TRUE WHERE id = ?`, disabled.Id); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	for _, c := range []struct{ auth, code string }{{revokedAuth, apierr.CodeDeviceRevoked}, {disabledAuth, apierr.CodeUnauthorized}} {
		for {
			r := s.do("GET", "/api/sync/v1/pull?limit=1", c.auth, nil)
			if r.status != http.StatusOK {
				mustError(t, r, c.code)
				break
			}
			if time.Since(changed) > 3*time.Second {
				t.Fatalf("a change made by another process still not seen after %s", time.Since(changed).Round(time.Millisecond))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestAuthAfterErasure: the phone of a client a coordinator erases is
// refused on its next request.
func TestAuthAfterErasure(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.ClientA, "erased-clients-phone")
	mustWork(t, s, auth)
	if r := s.do("DELETE", "/api/collections/"+schema.Clients+"/records/"+s.w.ClientA.Id, servertest.Token(t, s.w.Coord), nil); r.status != http.StatusNoContent {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	mustFailEveryCall(t, s, auth, apierr.CodeUnauthorized)
}
