package review_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
)

// summaryShape is every key path of a summary: the contract the review
// page reads. Array elements add no path segment.
var summaryShape = strings.Fields(`
	team.id team.name team.area period.from period.to
	safaris_per_month.month safaris_per_month.count
	observations.total
	observations.by_kind.place observations.by_kind.meeting_place observations.by_kind.facility
	observations.by_kind.initiative observations.by_kind.key_person observations.by_kind.barrier
	observations.by_kind.opportunity observations.by_kind.other
	observations.by_threshold.low observations.by_threshold.medium observations.by_threshold.high observations.by_threshold.unknown
	goals.total
	goals.by_life_domain.living goals.by_life_domain.daytime_activity goals.by_life_domain.finances
	goals.by_life_domain.relationships goals.by_life_domain.health goals.by_life_domain.leisure
	goals.by_life_domain.meaning goals.by_life_domain.other goals.by_life_domain.unknown
	goals.by_status.idea goals.by_status.active goals.by_status.achieved goals.by_status.paused
	goals.by_status.stopped goals.by_status.unknown
	steps.total steps.by_carrier.client steps.by_carrier.network steps.by_carrier.begeleider
	steps.by_carrier.other_professional steps.zorgen_dat_share
	networks.clients networks.size.0-2 networks.size.3-5 networks.size.6-9 networks.size.10+
	networks.informal_share.0-25% networks.informal_share.25-50% networks.informal_share.50-75%
	networks.informal_share.75-100%
	dormant_revived
	sync_health.devices sync_health.last_sync.today sync_health.last_sync.this_week
	sync_health.last_sync.older sync_health.last_sync.never
	sync_health.open_conflicts sync_health.rejected_mutations
	feedback.question feedback.appreciation feedback.suggestion feedback.unknown`)

// TestSummaryShape holds the wire form to the contract: exactly these
// keys, distributions in the order a page shows them ("0-2" before
// "10+"), "<5" written as is, JSON content type, not cached.
func TestSummaryShape(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/review/v1/teams/"+w.TeamA.Id+"/summary", nil)
	req.Header.Set("Authorization", servertest.Token(t, w.AdvA))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.Header.Get("Content-Type"), "application/json"; got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	if got, want := res.Header.Get("Cache-Control"), "no-store"; got != want {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}

	_, body := get(t, srv, servertest.Token(t, w.AdvA), w.TeamA.Id, "")
	var paths []string
	walk(decode(t, body), nil, func(path []string, v any) { paths = append(paths, strings.Join(path, ".")) })
	slices.Sort(paths)
	paths = slices.Compact(paths)
	want := slices.Clone(summaryShape)
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		for _, p := range paths {
			if !slices.Contains(want, p) {
				t.Errorf("unexpected key %s", p)
			}
		}
		for _, p := range want {
			if !slices.Contains(paths, p) {
				t.Errorf("missing key %s", p)
			}
		}
	}
	for _, ordered := range []string{`"size":{"0-2":`, `"10+":"<5"},"informal_share":{"0-25%":`, `"last_sync":{"today":`, `"feedback":{"question":`} {
		if !strings.Contains(string(body), ordered) {
			t.Errorf("body lacks %s (in order, unescaped): %s", ordered, body)
		}
	}
}
