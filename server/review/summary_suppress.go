package review

import "slices"

// Complementary suppression. A count below K is "<5", but a reader who
// knows that the cells of a distribution add up to a total on the wire can
// subtract: total 9, "place" 6, "barrier" "<5" and every other kind "<5"
// with the others 0 says nothing, but total 9, "place" 6, "other" 3 gives
// a lone "<5" away as 0. What a reader can work out is more than
// subtraction: "<5" bounds a cell to 0..4, so two hidden cells that must
// add up to 8 are 4 and 4, and a hidden remainder of 0 makes every hidden
// cell 0.
//
// So Compute writes the summary's figures as a system of equations, every
// equation that holds between figures on the wire (see Summary.system),
// and plays the reader: it narrows each figure from what the wire says of
// it (a number: exactly that; "<5": 0..4; "≥5": 5 or more; not on the
// wire: 0 or more) through every equation, again and again, until nothing
// narrows further (bounds propagation). A suppressed figure that narrows
// to a single value is given away; then the smallest figure still shown in
// an equation with it is withheld as well ("≥5"), and the reader is played
// again, until nothing is given away. On these equations (each a sum of
// cells equal to a total, linked only through shared totals, so they form
// a tree apart from the network figures) bounds propagation finds every
// value a reader can pin down; the tests check that with an exhaustive
// search over random tables and over real summaries.

// knowledge is what the wire tells a reader about a figure.
type knowledge int

const (
	exact    knowledge = iota // a number on the wire, or a constant assumed known
	small                     // "<5": 0..K-1
	withheld                  // "≥5": K or more
	unseen                    // not on the wire: 0 or more
)

// infinity stands for "no upper bound"; sums of a few of them stay far
// from overflowing.
const infinity = int64(1) << 40

// cell is one figure of the system.
type cell struct {
	name     string
	n        int
	know     knowledge
	fixed    bool   // cannot be withheld (not on the wire as a number anyway)
	withhold func() // marks the figure withheld on the wire
	with     []int  // cells withheld together with this one
}

// term is coef (+1 or -1) times a cell.
type term struct{ cell, coef int }

// system is figures and the equations between them, each sum of its
// terms equal to 0.
type system struct {
	cells []cell
	eqs   [][]term
}

// add adds a figure and returns its index. A count below K is small
// (primary suppression); everything else starts exact.
func (s *system) add(name string, n int, withhold func()) int {
	know := exact
	if n < K {
		know = small
	}
	s.cells = append(s.cells, cell{name: name, n: n, know: know, withhold: withhold})
	return len(s.cells) - 1
}

// constant adds a figure the reader is assumed to know exactly although
// it is not on the wire (the conservative choice).
func (s *system) constant(name string, n int) int {
	s.cells = append(s.cells, cell{name: name, n: n, know: exact, fixed: true})
	return len(s.cells) - 1
}

// hidden adds a figure that is never on the wire.
func (s *system) hidden(name string, n int) int {
	s.cells = append(s.cells, cell{name: name, n: n, know: unseen, fixed: true})
	return len(s.cells) - 1
}

// sum adds the equation total = parts[0] + parts[1] + ...
func (s *system) sum(total int, parts ...int) {
	eq := []term{{total, -1}}
	for _, p := range parts {
		eq = append(eq, term{p, 1})
	}
	s.eqs = append(s.eqs, eq)
}

// bounds is what a reader can know of every figure: lo[i]..hi[i].
func (s *system) bounds() (lo, hi []int64) {
	lo, hi = make([]int64, len(s.cells)), make([]int64, len(s.cells))
	for i, c := range s.cells {
		switch c.know {
		case exact:
			lo[i], hi[i] = int64(c.n), int64(c.n)
		case small:
			lo[i], hi[i] = 0, K-1
		case withheld:
			lo[i], hi[i] = K, infinity
		case unseen:
			lo[i], hi[i] = 0, infinity
		}
	}
	for round, changed := 0, true; changed && round < 1000; round++ {
		changed = false
		for _, eq := range s.eqs {
			// The range of sum(coef*x) over the equation.
			var sumLo, sumHi int64
			for _, t := range eq {
				a, b := termRange(t, lo, hi)
				sumLo, sumHi = sumLo+a, sumHi+b
			}
			for _, t := range eq {
				a, b := termRange(t, lo, hi)
				restLo, restHi := sumLo-a, sumHi-b // coef*x = -rest
				nlo, nhi := -restHi, -restLo
				if t.coef < 0 {
					nlo, nhi = restLo, restHi
				}
				if nlo > lo[t.cell] {
					lo[t.cell], changed = nlo, true
				}
				if nhi < hi[t.cell] {
					hi[t.cell], changed = nhi, true
				}
			}
		}
	}
	return lo, hi
}

func termRange(t term, lo, hi []int64) (int64, int64) {
	if t.coef > 0 {
		return lo[t.cell], hi[t.cell]
	}
	return -hi[t.cell], -lo[t.cell]
}

// givenAway lists the figures a reader can pin down that must stay
// hidden: every suppressed figure, and unseen ones below K.
func (s *system) givenAway() []int {
	lo, hi := s.bounds()
	var out []int
	for i, c := range s.cells {
		if c.know == exact || lo[i] != hi[i] {
			continue
		}
		if c.know == unseen && c.n >= K {
			continue
		}
		out = append(out, i)
	}
	return out
}

// suppress withholds figures until no suppressed figure can be worked
// out. It returns the figures still given away, which is empty unless
// withholding every figure that could help is not enough.
func (s *system) suppress() []int {
	for {
		away := s.givenAway()
		if len(away) == 0 {
			return nil
		}
		next := s.complement(away[0])
		if next < 0 {
			return away
		}
		s.withholdCell(next)
	}
}

func (s *system) withholdCell(i int) {
	c := &s.cells[i]
	if c.know != exact || c.fixed {
		return
	}
	c.know = withheld
	if c.withhold != nil {
		c.withhold()
	}
	for _, j := range c.with {
		s.withholdCell(j)
	}
}

// complement picks the figure to withhold for a given-away one: the
// smallest figure still shown in an equation with it, preferring figures
// in fewer equations (a cell over a total); if there is none, the search
// widens to the equations of those equations' figures. -1 if nothing is
// left to withhold.
func (s *system) complement(away int) int {
	inEqs := make([]int, len(s.cells))
	for _, eq := range s.eqs {
		for _, t := range eq {
			inEqs[t.cell]++
		}
	}
	seen := map[int]bool{away: true}
	frontier := []int{away}
	for len(frontier) > 0 {
		var next, candidates []int
		for _, eq := range s.eqs {
			if !slices.ContainsFunc(eq, func(t term) bool { return slices.Contains(frontier, t.cell) }) {
				continue
			}
			for _, t := range eq {
				if seen[t.cell] {
					continue
				}
				seen[t.cell] = true
				next = append(next, t.cell)
				if c := s.cells[t.cell]; c.know == exact && !c.fixed {
					candidates = append(candidates, t.cell)
				}
			}
		}
		if len(candidates) > 0 {
			return slices.MinFunc(candidates, func(a, b int) int {
				if d := s.cells[a].n - s.cells[b].n; d != 0 {
					return d
				}
				if d := inEqs[a] - inEqs[b]; d != 0 {
					return d
				}
				return a - b
			})
		}
		frontier = next
	}
	return -1
}

// system writes the summary's figures and every equation between them
// that a reader of the wire can rely on:
//
//   - observations.total is the sum of by_kind and also of by_threshold;
//     goals.total of by_life_domain and of by_status; steps.total of
//     by_carrier; networks.clients of networks.size;
//     sync_health.devices of last_sync (records with a value outside the
//     schema's list count in the total only: a constant the reader is
//     assumed to know);
//   - steps.zorgen_dat_share times steps.total gives the part carried by
//     the client or their network: client + network;
//   - networks.informal_share adds up to the clients with at least one
//     contact: networks.clients minus the clients without contacts, who
//     are among networks.size "0-2" (two figures never on the wire).
//
// The other figures (safaris per month, feedback by kind, revived
// contacts, open conflicts, rejected mutations) stand alone: no total of
// them is on the wire.
func (sum *Summary) system() *system {
	s := &system{}
	count := func(name string, c *Count) int {
		return s.add(name, c.n, func() { c.withheld = true })
	}
	dist := func(name string, c *Counts) []int {
		var out []int
		for _, k := range c.keys {
			out = append(out, s.add(name+"."+k, c.Get(k), func() { c.withhold(k) }))
		}
		unlisted := 0
		for _, n := range c.unlisted {
			unlisted += n
		}
		if unlisted > 0 {
			out = append(out, s.constant(name+".unlisted", unlisted))
		}
		return out
	}

	obs := count("observations.total", &sum.Observations.Total)
	s.sum(obs, dist("observations.by_kind", sum.Observations.ByKind)...)
	s.sum(obs, dist("observations.by_threshold", sum.Observations.ByThreshold)...)

	goals := count("goals.total", &sum.Goals.Total)
	s.sum(goals, dist("goals.by_life_domain", sum.Goals.ByLifeDomain)...)
	s.sum(goals, dist("goals.by_status", sum.Goals.ByStatus)...)

	// steps.total = part + the other carriers, part = client + network:
	// written as a tree, not as two sums over the same cells, so that
	// bounds propagation sees what the share gives away (a sum of two
	// hidden cells, exactly).
	steps := count("steps.total", &sum.Steps.Total)
	share := &sum.Steps.ZorgenDatShare
	part := s.add("steps.zorgen_dat_part", share.Part, func() { share.withheld = true })
	if !share.Shown() && s.cells[part].know == exact {
		s.cells[part].know = withheld // not on the wire, and K or more
	}
	s.cells[steps].with = append(s.cells[steps].with, part) // no share without its whole
	var zorgenDat, others []int
	for _, c := range dist("steps.by_carrier", sum.Steps.ByCarrier) {
		switch s.cells[c].name {
		case "steps.by_carrier.client", "steps.by_carrier.network":
			zorgenDat = append(zorgenDat, c)
		default:
			others = append(others, c)
		}
	}
	s.sum(steps, append(others, part)...)
	s.sum(part, zorgenDat...)

	clients := count("networks.clients", &sum.Networks.Clients)
	sizes := dist("networks.size", sum.Networks.Size)
	s.sum(clients, sizes...)
	without := s.hidden("networks.without_contacts", sum.Networks.withoutContacts)
	s.sum(clients, append(dist("networks.informal_share", sum.Networks.InformalShare), without)...)
	for i, k := range sum.Networks.Size.keys {
		if k == networkSizes[0] {
			s.sum(sizes[i], without, s.hidden("networks.one_or_two_contacts", sum.Networks.Size.Get(k)-sum.Networks.withoutContacts))
		}
	}

	devices := count("sync_health.devices", &sum.SyncHealth.Devices)
	s.sum(devices, dist("sync_health.last_sync", sum.SyncHealth.LastSync)...)
	return s
}

// suppress applies complementary suppression to the summary and returns
// the names of figures a reader could still work out (none, unless the
// figures leave nothing to withhold).
func (sum *Summary) suppress() []string {
	s := sum.system()
	var names []string
	for _, i := range s.suppress() {
		names = append(names, s.cells[i].name)
	}
	return names
}
