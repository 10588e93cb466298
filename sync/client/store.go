package client

import (
	"encoding/json"
	"maps"
	"slices"
)

// Record is a record as the server renders it: field name to JSON value.
type Record = map[string]any

// Store holds records by collection and id, as the JSON the server sent:
// like an app that keeps records as documents, it decodes one only when it
// is read. (Decoding 100k records into maps on every pull costs more than
// the server spends producing them.)
type Store struct {
	records map[string]map[string]json.RawMessage
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{records: map[string]map[string]json.RawMessage{}} }

// Get returns a record, or nil.
func (s *Store) Get(collection, id string) Record {
	raw, ok := s.records[collection][id]
	if !ok {
		return nil
	}
	var r Record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil
	}
	return r
}

// Put stores a record.
func (s *Store) Put(collection, id string, r Record) {
	raw, err := json.Marshal(r)
	if err != nil {
		return
	}
	s.PutRaw(collection, id, raw)
}

// PutRaw stores a record's JSON as it is.
func (s *Store) PutRaw(collection, id string, raw json.RawMessage) {
	if s.records[collection] == nil {
		s.records[collection] = map[string]json.RawMessage{}
	}
	s.records[collection][id] = raw
}

// Delete removes a record; removing a missing one is a no-op.
func (s *Store) Delete(collection, id string) { delete(s.records[collection], id) }

// IDs lists the ids of a collection, sorted.
func (s *Store) IDs(collection string) []string {
	return slices.Sorted(maps.Keys(s.records[collection]))
}

// Collections lists the collections holding records, sorted.
func (s *Store) Collections() []string {
	var out []string
	for c, rs := range s.records {
		if len(rs) > 0 {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// Len counts all records.
func (s *Store) Len() int {
	n := 0
	for _, rs := range s.records {
		n += len(rs)
	}
	return n
}

// clone copies the store one level deep per record.
func (s *Store) clone() *Store {
	out := NewStore()
	for c, rs := range s.records {
		out.records[c] = maps.Clone(rs) // raw JSON is never changed in place
	}
	return out
}

// View returns the store as the person sees it on the device: the server's
// records with the pending mutations applied on top, in order.
func (c *Client) View() *Store {
	v := c.store.clone()
	for _, m := range c.queue {
		switch m.Op {
		case "create":
			r := maps.Clone(m.Data)
			r["id"] = m.ID
			v.Put(m.Collection, m.ID, r)
		case "update":
			r := v.Get(m.Collection, m.ID)
			if r == nil {
				continue
			}
			maps.Copy(r, m.Data)
			v.Put(m.Collection, m.ID, r)
		case "delete":
			v.Delete(m.Collection, m.ID)
		}
	}
	return v
}
