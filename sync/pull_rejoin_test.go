package sync_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
)

// device is what a phone holds: the records it synced, by collection/id.
type device struct {
	s      *syncServer
	auth   string
	cursor string
	held   map[string]bool
}

func (s *syncServer) device(person *core.Record, id string) *device {
	s.t.Helper()
	return &device{s: s, auth: s.register(person, id), held: map[string]bool{}}
}

// pull pulls pages of limit records and applies them, at most pages pages
// (0: until has_more is false).
func (d *device) pull(limit, pages int) {
	d.s.t.Helper()
	for i := 0; pages == 0 || i < pages; i++ {
		r := d.s.do("GET", fmt.Sprintf("/api/sync/v1/pull?limit=%d&cursor=%s", limit, d.cursor), d.auth, nil)
		var page struct {
			Changes []struct {
				Collection string `json:"collection"`
				ID         string `json:"id"`
				Op         string `json:"op"`
			} `json:"changes"`
			Cursor  string `json:"cursor"`
			HasMore bool   `json:"has_more"`
			Reset   bool   `json:"reset"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &page) != nil {
			d.s.t.Fatalf("pull: %d %s", r.status, r.body)
		}
		if page.Reset {
			clear(d.held)
		}
		for _, c := range page.Changes {
			d.held[c.Collection+"/"+c.ID] = c.Op == "upsert"
			if c.Op == "delete" {
				delete(d.held, c.Collection+"/"+c.ID)
			}
		}
		d.cursor = page.Cursor
		if !page.HasMore {
			return
		}
		if i > 1000 {
			d.s.t.Fatal("pull never ended")
		}
	}
}

func (d *device) records() []string { return slices.Sorted(maps.Keys(d.held)) }

// rest sends a REST request as person and fails unless it succeeds.
func (s *syncServer) rest(person *core.Record, method, path string, body any) []byte {
	s.t.Helper()
	r := s.do(method, path, servertest.Token(s.t, person), body)
	if r.status/100 != 2 {
		s.t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
	}
	return r.body
}

// A begeleider who leaves a team, drops part of its records, and rejoins
// after some of the records not yet dropped moved away or were deleted,
// holds exactly what a fresh device holds: the rejoined bucket is read
// from the start with its deletes, since the device may still hold its
// records.
func TestPullRejoinDuringDrop(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	w := s.w
	phone := s.device(w.BegA, "phone-bega")
	phone.pull(500, 0)

	users := "/api/collections/users/records/" + w.BegA.Id
	s.rest(w.Coord, "PATCH", users, map[string]any{"teams": []string{w.TeamB.Id}})
	phone.pull(1, 1) // one page of the drop phase

	var teamC struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(s.rest(w.Coord, "POST", "/api/collections/teams/records", map[string]any{"name": "Team Oost", "area": "Deventer-Oost"}), &teamC); err != nil {
		t.Fatal(err)
	}
	s.rest(w.Coord, "PATCH", "/api/collections/clients/records/"+w.ClientA2.Id, map[string]any{"team": teamC.ID})
	s.rest(w.AdvA, "DELETE", "/api/collections/feedback/records/"+w.FeedbackA.Id, nil)
	s.rest(w.ClientA, "DELETE", "/api/collections/network_contacts/records/"+w.ContactA.Id, nil)

	s.rest(w.Coord, "PATCH", users, map[string]any{"teams": []string{w.TeamA.Id, w.TeamB.Id}})
	phone.pull(500, 0)

	fresh := s.device(w.BegA, "fresh-bega")
	fresh.pull(500, 0)
	if got, want := phone.records(), fresh.records(); !slices.Equal(got, want) {
		t.Fatalf("after rejoining the device holds %d records, a fresh pull %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
}
