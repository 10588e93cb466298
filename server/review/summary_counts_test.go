package review_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/review"
)

// spring2025 is the period of the hand-counted fixture: March and April
// 2025 in Dutch time. The World's own records were created today, outside.
func spring2025(tb testing.TB) review.Period { return mustPeriod(tb, "2025-03-01", "2025-04-30") }

// springFixture adds to team A of the World, by hand:
//
//	safaris: March 7 (4 dated mid-March, 2 undated but created in March,
//	  1 at 00:30 on 1 March Dutch time = 28 Feb 23:30 UTC); April 3 (2
//	  mid-April, 1 at 00:30 on 1 April Dutch time = 31 March 22:30 UTC);
//	  outside: 23:30 on 28 Feb and 00:30 on 1 May Dutch time, and one of
//	  team B in March.
//	observations (created in the period, on those safaris): place/low 6,
//	  barrier/high 2, other (no threshold) 1; 2 more created in May.
//	goals of ClientA and ClientA2 created in the period: living/active 5,
//	  finances (no status) 1; steps on them: client 5, network 3,
//	  begeleider 2; one more goal and step created in May.
//	feedback by AdvA in the period: appreciation 5, question 1.
func springFixture(tb testing.TB, app core.App, w *servertest.World) {
	tb.Helper()
	a := w.TeamA.Id
	var safaris []*core.Record
	safari := func(team, date string, created time.Time) *core.Record {
		r := mustSave(tb, app, schema.Safaris, map[string]any{"team": team, "title": "Wijksafari", "date": date}, created)
		if team == a {
			safaris = append(safaris, r)
		}
		return r
	}
	for _, d := range []string{"2025-03-10 10:00:00.000Z", "2025-03-12 10:00:00.000Z", "2025-03-14 10:00:00.000Z", "2025-03-20 10:00:00.000Z"} {
		safari(a, d, time.Time{})
	}
	safari(a, "", utc(tb, "2025-03-10T09:00:00Z"))
	safari(a, "", utc(tb, "2025-03-11T09:00:00Z"))
	safari(a, "2025-02-28 23:30:00.000Z", time.Time{}) // 1 March, 00:30 in Amsterdam
	safari(a, "2025-04-10 10:00:00.000Z", time.Time{})
	safari(a, "2025-04-11 10:00:00.000Z", time.Time{})
	safari(a, "2025-03-31 22:30:00.000Z", time.Time{}) // 1 April, 00:30 in Amsterdam
	safari(a, "2025-02-28 22:30:00.000Z", time.Time{}) // 28 February, 23:30: outside
	safari(a, "2025-04-30 22:30:00.000Z", time.Time{}) // 1 May, 00:30: outside
	safari(w.TeamB.Id, "2025-03-15 10:00:00.000Z", time.Time{})

	march := utc(tb, "2025-03-15T12:00:00Z")
	may := utc(tb, "2025-05-02T12:00:00Z")
	obs := func(kind, threshold string, created time.Time) {
		mustSave(tb, app, schema.Observations, map[string]any{"safari": safaris[0].Id, "kind": kind, "title": "Iets gezien",
			"threshold": threshold, "author_user": w.BegA.Id}, created)
	}
	for range 6 {
		obs("place", "low", march)
	}
	obs("barrier", "high", march)
	obs("barrier", "high", march)
	obs("other", "", march)
	obs("place", "low", may)
	obs("place", "low", may)

	var goals []*core.Record
	goal := func(client, domain, status string, created time.Time) {
		goals = append(goals, mustSave(tb, app, schema.Goals, map[string]any{"client": client, "title": "Een doel", "life_domain": domain, "status": status}, created))
	}
	for i := range 5 {
		goal([]string{w.ClientA.Id, w.ClientA2.Id}[i%2], "living", "active", march)
	}
	goal(w.ClientA.Id, "finances", "", march)
	goal(w.ClientA.Id, "health", "idea", may)
	step := func(carrier string, created time.Time) {
		mustSave(tb, app, schema.GoalSteps, map[string]any{"goal": goals[0].Id, "description": "Een stap", "carried_by": carrier}, created)
	}
	for range 5 {
		step("client", march)
	}
	for range 3 {
		step("network", march)
	}
	step("begeleider", march)
	step("begeleider", march)
	step("other_professional", may)

	for range 5 {
		mustSave(tb, app, schema.Feedback, map[string]any{"team": a, "author": w.AdvA.Id, "kind": "appreciation", "text": "Mooi"}, march)
	}
	mustSave(tb, app, schema.Feedback, map[string]any{"team": a, "author": w.AdvA.Id, "kind": "question", "text": "Hoe?"}, march)
}

// TestSummarySpring checks the hand-counted fixture over HTTP, in its wire
// form: 7 safaris in March are 7, 3 in April are "<5".
func TestSummarySpring(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	springFixture(t, app, w)
	srv := servertest.Serve(t, app)
	status, body := get(t, srv, servertest.Token(t, w.AdvA), w.TeamA.Id, "from=2025-03-01&to=2025-04-30")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	m := decode(t, body)
	checks := []struct {
		path []string
		want any
	}{
		{[]string{"period", "from"}, "2025-03-01"},
		{[]string{"period", "to"}, "2025-04-30"},
		{[]string{"team", "name"}, "Team Noord"},
		{[]string{"team", "area"}, "Deventer-Noord"},
		{[]string{"observations", "total"}, 9.0},
		{[]string{"observations", "by_kind", "place"}, 6.0},
		{[]string{"observations", "by_kind", "barrier"}, "<5"},
		{[]string{"observations", "by_kind", "key_person"}, "<5"},
		{[]string{"observations", "by_threshold", "low"}, 6.0},
		{[]string{"observations", "by_threshold", "unknown"}, "<5"},
		{[]string{"goals", "total"}, 6.0},
		{[]string{"goals", "by_life_domain", "living"}, 5.0},
		{[]string{"goals", "by_life_domain", "finances"}, "<5"},
		{[]string{"goals", "by_life_domain", "unknown"}, "<5"},
		{[]string{"goals", "by_status", "active"}, 5.0},
		{[]string{"goals", "by_status", "unknown"}, "<5"},
		{[]string{"steps", "total"}, 10.0},
		// The share gives client + network (8); with client 5 on the wire,
		// network would be 8 - 5: client is withheld.
		{[]string{"steps", "by_carrier", "client"}, review.Withheld},
		{[]string{"steps", "by_carrier", "network"}, "<5"},
		{[]string{"steps", "zorgen_dat_share"}, 0.8},
		{[]string{"feedback", "appreciation"}, 5.0},
		{[]string{"feedback", "question"}, "<5"},
	}
	for _, c := range checks {
		if got := at(t, m, c.path...); got != c.want {
			t.Errorf("%v = %#v, want %#v", c.path, got, c.want)
		}
	}
	months := fmt.Sprint(at(t, m, "safaris_per_month"))
	if want := "[map[count:7 month:2025-03] map[count:<5 month:2025-04]]"; months != want {
		t.Errorf("safaris_per_month = %s, want %s", months, want)
	}

	// The same figures in Go, with the small ones unsuppressed.
	s := mustCompute(t, app, w.TeamA.Id, spring2025(t), time.Now())
	exact := []struct {
		what      string
		got, want int
	}{
		{"April safaris", s.SafarisPerMonth[1].Count.Value(), 3},
		{"barrier observations", s.Observations.ByKind.Get("barrier"), 2},
		{"observations without threshold", s.Observations.ByThreshold.Get("unknown"), 1},
		{"goals without status", s.Goals.ByStatus.Get("unknown"), 1},
		{"network steps", s.Steps.ByCarrier.Get("network"), 3},
		{"begeleider steps", s.Steps.ByCarrier.Get("begeleider"), 2},
		{"other_professional steps (May)", s.Steps.ByCarrier.Get("other_professional"), 0},
		{"questions", s.Feedback.Get("question"), 1},
	}
	for _, c := range exact {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
		}
	}
}

// TestSummaryPeriodFilter: what counts depends on the period; moving it
// to May brings in what was created then and drops March and April.
func TestSummaryPeriodFilter(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	springFixture(t, app, w)
	cases := []struct {
		from, to                    string
		months                      []string
		safaris, observations, feed int
		goals, steps                int
	}{
		{"2025-03-01", "2025-04-30", []string{"2025-03", "2025-04"}, 10, 9, 6, 6, 10},
		{"2025-03-01", "2025-03-31", []string{"2025-03"}, 7, 9, 6, 6, 10},
		{"2025-04-01", "2025-04-30", []string{"2025-04"}, 3, 0, 0, 0, 0},
		{"2025-05-01", "2025-05-31", []string{"2025-05"}, 1, 2, 0, 1, 1},
		{"2025-02-15", "2025-05-02", []string{"2025-02", "2025-03", "2025-04", "2025-05"}, 12, 11, 6, 7, 11},
		{"2024-01-01", "2024-12-31", nil, 0, 0, 0, 0, 0},
	}
	for _, c := range cases {
		s := mustCompute(t, app, w.TeamA.Id, mustPeriod(t, c.from, c.to), time.Now())
		var months []string
		safaris := 0
		for _, m := range s.SafarisPerMonth {
			months = append(months, m.Month)
			safaris += m.Count.Value()
		}
		if c.months != nil && fmt.Sprint(months) != fmt.Sprint(c.months) {
			t.Errorf("%s..%s: months %v, want %v", c.from, c.to, months, c.months)
		}
		got := []int{safaris, s.Observations.Total.Value(), s.Feedback.Get("appreciation") + s.Feedback.Get("question"), s.Goals.Total.Value(), s.Steps.Total.Value()}
		want := []int{c.safaris, c.observations, c.feed, c.goals, c.steps}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s..%s: safaris, observations, feedback, goals, steps = %v, want %v", c.from, c.to, got, want)
		}
	}
}

// TestSummaryThreshold inserts exactly n of something and reads it back:
// 4 and less (0 included) are "<5", 5 and more are the number.
func TestSummaryThreshold(t *testing.T) {
	t.Parallel()
	_, w0 := servertest.NewWorldApp(t)
	token := servertest.Token(t, w0.BegA)
	for _, n := range []int{0, 1, 4, 5, 6} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			app, w := servertest.NewWorldApp(t)
			created := utc(t, "2025-06-15T12:00:00Z")
			for range n {
				mustSave(t, app, schema.Feedback, map[string]any{"team": w.TeamA.Id, "author": w.AdvA.Id, "kind": "suggestion", "text": "Probeer eens"}, created)
				mustSave(t, app, schema.Observations, map[string]any{"safari": w.SafariA.Id, "kind": "key_person", "title": "Sleutelfiguur",
					"author_user": w.BegA.Id}, created)
			}
			srv := servertest.Serve(t, app)
			status, body := get(t, srv, token, w.TeamA.Id, "from=2025-06-01&to=2025-06-30")
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			m := decode(t, body)
			var want any = "<5"
			if n >= review.K {
				want = float64(n)
			}
			if got := at(t, m, "feedback", "suggestion"); got != want {
				t.Errorf("%d inserted: feedback.suggestion = %#v, want %#v", n, got, want)
			}
			// Every observation is a key_person without threshold: shown
			// as n, the total and the one cell would say every other cell
			// is 0, so from 5 up some of them are withheld.
			for _, path := range [][]string{{"observations", "by_kind", "key_person"}, {"observations", "total"}, {"observations", "by_threshold", "unknown"}} {
				if got := at(t, m, path...); got != want && (n < review.K || got != review.Withheld) {
					t.Errorf("%d inserted: %v = %#v, want %#v", n, path, got, want)
				}
			}
		})
	}
}

// TestSummaryNetworks: the distributions over the team's current clients,
// network size and informal share, with their bucket edges.
func TestSummaryNetworks(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	team := mustSave(t, app, schema.Teams, map[string]any{"name": "Team Oost", "area": "Colmschate"}, time.Time{})
	n := 0
	client := func(informal, formal int) {
		n++
		c := mustSave(t, app, schema.Clients, map[string]any{"name": fmt.Sprintf("Cliënt %d", n), "team": team.Id}, time.Time{})
		for i := range informal + formal {
			mustSave(t, app, schema.NetworkContacts, map[string]any{"client": c.Id, "name": fmt.Sprintf("Contact %d", i),
				"relation": "friend", "circle": 2, "formal": i >= informal}, time.Time{})
		}
	}
	for range 5 {
		client(2, 1) // 3 contacts, 2/3 informal: 3-5, 50-75%
	}
	client(10, 0) // 10+, 75-100%
	client(0, 0)  // 0-2, no share
	client(1, 3)  // exactly a quarter: 3-5, 25-50%
	client(0, 2)  // 0-2, 0-25%
	client(3, 3)  // exactly half: 6-9, 50-75%
	client(2, 0)  // 0-2, 75-100%

	s := mustCompute(t, app, team.Id, mustPeriod(t, "", ""), time.Now())
	got := fmt.Sprint(s.Networks.Clients.Value(),
		s.Networks.Size.Get("0-2"), s.Networks.Size.Get("3-5"), s.Networks.Size.Get("6-9"), s.Networks.Size.Get("10+"),
		s.Networks.InformalShare.Get("0-25%"), s.Networks.InformalShare.Get("25-50%"),
		s.Networks.InformalShare.Get("50-75%"), s.Networks.InformalShare.Get("75-100%"))
	if want := fmt.Sprint(11, 3, 6, 1, 1, 1, 1, 6, 2); got != want {
		t.Errorf("clients, sizes 0-2 3-5 6-9 10+, shares 0-25 25-50 50-75 75-100 = %s, want %s", got, want)
	}

	// Team A of the World: Jan with one informal contact, Fatima with none.
	s = mustCompute(t, app, w.TeamA.Id, mustPeriod(t, "", ""), time.Now())
	if got, want := fmt.Sprint(s.Networks.Clients.Value(), s.Networks.Size.Get("0-2"), s.Networks.InformalShare.Get("75-100%")), "2 2 1"; got != want {
		t.Errorf("team A clients, 0-2, 75-100%% = %s, want %s", got, want)
	}
}
