package review

import (
	"encoding/json"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Amsterdam also where the host has no zoneinfo (scratch containers)

	"github.com/pocketbase/pocketbase/tools/types"
)

// Zone is the calendar the review counts in: a period "2026-03-01 to
// 2026-03-31" is March as the teams in the Netherlands lived it, and a
// phone that synced at 00:30 synced "today". Stored times are UTC; the
// period's day boundaries are turned into UTC instants before querying.
var Zone = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("review: time zone %s: %v", name, err))
	}
	return loc
}

// dateLayout is the wire form of the period's days.
const dateLayout = "2006-01-02"

// MaxPeriodYears bounds a period: longer ones are refused rather than
// answered slowly.
const MaxPeriodYears = 5

// Period is a range of whole days in Zone, both ends included.
type Period struct {
	From, To time.Time // midnight in Zone
}

// MarshalJSON writes {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}.
func (p Period) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"from": p.From.Format(dateLayout), "to": p.To.Format(dateLayout)})
}

// Start is the first instant of the period.
func (p Period) Start() time.Time { return p.From }

// End is the first instant after the period.
func (p Period) End() time.Time { return p.To.AddDate(0, 0, 1) }

// PeriodError names the query parameter that made a period invalid and
// what it must be instead.
type PeriodError struct {
	Param, Reason string
}

// Error says which parameter is wrong and why.
func (e *PeriodError) Error() string { return e.Param + " " + e.Reason }

// ParsePeriod reads the from and to parameters (YYYY-MM-DD, either may be
// empty). The default is the last 12 months up to today: to defaults to
// today, from to the same day a year before to. It returns a *PeriodError
// for a date that does not parse, from after to, or a period over
// MaxPeriodYears.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	today := midnight(now.In(Zone))
	p := Period{To: today}
	if to != "" {
		d, err := time.ParseInLocation(dateLayout, to, Zone)
		if err != nil {
			return Period{}, &PeriodError{"to", "must be a date of the form YYYY-MM-DD"}
		}
		p.To = d
	}
	p.From = p.To.AddDate(-1, 0, 0)
	if from != "" {
		d, err := time.ParseInLocation(dateLayout, from, Zone)
		if err != nil {
			return Period{}, &PeriodError{"from", "must be a date of the form YYYY-MM-DD"}
		}
		p.From = d
	}
	if p.From.After(p.To) {
		return Period{}, &PeriodError{"from", "must not be after to"}
	}
	if p.To.After(p.From.AddDate(MaxPeriodYears, 0, 0)) {
		return Period{}, &PeriodError{"to", fmt.Sprintf("must be at most %d years after from", MaxPeriodYears)}
	}
	return p, nil
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// month is one calendar month of a period, cut to the period at its ends:
// [start, stop) as stored-time strings.
type month struct {
	Label       string
	Start, Stop string
}

// months lists every calendar month the period touches, in order, so a
// chart shows the empty months too.
func (p Period) months() []month {
	var out []month
	end := p.End()
	for m := time.Date(p.From.Year(), p.From.Month(), 1, 0, 0, 0, 0, Zone); m.Before(end); m = m.AddDate(0, 1, 0) {
		start, stop := m, m.AddDate(0, 1, 0)
		if start.Before(p.From) {
			start = p.From
		}
		if stop.After(end) {
			stop = end
		}
		out = append(out, month{Label: m.Format("2006-01"), Start: stored(start), Stop: stored(stop)})
	}
	return out
}

// stored formats an instant as PocketBase stores dates (UTC, text), so
// periods compare as strings in SQL and use the indexes.
func stored(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }
