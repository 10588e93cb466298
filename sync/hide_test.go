package sync_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/sync/client"
)

// TestPullHidesClientIDsFromAdvisers: a teamadviseur's phone receives the
// team's safaris, observations and conflicts without any client id (and
// no conflict that names a client); a begeleider's phone, pulling the same
// records, gets them.
func TestPullHidesClientIDsFromAdvisers(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	pull := func(name string, token string) *client.Client {
		dev := client.New(srv.URL, name)
		if err := dev.Register(context.Background(), token); err != nil {
			t.Fatal(err)
		}
		if err := dev.Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		return dev
	}
	adv := pull("adv-phone", servertest.Token(t, w.AdvAB))
	beg := pull("beg-phone", servertest.Token(t, w.BegA))

	var all strings.Builder
	for _, c := range schema.Synced {
		for _, id := range adv.Store().IDs(c) {
			b, _ := json.Marshal(adv.Store().Get(c, id))
			all.Write(b)
		}
	}
	for _, id := range []string{w.ClientA.Id, w.ClientA2.Id, w.ClientB.Id} {
		if strings.Contains(all.String(), id) {
			t.Errorf("the adviser's phone holds client id %s", id)
		}
	}
	if got := adv.Store().Get(schema.Safaris, w.SafariA.Id); got == nil {
		t.Fatalf("the adviser's phone lacks SafariA")
	} else if _, ok := got[schema.FieldClients]; ok {
		t.Errorf("the adviser's SafariA has a clients field: %v", got)
	}
	if got := adv.Store().Get(schema.Observations, w.ObsByClientA.Id); got == nil {
		t.Fatalf("the adviser's phone lacks the client's observation")
	} else if _, ok := got[schema.FieldAuthorClient]; ok {
		t.Errorf("the adviser's observation has author_client: %v", got)
	}
	if got := beg.Store().Get(schema.Safaris, w.SafariA.Id); !strings.Contains(mustJSON(t, got), w.ClientA.Id) {
		t.Errorf("the begeleider's SafariA lacks its clients: %v", got)
	}
	if got := beg.Store().Get(schema.Observations, w.ObsByClientA.Id); got[schema.FieldAuthorClient] != w.ClientA.Id {
		t.Errorf("the begeleider's observation lacks its author: %v", got)
	}
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
