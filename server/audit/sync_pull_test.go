package audit_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/samenspel/samenspel/internal/accesslog"
)

// pulled is one pull page as the device saw it.
type pulled struct {
	status  int
	cursor  string
	hasMore bool
	body    []byte
}

// pull fetches one page of limit changes after cursor ("" for none).
func (e *env) pull(dev, cursor string, limit int) pulled {
	e.t.Helper()
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	r := e.do("GET", "/api/sync/v1/pull?"+q.Encode(), dev, nil)
	p := pulled{status: r.status, body: r.body}
	if r.status == http.StatusOK {
		var out struct {
			Cursor  string `json:"cursor"`
			HasMore bool   `json:"has_more"`
		}
		if err := json.Unmarshal(r.body, &out); err != nil {
			e.t.Fatalf("pull page: %v", err)
		}
		p.cursor, p.hasMore = out.Cursor, out.HasMore
	}
	return p
}

// pullAll follows has_more from cursor to the end and returns the final
// cursor and the number of pages.
func (e *env) pullAll(dev, cursor string, limit int) (string, int) {
	e.t.Helper()
	for pages := 1; ; pages++ {
		p := e.pull(dev, cursor, limit)
		e.mustOK(response{p.status, p.body}, "pull")
		if cursor = p.cursor; !p.hasMore {
			return cursor, pages
		}
	}
}

// reads is the read entries of device, oldest first.
func reads(list []accesslog.Entry, device string) []accesslog.Entry {
	var out []accesslog.Entry
	for _, en := range list {
		if en.Action == accesslog.ActionRead && en.Device == device {
			out = append(out, en)
		}
	}
	return out
}

// A pull over many pages is one access per client: one read entry each,
// not one per page. A later pull (a new run) logs the client whose record
// changed again.
func TestSyncPullRunIsOneEntryPerClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	dev := e.register(w.BegA, "phone-anouk")
	// Team A's data is 10 records of ClientA and ClientA2 among others: in
	// pages of 2, each client's records span several pages.
	final, pages := e.pullAll(dev, "", 2)
	if pages < 6 {
		t.Fatalf("%d pages, want at least 6 (the test needs clients across pages)", pages)
	}
	got := reads(e.by(w.BegA), "phone-anouk")
	if want := sorted(w.ClientA.Id, w.ClientA2.Id); !slices.Equal(clientsOf(got), want) || len(got) != 2 {
		t.Fatalf("a run of %d pages logged %d entries of clients %v, want one each of %v: %+v", pages, len(got), clientsOf(got), want, got)
	}
	if a := find(t, got, w.ClientA.Id, accesslog.ActionRead); a.Count < 1 || a.Count > 2 || a.Path != accesslog.PathSync {
		t.Fatalf("entry %+v: want the count of one page of 2", a)
	}

	w.GoalA2.Set("title", "Fietsen naar het werk")
	if err := e.app.Save(w.GoalA2); err != nil {
		t.Fatal(err)
	}
	e.pullAll(dev, final, 2)
	got = reads(e.by(w.BegA), "phone-anouk")
	if n := len(got); n != 3 {
		t.Fatalf("after a second run: %d entries, want 3: %+v", n, got)
	}
	if en := got[2]; en.Client != w.ClientA2.Id || en.Collections != "goals" || en.Count != 1 {
		t.Fatalf("second run's entry %+v, want ClientA2's goal", en)
	}
}

// A page asked for again with the same cursor (its answer was lost) is a
// new run: its clients are logged again, never left out.
func TestSyncPullRetriedPageLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	dev := e.register(w.BegA, "phone-anouk")
	// Follow pages of one record until one, continuing the run, is the
	// first to deliver a client.
	cursor, before := "", 0
	for {
		p := e.pull(dev, cursor, 1)
		e.mustOK(response{p.status, p.body}, "pull")
		n := len(reads(e.by(w.BegA), "phone-anouk"))
		if cursor != "" && n > before {
			break
		}
		if !p.hasMore {
			t.Fatal("no page after the first delivered a client first")
		}
		cursor, before = p.cursor, n
	}
	first := reads(e.by(w.BegA), "phone-anouk")[before:]

	p := e.pull(dev, cursor, 1) // the retry
	e.mustOK(response{p.status, p.body}, "retry")
	again := reads(e.by(w.BegA), "phone-anouk")[before+len(first):]
	if !slices.Equal(clientsOf(again), clientsOf(first)) {
		t.Fatalf("retried page logged clients %v, want %v again", clientsOf(again), clientsOf(first))
	}
}

// Another device of the same person cannot continue a device's run: the
// cursor is refused (it is bound to its device) and nothing is logged;
// its own pull, while the first device's run is under way, is a run of
// its own.
func TestSyncPullRunIsPerDevice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	phone := e.register(w.BegA, "phone-anouk")
	tablet := e.register(w.BegA, "tablet-anouk")
	p := e.pull(phone, "", 2)
	e.mustOK(response{p.status, p.body}, "phone's first page")
	n := len(e.by(w.BegA))

	if r := e.pull(tablet, p.cursor, 2); r.status != http.StatusBadRequest {
		t.Fatalf("tablet with the phone's cursor: %d %s, want 400", r.status, r.body)
	}
	if got := len(e.by(w.BegA)); got != n {
		t.Fatalf("a refused cursor logged %d entries", got-n)
	}

	e.pullAll(tablet, "", 2)
	e.pullAll(phone, p.cursor, 2)
	all := e.by(w.BegA)
	want := sorted(w.ClientA.Id, w.ClientA2.Id)
	for _, d := range []string{"phone-anouk", "tablet-anouk"} {
		if got := reads(all, d); !slices.Equal(clientsOf(got), want) || len(got) != 2 {
			t.Fatalf("%s: %d entries of clients %v, want one each of %v: %+v", d, len(got), clientsOf(got), want, got)
		}
	}
}
