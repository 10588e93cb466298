package review_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/review"
)

// The reader of this file is an attacker: given a summary as it is on the
// wire, and knowing which figures add up to which (written out here again,
// from the documentation, not taken from the package), they try to work
// out a suppressed figure exactly: by subtraction (every published
// equality, and every sum or difference of two of them: the overlapping
// tables), and by an exhaustive search over every value the hidden
// figures could take ("<5" is 0..4, "≥5" is 5 or more).

// attack is the wire summary as a system of integer unknowns.
type attack struct {
	names  []string
	lo, hi []int
	shown  []bool
	unseen []bool     // introduced by the attacker, never on the wire
	eqs    [][2][]int // left side, right side: sum(left) = sum(right)
}

// attackMax bounds "5 or more" for the search: no figure of the tests'
// summaries comes near it.
const attackMax = 400

func (a *attack) v(name string, wire any) int {
	a.names = append(a.names, name)
	lo, hi, shown := 0, attackMax, false
	switch x := wire.(type) {
	case float64:
		lo, hi, shown = int(x), int(x), true
	case string:
		switch x {
		case review.Suppressed:
			hi = review.K - 1
		case review.Withheld:
			lo = review.K
		default:
			panic("not a count: " + x)
		}
	case nil: // a figure the attacker introduces: 0 or more
	default:
		panic(fmt.Sprintf("not a count: %#v", wire))
	}
	a.lo, a.hi, a.shown = append(a.lo, lo), append(a.hi, hi), append(a.shown, shown)
	a.unseen = append(a.unseen, wire == nil)
	return len(a.names) - 1
}

func (a *attack) dist(name string, obj any) []int {
	m := obj.(map[string]any)
	var out []int
	for _, k := range slices.Sorted(mapKeys(m)) {
		out = append(out, a.v(name+"."+k, m[k]))
	}
	return out
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (a *attack) equal(left []int, right ...int) {
	a.eqs = append(a.eqs, [2][]int{left, right})
}

// newAttack reads the equalities a reader can rely on out of a wire
// summary.
func newAttack(m map[string]any) *attack {
	a := &attack{}
	get := func(path ...string) any {
		var v any = m
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		return v
	}
	obs := a.v("observations.total", get("observations", "total"))
	a.equal([]int{obs}, a.dist("observations.by_kind", get("observations", "by_kind"))...)
	a.equal([]int{obs}, a.dist("observations.by_threshold", get("observations", "by_threshold"))...)
	goals := a.v("goals.total", get("goals", "total"))
	a.equal([]int{goals}, a.dist("goals.by_life_domain", get("goals", "by_life_domain"))...)
	a.equal([]int{goals}, a.dist("goals.by_status", get("goals", "by_status"))...)

	steps := a.v("steps.total", get("steps", "total"))
	carriers := get("steps", "by_carrier").(map[string]any)
	var cs []int
	for _, k := range slices.Sorted(mapKeys(carriers)) {
		cs = append(cs, a.v("steps.by_carrier."+k, carriers[k]))
	}
	a.equal([]int{steps}, cs...)
	if share, ok := get("steps", "zorgen_dat_share").(float64); ok {
		// Every part that rounds to the share over the total on the wire.
		total := get("steps", "total").(float64)
		part := a.v("steps.zorgen_dat_part", nil)
		a.lo[part], a.hi[part] = attackMax, 0
		for p := 0; p <= int(total); p++ {
			if math.Round(float64(p)/total*100)/100 == share {
				a.lo[part], a.hi[part] = min(a.lo[part], p), max(a.hi[part], p)
			}
		}
		keys := slices.Sorted(mapKeys(carriers))
		a.equal([]int{part}, cs[slices.Index(keys, "client")], cs[slices.Index(keys, "network")])
	}

	clients := a.v("networks.clients", get("networks", "clients"))
	sizes := get("networks", "size").(map[string]any)
	var ss []int
	for _, k := range slices.Sorted(mapKeys(sizes)) {
		ss = append(ss, a.v("networks.size."+k, sizes[k]))
	}
	a.equal([]int{clients}, ss...)
	without := a.v("networks.without_contacts", nil)
	a.equal([]int{clients}, append(a.dist("networks.informal_share", get("networks", "informal_share")), without)...)
	a.equal([]int{ss[slices.Index(slices.Sorted(mapKeys(sizes)), "0-2")]}, without, a.v("networks.one_or_two_contacts", nil))

	devices := a.v("sync_health.devices", get("sync_health", "devices"))
	a.equal([]int{devices}, a.dist("sync_health.last_sync", get("sync_health", "last_sync"))...)
	return a
}

// coefs writes an equation as coefficients over the unknowns.
func (a *attack) coefs(eq [2][]int) []int {
	c := make([]int, len(a.names))
	for _, i := range eq[0] {
		c[i]--
	}
	for _, i := range eq[1] {
		c[i]++
	}
	return c
}

// subtract tries every equality, and every sum and difference of two:
// once the figures on the wire are filled in, is a single unknown left?
// It returns what it worked out.
func (a *attack) subtract() []string {
	var rows [][]int
	for _, eq := range a.eqs {
		rows = append(rows, a.coefs(eq))
	}
	n := len(rows)
	for i := range n {
		for j := i + 1; j < n; j++ {
			for _, sign := range []int{1, -1} {
				r := make([]int, len(a.names))
				for k := range r {
					r[k] = rows[i][k] + sign*rows[j][k]
				}
				rows = append(rows, r)
			}
		}
	}
	var found []string
	for _, r := range rows {
		unknown, rest := -1, 0
		for k, c := range r {
			switch {
			case c == 0:
			case a.lo[k] == a.hi[k]:
				rest += c * a.lo[k]
			case unknown >= 0:
				unknown = -2
			case unknown == -1:
				unknown = k
			}
		}
		if unknown >= 0 {
			value := -rest / r[unknown]
			if a.unseen[unknown] && value >= review.K {
				continue // a count of 5 or more that is not on the wire gives nobody away
			}
			found = append(found, fmt.Sprintf("%s = %d", a.names[unknown], value))
		}
	}
	return found
}

// feasible reports whether the unknowns have values within their ranges
// that satisfy every equality, with unknown x set to value: an exhaustive
// search over the equalities connected to x, each step narrowing every
// range by what the others can still add, branching on the narrowest.
func (a *attack) feasible(x, value int) bool {
	rows := a.component(x)
	lo, hi := slices.Clone(a.lo), slices.Clone(a.hi)
	lo[x], hi[x] = value, value
	var search func() bool
	search = func() bool {
		if !narrow(rows, lo, hi) {
			return false
		}
		k := -1
		for _, r := range rows {
			for i, c := range r {
				if c != 0 && lo[i] < hi[i] && (k < 0 || hi[i]-lo[i] < hi[k]-lo[k]) {
					k = i
				}
			}
		}
		if k < 0 {
			return true
		}
		saveLo, saveHi := slices.Clone(lo), slices.Clone(hi)
		for v := saveLo[k]; v <= saveHi[k]; v++ {
			lo[k], hi[k] = v, v
			if search() {
				return true
			}
			copy(lo, saveLo)
			copy(hi, saveHi)
		}
		return false
	}
	return search()
}

// component returns the equalities (as coefficients) connected to x.
func (a *attack) component(x int) [][]int {
	var all [][]int
	for _, eq := range a.eqs {
		all = append(all, a.coefs(eq))
	}
	in := map[int]bool{x: true}
	var out [][]int
	taken := make([]bool, len(all))
	for grew := true; grew; {
		grew = false
		for i, r := range all {
			if taken[i] || !touches(r, in) {
				continue
			}
			taken[i], grew = true, true
			out = append(out, r)
			for k, c := range r {
				if c != 0 {
					in[k] = true
				}
			}
		}
	}
	return out
}

func touches(r []int, in map[int]bool) bool {
	for k, c := range r {
		if c != 0 && in[k] {
			return true
		}
	}
	return false
}

// narrow tightens every range by every equality until nothing changes;
// false when some range becomes empty.
func narrow(rows [][]int, lo, hi []int) bool {
	for changed := true; changed; {
		changed = false
		for _, r := range rows {
			var sLo, sHi int
			for k, c := range r {
				if c > 0 {
					sLo, sHi = sLo+c*lo[k], sHi+c*hi[k]
				} else if c < 0 {
					sLo, sHi = sLo+c*hi[k], sHi+c*lo[k]
				}
			}
			for k, c := range r {
				if c == 0 {
					continue
				}
				// c*x = -(rest), rest within [sLo - own lo, sHi - own hi].
				ownLo, ownHi := c*lo[k], c*hi[k]
				if c < 0 {
					ownLo, ownHi = ownHi, ownLo
				}
				restLo, restHi := sLo-ownLo, sHi-ownHi
				nlo, nhi := -restHi, -restLo // bounds of c*x
				if c < 0 {
					nlo, nhi = -nhi, -nlo
				}
				if nlo > lo[k] {
					lo[k], changed = nlo, true
				}
				if nhi < hi[k] {
					hi[k], changed = nhi, true
				}
				if lo[k] > hi[k] {
					return false
				}
			}
		}
	}
	return true
}

// pinned lists the unknowns that can take only one value, with it: the
// suppressed figures, and those never on the wire when below K.
func (a *attack) pinned(t *testing.T) []string {
	t.Helper()
	var out []string
	for x := range a.names {
		if a.shown[x] {
			continue
		}
		var values []int
		for v := a.lo[x]; v <= a.hi[x] && len(values) < 2; v++ {
			if a.feasible(x, v) {
				values = append(values, v)
			}
		}
		if len(values) == 0 {
			t.Fatalf("%s has no value: the attack's equalities do not hold on this summary", a.names[x])
		}
		// A figure never on the wire gives nobody away from K up.
		if len(values) == 1 && (!a.unseen[x] || values[0] < review.K) {
			out = append(out, fmt.Sprintf("%s = %d", a.names[x], values[0]))
		}
	}
	return out
}

// mustNotGiveAway runs both attacks on a wire summary.
func mustNotGiveAway(t *testing.T, what string, m map[string]any) {
	t.Helper()
	a := newAttack(m)
	if found := a.subtract(); len(found) > 0 {
		t.Errorf("%s: subtraction works out %v", what, found)
	}
	if found := a.pinned(t); len(found) > 0 {
		t.Errorf("%s: search pins down %v", what, found)
	}
}

// TestSuppressionRandomTables: over random count tables, mostly of small
// numbers, nothing suppressed can be worked out from the wire, and
// suppression never has to give up.
func TestSuppressionRandomTables(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(12, 5))
	withheld := 0
	for i := range 300 {
		s, left := review.RandomSummary(r)
		if left != nil {
			t.Fatalf("table %d: suppression gave up with %v given away", i, left)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		m := decode(t, b)
		walk(m, nil, func(_ []string, v any) {
			if v == review.Withheld {
				withheld++
			}
		})
		mustNotGiveAway(t, fmt.Sprintf("table %d %s", i, b), m)
		if t.Failed() {
			return
		}
	}
	if withheld < 100 {
		t.Errorf("only %d figures withheld over 300 tables: the tables do not exercise suppression", withheld)
	}
}

// TestSuppressionOverHTTP: the summaries a teamadviseur gets over HTTP,
// from worlds built to have small cells (the hand-counted spring, a team
// whose observations are all of one kind, and the demo organisation),
// give nothing suppressed away.
func TestSuppressionOverHTTP(t *testing.T) {
	t.Parallel()
	t.Run("spring", func(t *testing.T) {
		t.Parallel()
		app, w := servertest.NewWorldApp(t)
		springFixture(t, app, w)
		srv := servertest.Serve(t, app)
		status, body := get(t, srv, servertest.Token(t, w.AdvA), w.TeamA.Id, "from=2025-03-01&to=2025-04-30")
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
		mustNotGiveAway(t, "spring", decode(t, body))
	})
	t.Run("one kind", func(t *testing.T) {
		t.Parallel()
		app, w := servertest.NewWorldApp(t)
		created := utc(t, "2025-06-15T12:00:00Z")
		for range 7 {
			mustSave(t, app, schema.Observations, map[string]any{"safari": w.SafariA.Id, "kind": "key_person", "title": "Sleutelfiguur",
				"threshold": "low", "author_user": w.BegA.Id}, created)
		}
		srv := servertest.Serve(t, app)
		status, body := get(t, srv, servertest.Token(t, w.AdvA), w.TeamA.Id, "from=2025-06-01&to=2025-06-30")
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
		m := decode(t, body)
		if got := at(t, m, "observations", "by_kind", "key_person"); got != review.Withheld {
			t.Errorf("by_kind.key_person = %#v, want %q: with the total on the wire it says every other kind is 0", got, review.Withheld)
		}
		mustNotGiveAway(t, "one kind", m)
	})
	t.Run("demo", func(t *testing.T) {
		t.Parallel()
		app := mustFillDemo(t, 3)
		srv := servertest.Serve(t, app)
		var coord *core.Record
		for _, u := range mustAll(t, app, schema.Users) {
			if u.GetString(schema.FieldRole) == schema.RoleCoordinator {
				coord = u
			}
		}
		today := time.Now().In(review.Zone)
		for _, team := range mustAll(t, app, schema.Teams) {
			for _, query := range []string{"", "from=" + today.AddDate(0, -1, 0).Format(time.DateOnly)} {
				status, body := get(t, srv, servertest.Token(t, coord), team.Id, query)
				if status != http.StatusOK {
					t.Fatalf("status %d: %s", status, body)
				}
				mustNotGiveAway(t, team.GetString("name")+" "+query, decode(t, body))
			}
		}
	})
}
