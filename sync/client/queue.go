package client

import (
	"crypto/rand"
	"fmt"
	"maps"
)

// Mutation is a queued change, in the protocol's shape.
type Mutation struct {
	MutationID  string         `json:"mutation_id"`
	Collection  string         `json:"collection"`
	ID          string         `json:"id"`
	Op          string         `json:"op"`
	BaseVersion *int64         `json:"base_version,omitempty"`
	Data        map[string]any `json:"data,omitempty"`
	Base        map[string]any `json:"base,omitempty"`
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID makes a record id the way PocketBase does: 15 characters of a-z0-9.
// Devices make ids offline, so records created offline can point at each
// other.
func NewID() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// nextMutationID is unique per device: a per-instance nonce keeps a
// reinstalled app from reusing ids the server already has results for.
func (c *Client) nextMutationID() string {
	if c.seq == 0 {
		c.nonce = NewID()[:8]
	}
	c.seq++
	return fmt.Sprintf("%s-%s-%06d", c.DeviceID, c.nonce, c.seq)
}

// Create queues a new record and returns its id (made here if id is "").
func (c *Client) Create(collection, id string, data map[string]any) string {
	if id == "" {
		id = NewID()
	}
	c.queue = append(c.queue, Mutation{MutationID: c.nextMutationID(), Collection: collection, ID: id, Op: "create", Data: maps.Clone(data)})
	return id
}

// Update queues a change of some fields. Its base is what the device shows
// for those fields now, and the version of the server state it stands on.
func (c *Client) Update(collection, id string, data map[string]any) {
	view := c.View().Get(collection, id)
	base := map[string]any{}
	for k := range data {
		if view != nil {
			base[k] = view[k]
		}
	}
	c.queue = append(c.queue, Mutation{MutationID: c.nextMutationID(), Collection: collection, ID: id, Op: "update",
		BaseVersion: c.versionOf(collection, id), Data: maps.Clone(data), Base: base})
}

// Delete queues a delete of a record at the version the device has.
func (c *Client) Delete(collection, id string) {
	c.queue = append(c.queue, Mutation{MutationID: c.nextMutationID(), Collection: collection, ID: id, Op: "delete",
		BaseVersion: c.versionOf(collection, id)})
}

func (c *Client) versionOf(collection, id string) *int64 {
	v := int64(0)
	if r := c.store.Get(collection, id); r != nil {
		if f, ok := r["version"].(float64); ok {
			v = int64(f)
		}
	}
	return &v
}
