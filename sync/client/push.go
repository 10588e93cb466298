package client

import (
	"context"
	"encoding/json"
	"maps"
)

// Result is one push result.
type Result struct {
	MutationID string          `json:"mutation_id"`
	Status     string          `json:"status"`
	Version    int64           `json:"version"`
	Record     json.RawMessage `json:"record"` // kept as JSON, as pulled records are
	Conflict   json.RawMessage `json:"conflict"`
	Error      *Error          `json:"error"`
}

// BatchSize is how many mutations go in one push (the server takes 500).
var BatchSize = 500

// Push sends the pending mutations in order, in batches. Every answered
// mutation leaves the queue: applied and conflict ones are now the
// server's (their state arrives by pull), rejected ones move to Rejected.
// A batch that fails in transport is retried as a whole: the server
// answers replayed mutations from their stored results. Acknowledged
// mutations are kept for the replay window (replay.go); a push refused
// because the server was restored pulls afresh, queues the kept ones
// again and goes on.
func (c *Client) Push(ctx context.Context) error {
	for len(c.queue) > 0 {
		n := min(len(c.queue), BatchSize)
		batch := c.queue[:n]
		var res struct {
			Results             []Result `json:"results"`
			History             string   `json:"history"`
			ReplayWindowSeconds int64    `json:"replay_window_seconds"`
		}
		body := map[string]any{"mutations": batch}
		if c.history != "" {
			body["history"] = c.history // refused if the server was restored since
		}
		err := c.call(ctx, "POST", "/api/sync/v1/push", body, &res)
		if IsCode(err, "cursor_expired") {
			if err := c.restarted(ctx); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		c.noteHistory(res.History, res.ReplayWindowSeconds)
		done := map[string]Result{}
		for _, r := range res.Results {
			done[r.MutationID] = r
		}
		var rest []Mutation
		for _, m := range c.queue[:n] {
			r, ok := done[m.MutationID]
			if ok && c.OnResult != nil {
				c.OnResult(m, r)
			}
			switch {
			case !ok:
				rest = append(rest, m)
			case r.Status == "rejected":
				c.Rejected = append(c.Rejected, Rejection{Mutation: m, Error: r.Error})
			case r.Status == "conflict":
				c.Conflicts++
				c.keep(m)
				if len(r.Record) > 0 && string(r.Record) != "null" {
					c.store.PutRaw(m.Collection, m.ID, r.Record)
				}
			case r.Status == "applied":
				c.applied(m, r)
				c.keep(m)
			}
		}
		c.queue = append(rest, c.queue[n:]...)
		if len(rest) == n {
			return &Error{Code: "no_progress", Message: "the server answered none of the pushed mutations"}
		}
	}
	return nil
}

// applied folds an accepted mutation into the store, as the server now
// has it, so the next edit's base is what the device last wrote (not what
// it last pulled). The full record follows with the next pull.
func (c *Client) applied(m Mutation, r Result) {
	switch m.Op {
	case "delete":
		c.store.Delete(m.Collection, m.ID)
	case "create", "update":
		rec := c.store.Get(m.Collection, m.ID)
		if rec == nil {
			if m.Op == "update" {
				return
			}
			rec = Record{"id": m.ID}
		}
		maps.Copy(rec, m.Data)
		rec["version"] = float64(r.Version)
		c.store.Put(m.Collection, m.ID, rec)
	}
}
