package sync_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/secret"
)

// TestPasswordChangeEndsDeviceTokens: a device token is bound to the
// person's PocketBase login (tokenKey), so a password change ends it as it
// ends PocketBase's own tokens; the app logs in again and registers the
// same device id afresh.
func TestPasswordChangeEndsDeviceTokens(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	p := newStaff(t, s, "wissel@example.nl")
	auth := s.register(p, "pw-phone")
	mustWork(t, s, auth)

	p.SetPassword("eennieuwwachtwoord")
	if err := s.app.Save(p); err != nil {
		t.Fatalf("change password: %v", err)
	}
	mustFailEveryCall(t, s, auth, apierr.CodeUnauthorized)
	r := s.do("GET", "/api/sync/v1/pull", auth, nil)
	mustError(t, r, apierr.CodeUnauthorized)
	if !strings.Contains(string(r.body), "log in again") {
		t.Fatalf("message does not say to log in again: %s", r.body)
	}

	again := s.register(p, "pw-phone") // a fresh PocketBase login of p
	mustWork(t, s, again)
	mustFailEveryCall(t, s, auth, apierr.CodeUnauthorized)
}

// TestRotateSecret: after `sync rotate-keys` device tokens signed with the
// old secret are unauthorized (the app registers again), a cursor made
// with the old secret starts the pull over (reset), and a cursor valid
// under neither secret stays invalid_request.
func TestRotateSecret(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "rotating-phone")
	cursor := s.pullCursor(auth)
	mustWork(t, s, auth)

	if err := secret.Rotate(s.app); err != nil {
		t.Fatal(err)
	}
	// The server re-reads its secrets within a second.
	deadline := time.Now().Add(10 * time.Second)
	for s.do("GET", "/api/sync/v1/pull?limit=1", auth, nil).status == http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("a token signed with the old secret still works 10 s after the rotation")
		}
		time.Sleep(50 * time.Millisecond)
	}
	mustFailEveryCall(t, s, auth, apierr.CodeUnauthorized)

	fresh := s.register(s.w.BegA, "rotating-phone")
	mustWork(t, s, fresh)
	pullReset := func(c string) bool {
		t.Helper()
		r := s.do("GET", "/api/sync/v1/pull?cursor="+c, fresh, nil)
		var page struct {
			Reset bool `json:"reset"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &page) != nil {
			t.Fatalf("pull with cursor: %d %s", r.status, r.body)
		}
		return page.Reset
	}
	if !pullReset(cursor) {
		t.Fatal("a cursor made with the previous secret: no reset")
	}
	mustError(t, s.do("GET", "/api/sync/v1/pull?cursor="+otherMAC(cursor), fresh, nil), apierr.CodeInvalidRequest)
	if pullReset(s.pullCursor(fresh)) {
		t.Fatal("a cursor made with the new secret: reset")
	}

	// Rotated twice, the first secret is gone: its cursors are refused.
	if err := secret.Rotate(s.app); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for s.do("GET", "/api/sync/v1/pull?limit=1", fresh, nil).status == http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("the second rotation did not take effect")
		}
		time.Sleep(50 * time.Millisecond)
	}
	fresh = s.register(s.w.BegA, "rotating-phone")
	mustError(t, s.do("GET", "/api/sync/v1/pull?cursor="+cursor, fresh, nil), apierr.CodeInvalidRequest)
}
