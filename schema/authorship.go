package schema

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"
)

// Authorship records, per field of a synced record, who wrote its current
// value, when, and on which device: field -> [author, RFC 3339 time,
// device] (device is "" for writes not made by a sync push). The key "*" holds the
// record's creator; a field without an entry of its own was last written
// by them. The hooks maintain it on every write by any path; the conflict
// policy reads it to let a client's own value win over a staff edit.
type Authorship map[string][3]string

// ReadAuthorship decodes the hidden authorship field of a record; a missing
// or damaged value reads as empty (every field then counts as written by
// the system).
func ReadAuthorship(r *core.Record) Authorship {
	a := Authorship{}
	switch v := r.GetRaw(FieldAuthorship).(type) {
	case string:
		_ = json.Unmarshal([]byte(v), &a)
	case []byte:
		_ = json.Unmarshal(v, &a)
	default:
		if raw, err := json.Marshal(v); err == nil {
			_ = json.Unmarshal(raw, &a)
		}
	}
	return a
}

// Of returns who wrote the field's current value and when.
func (a Authorship) Of(field string) (author, at string) {
	v := a.Entry(field)
	return v[0], v[1]
}

// Entry returns the field's whole entry: author, time, device.
func (a Authorship) Entry(field string) [3]string {
	if v, ok := a[field]; ok {
		return v
	}
	if v, ok := a["*"]; ok {
		return v
	}
	return [3]string{AuthorSystem, "", ""}
}
