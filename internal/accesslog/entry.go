package accesslog

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Actions an entry records.
const (
	ActionRead   = "read"
	ActionSearch = "search" // a list with a filter or search
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionExport = "export"
)

// Paths by which the data was reached.
const (
	PathREST      = "rest"      // PocketBase's REST API, by staff or the client (review page, SDKs)
	PathSync      = "sync"      // the sync API: a phone or the field app
	PathDashboard = "dashboard" // a superuser, through the admin dashboard or its API
	PathMe        = "me"        // the client's own pages under /me/
	PathMedia     = "media"     // a photo's bytes
	PathRealtime  = "realtime"  // PocketBase's realtime subscriptions: records sent as they change
)

// CollectionAccessLog is the collection name entries about reading the
// log itself carry.
const CollectionAccessLog = "access_log"

// Entry is one person's access to one client's data in one request, for
// one action. Seq, PrevHash and Hash are set by the writer.
//
// Person is always the natural person who acted, as NEN 7513 asks; when
// they used someone else's account, OnBehalfOf names that account. So a
// superuser who impersonates a begeleider (PocketBase's impersonation
// token) is Person = the superuser, Role "superuser", OnBehalfOf
// "users:<begeleider's id>"; never the begeleider with the superuser on
// the side, which would put an access on her name that she did not make.
// A superuser whose impersonation token was made before the server
// recorded who made it has an empty Person.
//
// A sync pull is the exception to "one request": its pages are one access
// per pull run (every page a device fetches by following has_more with the
// cursor the previous page returned), logged at the first page of the run
// that delivered records of the client. Count and Collections are that
// page's: later pages of the same run may deliver more of the client's
// records, in more collections, without another entry.
type Entry struct {
	Seq              int64     `json:"seq"`
	At               time.Time `json:"at"`
	Person           string    `json:"person"`            // record id of who accessed
	PersonCollection string    `json:"person_collection"` // users, clients or _superusers
	Role             string    `json:"role"`              // begeleider, teamadviseur, coordinator, client, superuser
	PersonName       string    `json:"person_name"`       // staff: their name, superusers: their e-mail, as it was at the time
	OnBehalfOf       string    `json:"on_behalf_of"`      // "collection:id" of the account the person used, where not their own
	Client           string    `json:"client"`            // clients.id of whose data it is
	Collections      string    `json:"collections"`       // comma-separated, sorted
	Action           string    `json:"action"`
	Count            int       `json:"count"` // records of this client in the request (a sync pull: see above)
	Device           string    `json:"device"`
	IP               string    `json:"ip"`
	Path             string    `json:"path"`
	PrevHash         string    `json:"prev_hash"`
	Hash             string    `json:"hash"`
}

// Touches collects the records of one request per client and action, to
// become one Entry each. The zero value is not usable; a nil *Touches
// collects nothing (Add on nil is a no-op), so code paths can pass nil
// when the log is off. Not safe for concurrent use.
type Touches struct {
	m map[touchKey]*touch
}

type touchKey struct{ client, action string }

type touch struct {
	collections []string
	count       int
}

// NewTouches returns an empty collector.
func NewTouches() *Touches { return &Touches{m: map[touchKey]*touch{}} }

// Add counts n records of collection, of client, for action.
func (t *Touches) Add(client, action, collection string, n int) {
	if t == nil || client == "" {
		return
	}
	k := touchKey{client, action}
	tc := t.m[k]
	if tc == nil {
		tc = &touch{}
		t.m[k] = tc
	}
	if !slices.Contains(tc.collections, collection) {
		tc.collections = append(tc.collections, collection)
	}
	tc.count += n
}

// Merge adds every touch of o.
func (t *Touches) Merge(o *Touches) {
	if t == nil || o == nil {
		return
	}
	for k, tc := range o.m {
		for i, c := range tc.collections {
			n := 0
			if i == 0 {
				n = tc.count
			}
			t.Add(k.client, k.action, c, n)
		}
	}
}

// DeleteFunc drops the touches of every client and action for which del
// returns true: they were logged already (by an earlier page of the same
// pull run).
func (t *Touches) DeleteFunc(del func(client, action string) bool) {
	if t == nil {
		return
	}
	for k := range t.m {
		if del(k.client, k.action) {
			delete(t.m, k)
		}
	}
}

// Len is the number of entries Entries would make.
func (t *Touches) Len() int {
	if t == nil {
		return 0
	}
	return len(t.m)
}

// Entries turns the touches into entries, one per client and action, each
// a copy of base with Client, Action, Collections and Count filled in,
// ordered by client and action.
func (t *Touches) Entries(base Entry) []Entry {
	if t.Len() == 0 {
		return nil
	}
	out := make([]Entry, 0, len(t.m))
	for k, tc := range t.m {
		e := base
		e.Client, e.Action, e.Count = k.client, k.action, tc.count
		cols := slices.Clone(tc.collections)
		slices.Sort(cols)
		e.Collections = strings.Join(cols, ",")
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Client, b.Client), cmp.Compare(a.Action, b.Action))
	})
	return out
}
