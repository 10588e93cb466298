package client

import (
	"context"
	"encoding/json"
	"net/url"
)

// Change is one entry of a pull page.
type Change struct {
	Collection string          `json:"collection"`
	ID         string          `json:"id"`
	Op         string          `json:"op"`
	Version    int64           `json:"version"`
	Record     json.RawMessage `json:"record"`
}

// Page is a pull response.
type Page struct {
	Changes []Change `json:"changes"`
	Cursor  string   `json:"cursor"`
	HasMore bool     `json:"has_more"`
	Reset   bool     `json:"reset"`

	History             string `json:"history"`
	ReplayWindowSeconds int64  `json:"replay_window_seconds"`
}

// Pull follows pages until has_more is false. A reset drops every synced
// record (never the pending mutations); an expired cursor starts over.
func (c *Client) Pull(ctx context.Context) error {
	for {
		p, err := c.PullPage(ctx)
		if IsCode(err, "cursor_expired") {
			c.cursor = ""
			continue
		}
		if err != nil {
			return err
		}
		if !p.HasMore {
			return nil
		}
	}
}

// PullPage fetches and applies one page.
func (c *Client) PullPage(ctx context.Context) (*Page, error) {
	q := url.Values{}
	if c.cursor != "" {
		q.Set("cursor", c.cursor)
	}
	if c.PullLimit > 0 {
		q.Set("limit", itoa(c.PullLimit))
	}
	path := "/api/sync/v1/pull"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var p Page
	if err := c.call(ctx, "GET", path, nil, &p); err != nil {
		return nil, err
	}
	c.apply(&p)
	return &p, nil
}

func (c *Client) apply(p *Page) {
	if c.Discard {
		c.cursor = p.Cursor
		return
	}
	if p.Reset {
		c.store = NewStore()
	}
	for _, ch := range p.Changes {
		switch ch.Op {
		case "upsert":
			c.store.PutRaw(ch.Collection, ch.ID, ch.Record)
		case "delete":
			c.store.Delete(ch.Collection, ch.ID)
		}
	}
	c.cursor = p.Cursor
	c.noteHistory(p.History, p.ReplayWindowSeconds)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
