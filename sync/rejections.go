package sync

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// A rejected mutation is kept with its payload in sync_rejections, so that
// nothing a person typed vanishes. What a refusal may store is bounded, so
// that a phone (or someone with its token) cannot fill the database with
// refused pushes: a payload is kept whole up to MaxKeptPayload, and a person
// keeps at most RejectionQuota payload bytes a day. Past either bound the
// rejection is still kept, with its size and the start of its payload.
const (
	MaxKeptPayload = 256 << 10
	RejectionQuota = 4 << 20
	keptHead       = 4 << 10
)

// keepRejection saves a rejected mutation where a coordinator (and the
// person) can see it.
func (s *Service) keepRejection(tx core.App, dev *Device, m Mutation, e *apierr.Error) error {
	col, err := tx.FindCachedCollectionByNameOrId(schema.SyncRejections)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode rejected payload: %w", err)
	}
	if len(payload) > MaxKeptPayload {
		payload = cutPayload(payload, "larger than the server keeps")
	} else if used, err := rejectedToday(tx, dev); err != nil {
		return err
	} else if used+len(payload) > RejectionQuota {
		payload = cutPayload(payload, "over today's allowance of refused changes for this person")
	}
	r := core.NewRecord(col)
	r.Set("device_id", dev.ID)
	r.Set("mutation_id", m.MutationID)
	r.Set("person_collection", dev.Principal.Collection)
	r.Set("person", dev.Principal.ID)
	r.Set("collection", truncate(m.Collection, 50))
	r.Set("record", truncate(m.ID, 50))
	r.Set("op", truncate(m.Op, 10))
	r.Set("payload", json.RawMessage(payload))
	r.Set("error", e)
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("keep rejection: %w", err)
	}
	return nil
}

// keepRejectionOnce keeps a rejection unless the device's same mutation,
// with the same content, is kept already (a reused mutation_id sent again).
func (s *Service) keepRejectionOnce(tx core.App, dev *Device, m Mutation, e *apierr.Error) error {
	payload, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode rejected payload: %w", err)
	}
	var n int
	err = tx.DB().Select("count(*)").From(schema.SyncRejections).
		Where(dbx.HashExp{"device_id": dev.ID, "mutation_id": m.MutationID, "payload": string(payload)}).Row(&n)
	if err != nil {
		return fmt.Errorf("find rejection: %w", err)
	}
	if n > 0 {
		return nil
	}
	return s.keepRejection(tx, dev, m, e)
}

// cutPayload keeps the start of a payload too large to keep whole.
func cutPayload(payload []byte, why string) []byte {
	cut, _ := json.Marshal(map[string]any{
		"cut": why, "bytes": len(payload), "head": truncate(string(payload), keptHead),
	})
	return cut
}

// rejectedToday is how many payload bytes the device's person had kept as
// rejections in the last 24 hours.
func rejectedToday(tx core.App, dev *Device) (int, error) {
	var n int
	since, _ := types.ParseDateTime(time.Now().Add(-24 * time.Hour).UTC())
	err := tx.DB().Select("COALESCE(SUM(LENGTH(payload)), 0)").From(schema.SyncRejections).
		Where(dbx.HashExp{"person": dev.Principal.ID, "person_collection": dev.Principal.Collection}).
		AndWhere(dbx.NewExp("created > {:since}", dbx.Params{"since": since.String()})).
		Row(&n)
	if err != nil {
		return 0, fmt.Errorf("count rejections: %w", err)
	}
	return n, nil
}

// boundError keeps a refusal's error small enough to store and to send:
// field names and messages can come from the push itself (an unknown field
// named with a megabyte of text).
func boundError(e *apierr.Error) *apierr.Error {
	out := *e
	out.Message = truncate(e.Message, 500)
	out.Data = make(map[string]any, min(len(e.Data), 50))
	for k, v := range e.Data {
		if len(out.Data) == 50 {
			out.Data["…"] = "more fields"
			break
		}
		if s, ok := v.(string); ok {
			v = truncate(s, 500)
		}
		out.Data[truncate(k, 100)] = v
	}
	return &out
}
