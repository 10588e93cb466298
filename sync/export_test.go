package sync

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// SetPrecheck turns judging runs of creates together (judge.go) on or off,
// so tests can compare pushes with and without it.
func (s *Service) SetPrecheck(on bool) { s.noPrecheck = !on }

// AllowedRows judges the creates of recs (one collection) together, as a
// run of creates is judged; CanCreate judges one, as a push without runs
// does.
func AllowedRows(tx core.App, person *core.Record, recs []*core.Record) (map[int]bool, error) {
	return allowedRows(tx, person, recs)
}

func CanCreate(tx core.App, person *core.Record, r *core.Record) (bool, error) {
	body := map[string]any{}
	for _, f := range r.Collection().Fields {
		body[f.GetName()] = r.Get(f.GetName())
	}
	return canCreate(tx, r, schema.RequestInfo(person, "POST", body))
}

// GroupedPushes is how many pushes were committed in groups of more than
// one (push_group.go).
func (s *Service) GroupedPushes() int64 { return s.pushes.grouped.Load() }
