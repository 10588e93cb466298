package sync_test

import (
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
)

// TestClientListValuesRefused: a client who sends a list for a single
// relation (their team) or a text (their name) through REST gets 400
// naming the field, and their record is unchanged: PocketBase would
// otherwise keep the list's last value, which the rule never judged.
func TestClientListValuesRefused(t *testing.T) {
	s := newSyncServer(t, nil)
	tok := servertest.Token(t, s.w.ClientA)
	before, err := s.app.FindRecordById("clients", s.w.ClientA.Id)
	if err != nil {
		t.Fatal(err)
	}
	for field, value := range map[string]any{
		"team": []string{s.w.TeamA.Id, s.w.TeamB.Id},
		"name": []string{"a", "b"},
	} {
		r := s.do("PATCH", "/api/collections/clients/records/"+s.w.ClientA.Id, tok, map[string]any{field: value})
		if r.status != 400 || !strings.Contains(string(r.body), `"`+field+`":{"code":"validation_invalid_value"`) {
			t.Fatalf("PATCH %s=%v: %d %s; want 400 naming %s", field, value, r.status, r.body, field)
		}
	}
	after, err := s.app.FindRecordById("clients", s.w.ClientA.Id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"team", "name", "updated"} {
		if before.GetString(f) != after.GetString(f) {
			t.Fatalf("%s changed: %q -> %q", f, before.GetString(f), after.GetString(f))
		}
	}
}
