package review_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server/review"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	// 00:30 on 29 November 2026 in Amsterdam is still the 28th in UTC:
	// "today" is the Dutch day.
	now := utc(t, "2026-11-28T23:30:00Z")
	cases := []struct {
		from, to         string
		wantFrom, wantTo string
		param            string // "" when valid
	}{
		{"", "", "2025-11-29", "2026-11-29", ""},
		{"2026-03-01", "", "2026-03-01", "2026-11-29", ""},
		{"", "2026-03-31", "2025-03-31", "2026-03-31", ""},
		{"2026-03-01", "2026-03-01", "2026-03-01", "2026-03-01", ""},
		{"2020-01-01", "2025-01-01", "2020-01-01", "2025-01-01", ""}, // exactly 5 years
		{"2020-01-01", "2025-01-02", "", "", "to"},
		{"2026-03-02", "2026-03-01", "", "", "from"},
		{"2027-01-01", "", "", "", "from"}, // after today
		{"2026-13-01", "", "", "", "from"},
		{"2026-02-30", "", "", "", "from"},
		{"1-2-2026", "", "", "", "from"},
		{"", "2026-3-1", "", "", "to"},
		{"", "today", "", "", "to"},
		{"2026-03-01T00:00:00Z", "", "", "", "from"},
	}
	for _, c := range cases {
		p, err := review.ParsePeriod(c.from, c.to, now)
		if c.param != "" {
			var pe *review.PeriodError
			if !errors.As(err, &pe) || pe.Param != c.param {
				t.Errorf("from=%q to=%q: err %v, want a PeriodError on %s", c.from, c.to, err, c.param)
			}
			continue
		}
		if err != nil {
			t.Errorf("from=%q to=%q: %v", c.from, c.to, err)
			continue
		}
		if got, want := p.From.Format(time.DateOnly)+" "+p.To.Format(time.DateOnly), c.wantFrom+" "+c.wantTo; got != want {
			t.Errorf("from=%q to=%q: period %s, want %s", c.from, c.to, got, want)
		}
		if p.From.Location() != review.Zone {
			t.Errorf("from=%q to=%q: period in %v, want %v", c.from, c.to, p.From.Location(), review.Zone)
		}
	}
}

// TestSummaryBadPeriod: a bad period is 400 invalid_request in the
// protocol's shape, naming the parameter; the default period is the last
// 12 months up to today.
func TestSummaryBadPeriod(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	token := servertest.Token(t, w.AdvA)
	cases := []struct{ query, param string }{
		{"from=2026-13-01", "from"},
		{"from=gisteren", "from"},
		{"to=2026-02-29", "to"}, // 2026 is no leap year
		{"from=2026-05-01&to=2026-04-30", "from"},
		{"from=2019-01-01&to=2026-01-01", "to"},
		{"from=2021-01-01&to=2026-01-02", "to"},
	}
	for _, c := range cases {
		status, body := get(t, srv, token, w.TeamA.Id, c.query)
		if status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", c.query, status, body)
			continue
		}
		m := decode(t, body)
		if got := at(t, m, "status"); got != 400.0 {
			t.Errorf("%s: status field %v", c.query, got)
		}
		if got := at(t, m, "code"); got != "invalid_request" {
			t.Errorf("%s: code %v", c.query, got)
		}
		if msg, _ := at(t, m, "message").(string); msg == "" {
			t.Errorf("%s: no message", c.query)
		}
		if reason, _ := at(t, m, "data", c.param).(string); reason == "" {
			t.Errorf("%s: data does not name %s: %s", c.query, c.param, body)
		}
	}

	status, body := get(t, srv, token, w.TeamA.Id, "from=2021-01-01&to=2026-01-01")
	if status != http.StatusOK {
		t.Errorf("exactly 5 years: status %d: %s", status, body)
	}
	status, body = get(t, srv, token, w.TeamA.Id, "")
	if status != http.StatusOK {
		t.Fatalf("default period: status %d: %s", status, body)
	}
	today := time.Now().In(review.Zone)
	m := decode(t, body)
	from, to := at(t, m, "period", "from"), at(t, m, "period", "to")
	if from != today.AddDate(-1, 0, 0).Format(time.DateOnly) || to != today.Format(time.DateOnly) {
		t.Errorf("default period %v..%v, want the last 12 months up to %s", from, to, today.Format(time.DateOnly))
	}
	p := mustPeriod(t, from.(string), to.(string))
	want := (p.To.Year()*12 + int(p.To.Month())) - (p.From.Year()*12 + int(p.From.Month())) + 1
	if months := at(t, m, "safaris_per_month").([]any); len(months) != want {
		t.Errorf("default period has %d months, want %d (both ends included)", len(months), want)
	}
}
