package audit

import (
	"fmt"
	"slices"
	gosync "sync"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/accesslog"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// touches is a page's read touches of clients.
func touches(clients ...string) *accesslog.Touches {
	t := accesslog.NewTouches()
	for _, c := range clients {
		t.Add(c, accesslog.ActionRead, "goals", 1)
	}
	return t
}

// kept is the clients left in t to be logged.
func kept(t *accesslog.Touches) []string {
	var out []string
	for _, e := range t.Entries(accesslog.Entry{}) {
		out = append(out, e.Client)
	}
	return out
}

// testRuns is a tracker with a clock the test moves.
func testRuns(max int) (*pullRuns, *time.Time) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	r := newPullRuns()
	r.max, r.now = max, func() time.Time { return now }
	return r, &now
}

func more(cursor string) fieldsync.PageEnd { return fieldsync.PageEnd{Cursor: cursor, HasMore: true} }

func last(cursor string) fieldsync.PageEnd { return fieldsync.PageEnd{Cursor: cursor} }

// step serves a page and checks which clients are left to log.
func step(t *testing.T, r *pullRuns, device, sent string, end fieldsync.PageEnd, clients []string, want ...string) {
	t.Helper()
	tc := touches(clients...)
	r.page(device, sent, end, tc)
	if got := kept(tc); !slices.Equal(got, want) {
		t.Fatalf("page of %s after cursor %q: logs %v, want %v", device, sent, got, want)
	}
}

func TestPullRunLogsEachClientOnce(t *testing.T) {
	t.Parallel()
	r, _ := testRuns(maxRuns)
	step(t, r, "d1", "", more("c1"), []string{"a", "b"}, "a", "b")
	step(t, r, "d1", "c1", more("c2"), []string{"a", "b", "c"}, "c")
	step(t, r, "d1", "c2", last("c3"), []string{"a", "c"})
	if got := r.len(); got != 0 {
		t.Fatalf("runs kept after the last page: %d, want 0", got)
	}
	// A pull from the final cursor is a new run: its clients are logged
	// again.
	step(t, r, "d1", "c3", last("c4"), []string{"a"}, "a")
}

func TestPullRunStartsAgain(t *testing.T) {
	t.Parallel()
	r, now := testRuns(maxRuns)
	step(t, r, "d1", "", more("c1"), []string{"a", "b"}, "a", "b")
	step(t, r, "d1", "c1", more("c2"), []string{"a", "b"})
	// The answer of that page was lost and the device sends c1 again: not
	// the cursor the run expects, so a new run, logged again.
	step(t, r, "d1", "c1", more("c2"), []string{"a", "b"}, "a", "b")
	// Another device sending this device's cursor (sync refuses it before,
	// but the tracker must not count on that) is not its run.
	step(t, r, "d2", "c2", more("x"), []string{"a"}, "a")
	step(t, r, "d1", "c2", more("c3"), []string{"a", "b", "c"}, "c")
	// No cursor is always a new run.
	step(t, r, "d1", "", more("c1"), []string{"a"}, "a")
	// A run idle for longer than runIdle is over.
	*now = now.Add(runIdle + time.Second)
	step(t, r, "d1", "c1", more("c2"), []string{"a"}, "a")
	*now = now.Add(runIdle - time.Second)
	step(t, r, "d1", "c2", more("c3"), []string{"a"})
}

// The runs kept are bounded: one per device, at most max, expired ones
// first out, then the longest idle. A forgotten run only logs again.
func TestPullRunsBounded(t *testing.T) {
	t.Parallel()
	r, now := testRuns(3)
	for i := range 1000 {
		step(t, r, "hostile", "", more(fmt.Sprint("h", i)), []string{"a"}, "a")
	}
	if got := r.len(); got != 1 {
		t.Fatalf("one device starting 1000 runs keeps %d, want 1", got)
	}
	for _, d := range []string{"d1", "d2"} {
		*now = now.Add(time.Second)
		step(t, r, d, "", more(d+"-1"), []string{"a"}, "a")
	}
	*now = now.Add(time.Second)
	step(t, r, "d3", "", more("d3-1"), []string{"a"}, "a")
	if got := r.len(); got != 3 {
		t.Fatalf("runs kept: %d, want 3", got)
	}
	// hostile was the longest idle: forgotten, its next page is a new run.
	step(t, r, "hostile", "h999", more("h1000"), []string{"a"}, "a")
	step(t, r, "d2", "d2-1", more("d2-2"), []string{"a"})
	// All idle too long: the next device clears them out.
	*now = now.Add(runIdle + time.Second)
	step(t, r, "d4", "", more("d4-1"), []string{"a"}, "a")
	if got := r.len(); got != 1 {
		t.Fatalf("runs kept after expiry: %d, want 1", got)
	}
}

func TestPullRunsConcurrent(t *testing.T) {
	t.Parallel()
	r := newPullRuns()
	r.max = 8
	var wg gosync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			dev := fmt.Sprint("d", g)
			sent := ""
			for i := range 200 {
				next := fmt.Sprint(dev, "-", i)
				r.page(dev, sent, more(next), touches("a", "b"))
				sent = next
			}
		})
	}
	wg.Wait()
	if got := r.len(); got > 8 {
		t.Fatalf("runs kept: %d, want at most 8", got)
	}
}
