package sync

import (
	"fmt"
	"runtime/debug"
	gosync "sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// Group commit. Every push is a write transaction, and SQLite has one
// writer: under load, pushes queue for it, and each pays a transaction of
// its own (BEGIN, the commit's WAL append of every page it touched: the
// same index and feed pages again and again). A push that arrives while
// another commits waits; the next transaction takes every push waiting
// then, each in a savepoint of its own, and commits them together. One
// push that fails (its history changed, a database error) is rolled back
// to its savepoint alone; the others commit. When the commit itself
// fails, every push of the group fails, as a lone push would.
//
// Nothing waits on purpose: a push that finds the writer free runs at
// once, alone, exactly as before. Groups form only from pushes that would
// have queued anyway, so a push's latency is never worse than its place in
// the queue. There is no goroutine of its own: the first push to find no
// group running leads, and hands the lead to a waiting push when its group
// is done.

// maxGroupMutations bounds the mutations of one group, so one transaction
// stays short (a push holds at most MaxMutations).
const maxGroupMutations = 2000

// pushGroups queues pushes for the next group commit.
type pushGroups struct {
	mu      gosync.Mutex
	queue   []*pushJob
	leading bool // a push is leading groups

	grouped atomic.Int64 // pushes committed in groups of more than one
}

// do runs j in a group commit and returns its error; j.res and j.wrote
// are filled in when it returns nil.
func (g *pushGroups) do(s *Service, j *pushJob) error {
	j.wake = make(chan bool, 1)
	g.mu.Lock()
	g.queue = append(g.queue, j)
	if g.leading {
		g.mu.Unlock()
		if lead := <-j.wake; !lead {
			return j.err
		}
	} else {
		g.leading = true
		g.mu.Unlock()
	}
	// Leading: commit groups until j's is done, then hand on the lead.
	for {
		g.mu.Lock()
		group := g.take()
		g.mu.Unlock()
		s.commitGroupSafely(group)
		if len(group) > 1 {
			g.grouped.Add(int64(len(group)))
		}
		mine := false
		for _, k := range group {
			if k == j {
				mine = true
			} else {
				k.wake <- false
			}
		}
		if mine {
			break
		}
	}
	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].wake <- true
	} else {
		g.leading = false
	}
	g.mu.Unlock()
	return j.err
}

// take removes the next group from the queue: the pushes waiting, in the
// order they came, up to maxGroupMutations (at least one push).
func (g *pushGroups) take() []*pushJob {
	n, muts := 0, 0
	for n < len(g.queue) && (n == 0 || muts+len(g.queue[n].muts) <= maxGroupMutations) {
		muts += len(g.queue[n].muts)
		n++
	}
	group := g.queue[:n:n]
	g.queue = g.queue[n:]
	return group
}

// commitGroupSafely is commitGroup that turns a panic (a bug in a hook,
// say) into an error for every push of the group: the transaction was
// rolled back, and the pushes waiting on the leader, and those queued
// after them, must not wait forever for a leader that is gone.
func (s *Service) commitGroupSafely(group []*pushJob) {
	defer func() {
		if p := recover(); p != nil {
			s.app.Logger().Error("push: panic in a group commit; its pushes failed", "pushes", len(group),
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			for _, j := range group {
				j.err = fmt.Errorf("push: panic: %v", p)
			}
		}
	}()
	s.commitGroup(group)
}

// commitGroup applies the pushes of a group in one transaction, each in a
// savepoint (a lone push needs none: its failure fails the transaction).
func (s *Service) commitGroup(group []*pushJob) {
	err := s.app.RunInTransaction(func(tx core.App) error {
		if len(group) == 1 {
			return group[0].apply(s, tx)
		}
		for _, j := range group {
			if err := exec(tx, "SAVEPOINT push"); err != nil {
				return err
			}
			if j.err = j.apply(s, tx); j.err != nil {
				if err := exec(tx, "ROLLBACK TO push"); err != nil {
					return err
				}
			}
			if err := exec(tx, "RELEASE push"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, j := range group {
			if j.err == nil {
				j.err = err
			}
		}
	}
}
