package client

import (
	"context"
	"time"
)

// A restored server may lack writes it acknowledged before the disk died
// (those its backup had not yet received). The client keeps every
// acknowledged mutation for the replay window the server advertises, and
// remembers the server's history (the feed's epoch). When an answer names
// another history, the server was restored: the kept mutations go back to
// the front of the queue, in their order, and are pushed again. The
// server answers those it still has from their stored results and applies
// the others. See docs/sync-protocol.md, "After a restore".

// kept is an acknowledged mutation held for a replay.
type kept struct {
	m     Mutation
	until time.Time
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// History returns the server history the client last saw ("" before the
// first answer).
func (c *Client) History() string { return c.history }

// Kept returns the acknowledged mutations held for a replay after a
// restore, oldest first.
func (c *Client) Kept() []Mutation {
	c.prune()
	out := make([]Mutation, len(c.kept))
	for i, k := range c.kept {
		out[i] = k.m
	}
	return out
}

// keep holds an acknowledged mutation for the replay window.
func (c *Client) keep(m Mutation) {
	if c.replayWindow <= 0 {
		return
	}
	c.kept = append(c.kept, kept{m: m, until: c.now().Add(c.replayWindow)})
}

func (c *Client) prune() {
	now := c.now()
	rest := c.kept[:0]
	for _, k := range c.kept {
		if k.until.After(now) {
			rest = append(rest, k)
		}
	}
	c.kept = rest
}

// noteHistory takes the history and replay window of an answer. A history
// other than the one known means a restore: the kept mutations are queued
// again, before the pending ones. Reports whether that happened.
func (c *Client) noteHistory(history string, windowSeconds int64) bool {
	if windowSeconds > 0 {
		c.replayWindow = time.Duration(windowSeconds) * time.Second
	}
	if history == "" {
		return false
	}
	restored := c.history != "" && history != c.history
	c.history = history
	if !restored {
		return false
	}
	c.prune()
	if len(c.kept) > 0 {
		again := make([]Mutation, 0, len(c.kept)+len(c.queue))
		for _, k := range c.kept {
			again = append(again, k.m)
		}
		c.queue = append(again, c.queue...)
		c.Replayed += len(c.kept)
		c.kept = nil
	}
	return true
}

// restarted handles a push refused because the server's history changed:
// it pulls from scratch, which shows the new history and queues the kept
// mutations again.
func (c *Client) restarted(ctx context.Context) error {
	before := c.history
	c.cursor = ""
	if err := c.Pull(ctx); err != nil {
		return err
	}
	if c.history == before {
		return &Error{Code: "no_progress", Message: "the server refused the push's history but pulls in the same one"}
	}
	return nil
}
