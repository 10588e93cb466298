package audit

import (
	"crypto/sha256"
	gosync "sync"
	"time"

	"github.com/samenspel/samenspel/internal/accesslog"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// Bounds of the pull runs kept in memory. A run idle for longer than
// runIdle is over (a device pages through in seconds; one that comes back
// later is a new access); past maxRuns devices, the longest idle run is
// forgotten. Forgetting a run is always safe: its next page starts a new
// run and logs its clients again. It can never lose an entry.
const (
	runIdle = 5 * time.Minute
	maxRuns = 1024
)

// pullRuns tells which pages of a device's pulls belong to one pull run,
// so the access log has one entry per client and action per run instead
// of one per page (a fresh pull of 100,000 records of 1,000 clients is 20
// pages, each with records of nearly every client).
//
// A page continues a run when the device sends exactly the cursor that
// its previous page returned and that page said has_more. Anything else
// starts a new run: no cursor, another cursor (a retry of a page whose
// answer was lost sends the cursor before it, so it is logged again
// rather than missed), a run that ended or idled out. Cursors are bound to
// their device (sync refuses another's), and runs are kept per device
// record, so one device's run never covers another's pages.
//
// Memory is bounded: one run per device record, at most maxRuns of them;
// a run is dropped when it ends (has_more false). A device that keeps
// starting runs replaces its own. A run holds about 120 bytes per client
// it has logged (measured: 120 KB for a coordinator's 1,000 clients), so
// even maxRuns coordinators in mid-pull at once stay near 120 MB, and
// staff who see tens of clients take a few KB each. Safe for concurrent
// use.
type pullRuns struct {
	mu   gosync.Mutex
	runs map[string]*pullRun // by device record id
	max  int
	idle time.Duration
	now  func() time.Time
}

// pullRun is one run in progress.
type pullRun struct {
	next   [sha256.Size]byte // hash of the cursor the last page returned: not the cursor, which reads as a position in the data
	seen   time.Time         // when its last page was served
	logged map[runKey]struct{}
}

type runKey struct{ client, action string }

func newPullRuns() *pullRuns {
	return &pullRuns{runs: map[string]*pullRun{}, max: maxRuns, idle: runIdle, now: time.Now}
}

// page takes the touches of one page served to device (its sync_devices
// record id), which sent cursor sent and got end, and drops from t what
// this run has logged already; the rest the caller must log. t may be nil.
func (r *pullRuns) page(device, sent string, end fieldsync.PageEnd, t *accesslog.Touches) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	run := r.runs[device]
	if run == nil || sent == "" || run.next != sha256.Sum256([]byte(sent)) || now.Sub(run.seen) > r.idle {
		run = &pullRun{logged: map[runKey]struct{}{}}
	}
	t.DeleteFunc(func(client, action string) bool {
		k := runKey{client, action}
		if _, ok := run.logged[k]; ok {
			return true
		}
		run.logged[k] = struct{}{}
		return false
	})
	if !end.HasMore {
		delete(r.runs, device)
		return
	}
	run.next, run.seen = sha256.Sum256([]byte(end.Cursor)), now
	if _, ok := r.runs[device]; !ok && len(r.runs) >= r.max {
		r.evict(now)
	}
	r.runs[device] = run
}

// evict makes room for one run: it drops every run idle too long, or if
// none is, the longest idle one.
func (r *pullRuns) evict(now time.Time) {
	var oldest string
	for dev, run := range r.runs {
		if now.Sub(run.seen) > r.idle {
			delete(r.runs, dev)
			continue
		}
		if oldest == "" || run.seen.Before(r.runs[oldest].seen) {
			oldest = dev
		}
	}
	if len(r.runs) >= r.max {
		delete(r.runs, oldest)
	}
}

// len is the number of runs kept.
func (r *pullRuns) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.runs)
}
