package review_test

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/demo"
	"github.com/samenspel/samenspel/server/review"
)

// mustFillDemo returns a test app holding the demo organisation.
func mustFillDemo(tb testing.TB, seed int64) *tests.TestApp {
	tb.Helper()
	app := servertest.NewApp(tb, nil)
	if _, err := demo.Fill(app, io.Discard, seed); err != nil {
		tb.Fatalf("demo fill: %v", err)
	}
	return app
}

func mustAll(tb testing.TB, app core.App, collection string) []*core.Record {
	tb.Helper()
	rs, err := app.FindAllRecords(collection)
	if err != nil {
		tb.Fatalf("records of %s: %v", collection, err)
	}
	return rs
}

// privateTexts is every text in the demo organisation that names or
// describes a person or their plan: people's names, usernames and e-mail
// addresses, goal titles and whys, step descriptions and reflections,
// contact names, notes and phone numbers, and the team's own texts about
// walks (safari titles and reflections, observation titles and notes,
// feedback), none of which a summary has any business showing.
func privateTexts(tb testing.TB, app core.App) []string {
	tb.Helper()
	fields := map[string][]string{
		schema.Clients:         {"name", "username", "email"},
		schema.Users:           {"name", "email"},
		schema.Goals:           {"title", "why"},
		schema.GoalSteps:       {"description", "reflection"},
		schema.NetworkContacts: {"name", "note", "phone", "email"},
		schema.Safaris:         {"title", "reflection"},
		schema.Observations:    {"title", "note"},
		schema.Feedback:        {"text"},
	}
	var out []string
	for collection, names := range fields {
		for _, r := range mustAll(tb, app, collection) {
			for _, f := range names {
				if v := strings.TrimSpace(r.GetString(f)); len(v) >= 3 {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// walk calls leaf for every value of decoded JSON that is not an object
// or array, with its path of keys.
func walk(v any, path []string, leaf func(path []string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			walk(c, append(slices.Clone(path), k), leaf)
		}
	case []any:
		for _, c := range x {
			walk(c, path, leaf)
		}
	default:
		leaf(path, v)
	}
}

// TestSummaryDemoPrivacy asks for every demo team's summary, as its
// adviser, over the default period and over five years, and checks what
// must never be in it: no client name, plan text, contact or staff name
// (nor any other text from the records); no number below 5 (every
// number is a count of 5 or more, or a share between 0 and 1); no string
// but "<5" outside the team's own name and the period's labels.
func TestSummaryDemoPrivacy(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 7} {
		app := mustFillDemo(t, seed)
		private := privateTexts(t, app)
		if len(private) < 100 {
			t.Fatalf("seed %d: only %d private texts; the demo is not what this test expects", seed, len(private))
		}
		srv := servertest.Serve(t, app)
		teams := mustAll(t, app, schema.Teams)
		advisers := mustAll(t, app, schema.Users)
		bigNumbers := 0
		for _, team := range teams {
			var adviser *core.Record
			for _, u := range advisers {
				if u.GetString(schema.FieldRole) == schema.RoleTeamadviseur && slices.Contains(u.GetStringSlice(schema.FieldAdvises), team.Id) {
					adviser = u
				}
			}
			if adviser == nil {
				t.Fatalf("seed %d: team %s has no adviser", seed, team.GetString("name"))
			}
			today := time.Now().In(review.Zone)
			for _, query := range []string{"", "from=" + today.AddDate(-5, 0, 0).Format(time.DateOnly)} {
				status, body := get(t, srv, servertest.Token(t, adviser), team.Id, query)
				if status != http.StatusOK {
					t.Fatalf("seed %d team %s: status %d: %s", seed, team.Id, status, body)
				}
				m := decode(t, body)
				if got := at(t, m, "team").(map[string]any); got["id"] != team.Id || got["name"] != team.GetString("name") || got["area"] != team.GetString("area") || len(got) != 3 {
					t.Errorf("seed %d: team = %v", seed, got)
				}
				delete(m, "team")
				rest, _ := json.Marshal(m)
				for _, text := range private {
					if strings.Contains(string(rest), text) || strings.Contains(string(body), `"`+text+`"`) {
						t.Errorf("seed %d team %s: the summary contains %q", seed, team.GetString("name"), text)
					}
				}
				walk(m, nil, func(path []string, v any) {
					key := strings.Join(path, ".")
					switch x := v.(type) {
					case float64:
						switch {
						case key == "steps.zorgen_dat_share":
							if x < 0 || x > 1 {
								t.Errorf("seed %d: %s = %v, want a share in [0,1]", seed, key, x)
							}
						case x < review.K || x != math.Trunc(x):
							t.Errorf("seed %d: %s = %v: a count below 5 (or not whole) on the wire", seed, key, x)
						default:
							bigNumbers++
						}
					case string:
						if x != review.Suppressed && x != review.Withheld && key != "period.from" && key != "period.to" && key != "safaris_per_month.month" {
							t.Errorf("seed %d: %s = %q, want a count", seed, key, x)
						}
					case nil:
						if key != "steps.zorgen_dat_share" {
							t.Errorf("seed %d: %s is null", seed, key)
						}
					default:
						t.Errorf("seed %d: %s = %#v", seed, key, x)
					}
				})
			}
		}
		if bigNumbers < 20 {
			t.Errorf("seed %d: only %d counts of 5 or more over all teams; the test would prove little", seed, bigNumbers)
		}
	}
}

// TestSummaryDemoMatchesRecords holds the SQL aggregates equal to counting
// the demo organisation's records one by one in Go, for every team, with
// the exact (unsuppressed) values of Compute.
func TestSummaryDemoMatchesRecords(t *testing.T) {
	t.Parallel()
	app := mustFillDemo(t, 3)
	today := time.Now().In(review.Zone)
	p := mustPeriod(t, today.AddDate(-4, 0, 0).Format(time.DateOnly), today.AddDate(1, 0, 0).Format(time.DateOnly))
	in := func(at time.Time) bool { return !at.Before(p.Start()) && at.Before(p.End()) }
	created := func(r *core.Record) time.Time { return r.GetDateTime("created").Time() }

	safaris, observations := mustAll(t, app, schema.Safaris), mustAll(t, app, schema.Observations)
	clients, goals, steps := mustAll(t, app, schema.Clients), mustAll(t, app, schema.Goals), mustAll(t, app, schema.GoalSteps)
	contacts, feedback := mustAll(t, app, schema.NetworkContacts), mustAll(t, app, schema.Feedback)
	counted := 0
	for _, team := range mustAll(t, app, schema.Teams) {
		want := map[string]int{}
		teamSafaris, teamClients, teamGoals := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, s := range safaris {
			if s.GetString("team") != team.Id {
				continue
			}
			teamSafaris[s.Id] = true
			at := s.GetDateTime("date").Time()
			if at.IsZero() {
				at = created(s)
			}
			if in(at) {
				want["safaris "+at.In(review.Zone).Format("2006-01")]++
			}
		}
		for _, o := range observations {
			if teamSafaris[o.GetString("safari")] && in(created(o)) {
				want["observations"]++
				want["kind "+o.GetString("kind")]++
				want["threshold "+orUnknownTest(o.GetString("threshold"))]++
			}
		}
		for _, c := range clients {
			if c.GetString("team") == team.Id {
				teamClients[c.Id] = true
			}
		}
		for _, g := range goals {
			if !teamClients[g.GetString("client")] {
				continue
			}
			teamGoals[g.Id] = true
			if in(created(g)) {
				want["goals"]++
				want["domain "+orUnknownTest(g.GetString("life_domain"))]++
				want["status "+orUnknownTest(g.GetString("status"))]++
			}
		}
		for _, s := range steps {
			if teamGoals[s.GetString("goal")] && in(created(s)) {
				want["steps"]++
				want["carrier "+s.GetString("carried_by")]++
			}
		}
		size, informal := map[string]int{}, map[string]int{}
		for _, c := range contacts {
			if teamClients[c.GetString("client")] {
				size[c.GetString("client")]++
				if !c.GetBool("formal") {
					informal[c.GetString("client")]++
				}
			}
		}
		for id := range teamClients {
			n, inf := size[id], informal[id]
			want["clients"]++
			switch {
			case n <= 2:
				want["size 0-2"]++
			case n <= 5:
				want["size 3-5"]++
			case n <= 9:
				want["size 6-9"]++
			default:
				want["size 10+"]++
			}
			if n == 0 {
				continue
			}
			switch share := float64(inf) / float64(n); {
			case share < 0.25:
				want["share 0-25%"]++
			case share < 0.5:
				want["share 25-50%"]++
			case share < 0.75:
				want["share 50-75%"]++
			default:
				want["share 75-100%"]++
			}
		}
		for _, f := range feedback {
			if f.GetString("team") == team.Id && in(created(f)) {
				want["feedback "+f.GetString("kind")]++
			}
		}

		s := mustCompute(t, app, team.Id, p, time.Now())
		got := map[string]int{}
		put := func(key string, n int) {
			if n != 0 {
				got[key] += n
			}
		}
		for _, m := range s.SafarisPerMonth {
			put("safaris "+m.Month, m.Count.Value())
		}
		put("observations", s.Observations.Total.Value())
		put("goals", s.Goals.Total.Value())
		put("steps", s.Steps.Total.Value())
		put("clients", s.Networks.Clients.Value())
		for prefix, keys := range map[string]struct {
			c    *review.Counts
			keys string
		}{
			"kind":      {s.Observations.ByKind, "place meeting_place facility initiative key_person barrier opportunity other"},
			"threshold": {s.Observations.ByThreshold, "low medium high unknown"},
			"domain":    {s.Goals.ByLifeDomain, "living daytime_activity finances relationships health leisure meaning other unknown"},
			"status":    {s.Goals.ByStatus, "idea active achieved paused stopped unknown"},
			"carrier":   {s.Steps.ByCarrier, "client network begeleider other_professional"},
			"size":      {s.Networks.Size, "0-2 3-5 6-9 10+"},
			"share":     {s.Networks.InformalShare, "0-25% 25-50% 50-75% 75-100%"},
			"feedback":  {s.Feedback, "question appreciation suggestion"},
		} {
			for _, k := range strings.Fields(keys.keys) {
				put(prefix+" "+k, keys.c.Get(k))
			}
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("team %s: %s = %d, counting records gives %d", team.GetString("name"), k, got[k], n)
			}
			counted += n
		}
		for k, n := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("team %s: %s = %d, counting records gives 0", team.GetString("name"), k, n)
			}
		}
	}
	if counted < 300 {
		t.Errorf("only %d things counted over the demo; the comparison would prove little", counted)
	}
}

func orUnknownTest(v string) string {
	if v == "" {
		return "unknown"
	}
	return v
}

// BenchmarkSummaryDemo computes one demo team's review: a handful of
// indexed aggregate queries, milliseconds, whatever the period.
func BenchmarkSummaryDemo(b *testing.B) {
	app := mustFillDemo(b, 1)
	team := mustAll(b, app, schema.Teams)[0]
	p := mustPeriod(b, "", "")
	now := time.Now()
	for b.Loop() {
		if _, err := review.Compute(app, team.Id, p, now); err != nil {
			b.Fatal(err)
		}
	}
}
