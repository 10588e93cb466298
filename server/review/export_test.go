package review

import "math/rand/v2"

// RandomSummary builds a summary of random figures that hang together as
// real ones do (every distribution adds up to its total, the clients
// without contacts are among the "0-2" networks), mostly small so that
// suppression has work to do, and applies complementary suppression. It
// returns the summary and what suppression left given away (nil).
func RandomSummary(r *rand.Rand) (*Summary, []string) {
	small := func() int {
		if r.IntN(3) == 0 {
			return 5 + r.IntN(8)
		}
		return r.IntN(5)
	}
	fill := func(c *Counts) int {
		total := 0
		for _, k := range c.keys {
			n := small()
			c.add(k, n)
			total += n
		}
		return total
	}
	// spread puts total over the keys of c at random.
	spread := func(c *Counts, total int) {
		for range total {
			c.add(c.keys[r.IntN(len(c.keys))], 1)
		}
	}
	s := &Summary{}
	s.Observations.ByKind = newCounts("place", "meeting_place", "facility", "initiative", "barrier", "other")
	s.Observations.ByThreshold = newCounts("low", "medium", "high", unknown)
	s.Observations.Total.n = fill(s.Observations.ByKind)
	spread(s.Observations.ByThreshold, s.Observations.Total.n)

	s.Goals.ByLifeDomain = newCounts("living", "finances", "health", unknown)
	s.Goals.ByStatus = newCounts("idea", "active", "achieved", unknown)
	s.Goals.Total.n = fill(s.Goals.ByLifeDomain)
	spread(s.Goals.ByStatus, s.Goals.Total.n)

	s.Steps.ByCarrier = newCounts("client", "network", "begeleider", "other_professional")
	s.Steps.Total.n = fill(s.Steps.ByCarrier)
	s.Steps.ZorgenDatShare = Share{Part: s.Steps.ByCarrier.Get("client") + s.Steps.ByCarrier.Get("network"), Whole: s.Steps.Total.n}

	s.Networks.Size = newCounts(networkSizes...)
	s.Networks.InformalShare = newCounts(informalShares...)
	s.Networks.Clients.n = fill(s.Networks.Size)
	if n := s.Networks.Size.Get(networkSizes[0]); n > 0 {
		s.Networks.withoutContacts = r.IntN(n + 1)
	}
	spread(s.Networks.InformalShare, s.Networks.Clients.n-s.Networks.withoutContacts)

	s.SyncHealth.LastSync = newCounts(lastSyncs...)
	s.SyncHealth.Devices.n = fill(s.SyncHealth.LastSync)
	s.Feedback = newCounts("question", "appreciation", "suggestion")
	fill(s.Feedback)
	return s, s.suppress()
}
