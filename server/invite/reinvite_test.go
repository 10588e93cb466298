package invite_test

import (
	"net/http"
	"testing"
)

// TestReinviteAfterAccept: once a client chose their own password, a
// begeleider cannot send a new invite (it would reset the password and
// hand them the account); a coordinator can, for a client who lost it.
func TestReinviteAfterAccept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	client := newClient(t, e, "Noor")
	inv := e.invite(e.w.BegA, client)
	e.invite(e.w.BegA, client) // before acceptance a begeleider may re-invite
	inv = e.invite(e.w.BegA, client)
	if r := e.do("POST", "/api/invites/v1/"+inv.Code+"/accept", "", accept("noor")); r.status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	before := len(invitesOf(t, e.app, client.Id))
	r := e.do("POST", "/api/invites/v1", e.token(e.w.BegA), map[string]any{"client": client.Id})
	mustError(t, r, http.StatusForbidden, "forbidden")
	if got := len(invitesOf(t, e.app, client.Id)); got != before {
		t.Fatalf("a refused re-invite made an invite: %d, want %d", got, before)
	}
	e.invite(e.w.Coord, client)
}
