package sync_test

import (
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
)

func TestDbgClientTeam(t *testing.T) {
	s := newSyncServer(t, nil)
	tok := servertest.Token(t, s.w.ClientA)
	r := s.do("PATCH", "/api/collections/clients/records/"+s.w.ClientA.Id, tok, map[string]any{"team": []string{s.w.TeamA.Id, s.w.TeamB.Id}})
	t.Logf("%d %s", r.status, r.body)
	r = s.do("PATCH", "/api/collections/clients/records/"+s.w.ClientA.Id, tok, map[string]any{"name": []string{"a", "b"}})
	t.Logf("%d %s", r.status, r.body)
}
