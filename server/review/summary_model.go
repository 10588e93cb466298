package review

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// K is the suppression threshold: a count below K is shown as "<5", never
// as a number, so no figure in a review can point at one or a few clients
// (k-anonymity with k = 5).
const K = 5

// Suppressed is how a count below K appears on the wire.
const Suppressed = "<5"

// Withheld is how a count of K or more appears on the wire when showing it
// would give away a suppressed count (complementary suppression).
const Withheld = "≥5"

// Count is a number of records or clients as a reviewer sees it: the
// number itself from K up, Suppressed below (0 included, so "none" and
// "one" look alike), and Withheld when the number is K or more but would
// let a reader work out a suppressed one (see suppress.go).
type Count struct {
	n        int
	withheld bool
}

// Value returns the exact count, suppressed or not: for Go callers, never
// for the wire.
func (c Count) Value() int { return c.n }

// Shown reports whether the count is on the wire as a number.
func (c Count) Shown() bool { return c.n >= K && !c.withheld }

// MarshalJSON writes the count, "<5" below K, or "≥5" when withheld.
func (c Count) MarshalJSON() ([]byte, error) {
	switch {
	case c.n < K:
		return []byte(`"` + Suppressed + `"`), nil
	case c.withheld:
		return []byte(`"` + Withheld + `"`), nil
	}
	return strconv.AppendInt(nil, int64(c.n), 10), nil
}

// Share is part of a whole, such as the steps carried by the client or
// their network out of all steps. It is null when the whole is below K,
// when the part is below K (the share times a whole on the wire gives the
// part back), or when suppression withholds it; otherwise rounded to 2
// decimals.
type Share struct {
	Part, Whole int
	withheld    bool
}

// Shown reports whether the share is on the wire as a number.
func (s Share) Shown() bool { return s.Whole >= K && s.Part >= K && !s.withheld }

// MarshalJSON writes the share, or null when it is not shown.
func (s Share) MarshalJSON() ([]byte, error) {
	if !s.Shown() {
		return []byte("null"), nil
	}
	v := math.Round(float64(s.Part)/float64(s.Whole)*100) / 100
	return strconv.AppendFloat(nil, v, 'f', -1, 64), nil
}

// Counts is a distribution over a fixed list of keys, written as a JSON
// object in the order of the keys (encoding/json would sort a map:
// "0-2", "10+", "3-5"). Every key is always present, so a page can draw
// the same bars for every team.
type Counts struct {
	keys     []string
	n        map[string]Count
	unlisted map[string]int
}

func newCounts(keys ...string) *Counts {
	return &Counts{keys: keys, n: make(map[string]Count, len(keys))}
}

// add counts n more under key. A key outside the list (a value no longer
// in the schema's select list) adds to the total only and is kept apart,
// see Unlisted.
func (c *Counts) add(key string, n int) {
	if slices.Contains(c.keys, key) {
		cnt := c.n[key]
		cnt.n += n
		c.n[key] = cnt
		return
	}
	if c.unlisted == nil {
		c.unlisted = map[string]int{}
	}
	c.unlisted[key] += n
}

// Get returns the count under key.
func (c *Counts) Get(key string) int { return c.n[key].n }

// Shown reports whether the count under key is on the wire as a number.
func (c *Counts) Shown(key string) bool { return c.n[key].Shown() }

// withhold marks the count under key withheld (see suppress.go).
func (c *Counts) withhold(key string) {
	cnt := c.n[key]
	cnt.withheld = true
	c.n[key] = cnt
}

// Unlisted returns the records counted under values outside the keys, by
// value; nil when there are none. They are not on the wire (the page
// draws the keys); Compute logs them as a warning.
func (c *Counts) Unlisted() map[string]int { return c.unlisted }

// MarshalJSON writes the keys in order, each count suppressed below K.
func (c *Counts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range c.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(k)
		val, _ := c.n[k].MarshalJSON()
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Summary is the team review: what a team did in a period and how its
// plans, networks and phones are doing now, in counts of K and more.
// Nothing in it names or counts per person.
type Summary struct {
	Team            TeamInfo     `json:"team"`
	Period          Period       `json:"period"`
	SafarisPerMonth []MonthCount `json:"safaris_per_month"`
	Observations    Observations `json:"observations"`
	Goals           Goals        `json:"goals"`
	Steps           Steps        `json:"steps"`
	Networks        Networks     `json:"networks"`
	DormantRevived  Count        `json:"dormant_revived"`
	SyncHealth      SyncHealth   `json:"sync_health"`
	Feedback        *Counts      `json:"feedback"`
}

// TeamInfo names the team under review (teams are not people).
type TeamInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Area string `json:"area"`
}

// MonthCount is the safaris of one calendar month ("2026-03").
type MonthCount struct {
	Month string `json:"month"`
	Count Count  `json:"count"`
}

// Observations logged on the team's safaris in the period.
type Observations struct {
	Total       Count   `json:"total"`
	ByKind      *Counts `json:"by_kind"`
	ByThreshold *Counts `json:"by_threshold"`
}

// Goals of the team's clients created in the period.
type Goals struct {
	Total        Count   `json:"total"`
	ByLifeDomain *Counts `json:"by_life_domain"`
	ByStatus     *Counts `json:"by_status"`
}

// Steps of those clients' goals created in the period, by who carries
// them; ZorgenDatShare is the part carried by the client or their network.
type Steps struct {
	Total          Count   `json:"total"`
	ByCarrier      *Counts `json:"by_carrier"`
	ZorgenDatShare Share   `json:"zorgen_dat_share"`
}

// Networks of the team's current clients: how many contacts each has and
// which part of them is informal, as distributions over clients.
type Networks struct {
	Clients       Count   `json:"clients"`
	Size          *Counts `json:"size"`
	InformalShare *Counts `json:"informal_share"`

	withoutContacts int // clients with no contacts: in Size "0-2", not in InformalShare
}

// SyncHealth of the phones of the team's begeleiders and clients.
type SyncHealth struct {
	Devices           Count   `json:"devices"`
	LastSync          *Counts `json:"last_sync"`
	OpenConflicts     Count   `json:"open_conflicts"`
	RejectedMutations Count   `json:"rejected_mutations"`
}

// The keys of the distributions the queries bucket themselves, in the
// order a page shows them. The distributions of select fields take their
// keys from the field's values in the schema (see selectKeys).
var (
	networkSizes   = []string{"0-2", "3-5", "6-9", "10+"}
	informalShares = []string{"0-25%", "25-50%", "50-75%", "75-100%"}
	lastSyncs      = []string{"today", "this_week", "older", "never"}
)

// unknown is the key that counts records with an optional select field
// left empty.
const unknown = "unknown"
