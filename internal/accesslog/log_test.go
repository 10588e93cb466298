package accesslog

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mustOpen(tb testing.TB) *Log {
	tb.Helper()
	l, err := Open(filepath.Join(tb.TempDir(), FileName), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

func mustAdd(tb testing.TB, l *Log, n int, at time.Time) {
	tb.Helper()
	for i := range n {
		e := Entry{At: at.Add(time.Duration(i) * time.Second), Person: "beg", PersonCollection: "users", Role: "begeleider",
			PersonName: "Anouk", Client: "client" + string(rune('a'+i%3)), Collections: "goals", Action: ActionRead, Count: 1, Path: PathREST}
		if err := l.Add(e); err != nil {
			tb.Fatal(err)
		}
	}
	if err := l.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// rawDB opens the log's file as an attacker with SQL access would.
func rawDB(tb testing.TB, l *Log) *sql.DB {
	tb.Helper()
	db, err := openDB(l.Path(), false, 4)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustVerify(tb testing.TB, l *Log) *Report {
	tb.Helper()
	rep, err := Verify(context.Background(), l.Path())
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

func TestChainVerifies(t *testing.T) {
	t.Parallel()
	l := mustOpen(t)
	mustAdd(t, l, 10, time.Now())
	rep := mustVerify(t, l)
	if !rep.OK() || rep.Entries != 10 || rep.HeadSeq != 10 {
		t.Fatalf("report %+v, want 10 entries, intact", rep)
	}
	// The writer picks up the head after a restart.
	l.Close()
	l2, err := Open(l.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	mustAdd(t, l2, 3, time.Now())
	if rep := mustVerify(t, l2); !rep.OK() || rep.HeadSeq != 13 {
		t.Fatalf("after reopen: %+v", rep)
	}
}

// TestTwoWritersKeepOneChain: two logs open on one file, as the server
// and `samenspel clients erase` are, append at once; the chain goes on
// from whichever wrote last, so it verifies whole.
func TestTwoWritersKeepOneChain(t *testing.T) {
	t.Parallel()
	a := mustOpen(t)
	b, err := Open(a.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			mustAdd(t, b, 5, time.Now())
		}
	}()
	for range 20 {
		mustAdd(t, a, 5, time.Now())
	}
	<-done
	if rep := mustVerify(t, a); !rep.OK() || rep.Entries != 200 || rep.HeadSeq != 200 {
		t.Fatalf("report %+v, want 200 entries in one intact chain", rep)
	}
}

func TestVerifyNamesTheEditedEntry(t *testing.T) {
	t.Parallel()
	l := mustOpen(t)
	mustAdd(t, l, 10, time.Now())
	if _, err := rawDB(t, l).Exec(`UPDATE entries SET client = 'someone-else' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, l)
	if got, want := rep.BrokenSeq, int64(4); got != want {
		t.Fatalf("broken at %d (%s), want %d", got, rep.BrokenWhat, want)
	}
	if !strings.Contains(rep.BrokenWhat, "does not match its hash") {
		t.Fatalf("what: %s", rep.BrokenWhat)
	}
}

func TestVerifyFindsARecomputedHash(t *testing.T) {
	t.Parallel()
	l := mustOpen(t)
	mustAdd(t, l, 10, time.Now())
	db := rawDB(t, l)
	// Edit entry 4 and give it a consistent hash: entry 5 no longer links.
	e, err := scanEntry(db.QueryRow(`SELECT ` + entryColumns + ` FROM entries WHERE seq = 4`))
	if err != nil {
		t.Fatal(err)
	}
	e.Action = ActionExport
	if _, err := db.Exec(`UPDATE entries SET action = ?, hash = ? WHERE seq = 4`, e.Action, chainHash(e.PrevHash, &e)); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, l)
	if got, want := rep.BrokenSeq, int64(5); got != want || !strings.Contains(rep.BrokenWhat, "prev_hash") {
		t.Fatalf("broken at %d (%s), want %d with prev_hash", got, rep.BrokenWhat, want)
	}
}

func TestVerifyFindsADeletedEntry(t *testing.T) {
	t.Parallel()
	l := mustOpen(t)
	mustAdd(t, l, 10, time.Now())
	if _, err := rawDB(t, l).Exec(`DELETE FROM entries WHERE seq = 6`); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, l)
	if got, want := rep.BrokenSeq, int64(7); got != want || !strings.Contains(rep.BrokenWhat, "entry 6 is missing") {
		t.Fatalf("broken at %d (%s), want %d, entry 6 missing", got, rep.BrokenWhat, want)
	}
}

func TestPruneKeepsTheChainVerifiable(t *testing.T) {
	t.Parallel()
	l := mustOpen(t)
	old := time.Now().AddDate(-6, 0, 0)
	mustAdd(t, l, 5, old)
	mustAdd(t, l, 5, time.Now())
	n, err := l.Prune(time.Now().AddDate(-5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, 5; got != want {
		t.Fatalf("pruned %d, want %d", got, want)
	}
	rep := mustVerify(t, l)
	if !rep.OK() || rep.AnchorSeq != 5 || rep.Entries != 5 || rep.HeadSeq != 10 {
		t.Fatalf("after prune: %+v", rep)
	}
	// New entries chain on, and pruning everything leaves the anchor to chain from.
	mustAdd(t, l, 2, time.Now())
	if _, err := l.Prune(time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, l, 1, time.Now())
	if rep := mustVerify(t, l); !rep.OK() || rep.AnchorSeq != 12 || rep.HeadSeq != 13 {
		t.Fatalf("after pruning all: %+v", rep)
	}
	// Deleting the oldest remaining entry is still found.
	if _, err := rawDB(t, l).Exec(`DELETE FROM entries WHERE seq = 13`); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, l, 1, time.Now())
	if rep := mustVerify(t, l); rep.BrokenSeq != 14 {
		t.Fatalf("after deleting 13: %+v", rep)
	}
}

func TestQueryFiltersNewestFirst(t *testing.T) {
	t.Parallel()
	l := mustOpen(t)
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	mustAdd(t, l, 9, start) // clients a, b, c, a, b, c, ...
	ctx := context.Background()
	got, err := l.Query(ctx, Filter{Client: "clienta"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Seq != 7 || got[2].Seq != 1 {
		t.Fatalf("client a: %+v", got)
	}
	page, _ := l.Query(ctx, Filter{Limit: 4})
	next, _ := l.Query(ctx, Filter{Limit: 4, Before: page[len(page)-1].Seq})
	if page[0].Seq != 9 || next[0].Seq != 5 || len(next) != 4 {
		t.Fatalf("pages: %d.. then %d..", page[0].Seq, next[0].Seq)
	}
	span, _ := l.Query(ctx, Filter{From: start.Add(2 * time.Second), To: start.Add(4 * time.Second)})
	if len(span) != 2 || span[0].Seq != 4 || span[1].Seq != 3 {
		t.Fatalf("period: %+v", span)
	}
	if none, _ := l.Query(ctx, Filter{ExcludePerson: "beg"}); len(none) != 0 {
		t.Fatalf("excluded person still listed: %d", len(none))
	}
}

func TestTouchesAggregatePerClientAndAction(t *testing.T) {
	t.Parallel()
	tc := NewTouches()
	for range 300 {
		tc.Add("c1", ActionRead, "goals", 1)
	}
	tc.Add("c1", ActionRead, "network_contacts", 2)
	tc.Add("c2", ActionRead, "goals", 1)
	tc.Add("c1", ActionUpdate, "goals", 1)
	tc.Add("", ActionRead, "goals", 1) // no client: nothing
	var none *Touches
	none.Add("c1", ActionRead, "goals", 1)
	es := tc.Entries(Entry{Person: "p"})
	if got, want := len(es), 3; got != want {
		t.Fatalf("entries %d, want %d: %+v", got, want, es)
	}
	if e := es[0]; e.Client != "c1" || e.Action != ActionRead || e.Count != 302 || e.Collections != "goals,network_contacts" || e.Person != "p" {
		t.Fatalf("first entry %+v", e)
	}
}

// TestTrickleCommitsInBatches: entries that come one at a time, a
// millisecond apart (a push, a pull: one entry each), are committed a few
// dozen to a transaction, not one each; Flush still finds them all written
// and the chain whole.
func TestTrickleCommitsInBatches(t *testing.T) {
	l := mustOpen(t)
	const n = 100
	for i := range n {
		if err := l.Add(Entry{Person: "beg", PersonCollection: "users", Role: "begeleider", PersonName: "Anouk",
			Client: fmt.Sprintf("client%d", i), Collections: "goals", Action: ActionRead, Count: 1, Path: PathSync}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	var got int
	if err := l.db.QueryRow(`SELECT count(*) FROM entries`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("entries after Flush: %d, want %d", got, n)
	}
	if c := l.commits.Load(); c > n/4 {
		t.Fatalf("%d transactions for %d entries added a millisecond apart; want at most %d", c, n, n/4)
	}
	if rep := mustVerify(t, l); !rep.OK() || rep.Entries != n {
		t.Fatalf("verify: %+v, want %d entries, intact", rep, n)
	}
}

func TestAddAfterClose(t *testing.T) {
	t.Parallel()
	l := mustOpen(t)
	mustAdd(t, l, 1, time.Now())
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Add(Entry{Client: "x"}); err != ErrClosed {
		t.Fatalf("add after close: %v", err)
	}
}

func BenchmarkAdd(b *testing.B) {
	l := mustOpen(b)
	e := Entry{Person: "beg00000000001x", PersonCollection: "users", Role: "begeleider", Collections: "goals,network_contacts", Action: ActionRead, Count: 1, Path: PathSync, Device: "phone-anouk", IP: "192.0.2.1"}
	var ru0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	i := 0
	for b.Loop() {
		i++
		e.Client = fmt.Sprintf("c%014d", (i*7919)%1000) // 1,000 clients in random order, as a pull's
		_ = l.Add(e)
	}
	if err := l.Flush(); err != nil {
		b.Fatal(err)
	}
	var ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/entry")
}
