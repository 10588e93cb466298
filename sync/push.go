package sync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// Mutation is one change a device pushes.
type Mutation struct {
	MutationID  string         `json:"mutation_id"`
	Collection  string         `json:"collection"`
	ID          string         `json:"id"`
	Op          string         `json:"op"`
	BaseVersion *int64         `json:"base_version"`
	Data        map[string]any `json:"data"`
	Base        map[string]any `json:"base"`

	invalid *Error // a field of the wrong type: the mutation is rejected with this
}

// MutationResult is the outcome of one mutation, as stored for replays and
// sent to the device.
type MutationResult struct {
	MutationID string          `json:"mutation_id"`
	Status     string          `json:"status"` // applied, conflict, rejected
	Version    int64           `json:"version,omitempty"`
	Record     json.RawMessage `json:"record,omitempty"`
	Conflict   *ConflictInfo   `json:"conflict,omitempty"`
	Error      *Error          `json:"error,omitempty"`
}

// ConflictInfo names the fields that met a concurrent change.
type ConflictInfo struct {
	Fields []string `json:"fields"`
}

// PushResponse is the answer to a push.
type PushResponse struct {
	Results []MutationResult `json:"results"`
}

const (
	StatusApplied  = "applied"
	StatusConflict = "conflict"
	StatusRejected = "rejected"
)

var (
	recordIDPattern   = regexp.MustCompile(`^[a-z0-9]{15}$`)
	mutationIDPattern = regexp.MustCompile(`^[\x21-\x7e]{1,100}$`)
)

// decodePush parses a push body. Whole-request problems (not JSON, too
// large, too many mutations, a mutation without a usable mutation_id) fail
// the request; everything else is judged per mutation.
func decodePush(raw []byte) ([]Mutation, error) {
	if len(raw) > MaxPushBytes {
		return nil, Errorf(CodePayloadTooLarge, "A push may be at most %d bytes: split it.", MaxPushBytes).
			WithData(map[string]any{"max_bytes": MaxPushBytes})
	}
	var body struct {
		Mutations []json.RawMessage `json:"mutations"`
	}
	// Unmarshal, not a Decoder: a second JSON value after the first (two
	// pushes glued together) must be refused, not silently dropped.
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, Errorf(CodeInvalidRequest, "The push body is not valid JSON of the form {\"mutations\": [...]}.").
			WithData(map[string]any{"mutations": "not a JSON array of mutations"})
	}
	if body.Mutations == nil {
		return nil, Errorf(CodeInvalidRequest, "The push has no mutations array.").WithData(map[string]any{"mutations": "required"})
	}
	if len(body.Mutations) > MaxMutations {
		return nil, Errorf(CodePayloadTooLarge, "A push may hold at most %d mutations: split it.", MaxMutations).
			WithData(map[string]any{"max_mutations": MaxMutations})
	}
	out := make([]Mutation, len(body.Mutations))
	for i, rawM := range body.Mutations {
		var idOnly struct {
			MutationID any `json:"mutation_id"`
		}
		_ = json.Unmarshal(rawM, &idOnly)
		id, _ := idOnly.MutationID.(string)
		if !mutationIDPattern.MatchString(id) {
			return nil, Errorf(CodeInvalidRequest, "Mutation %d has no valid mutation_id (1 to 100 printable characters).", i).
				WithData(map[string]any{fmt.Sprintf("mutations.%d.mutation_id", i): "required"})
		}
		if err := json.Unmarshal(rawM, &out[i]); err != nil {
			// Judged (rejected) per mutation, naming the field at fault.
			// Unmarshal fills in what it can, so the kept rejection shows
			// the rest of the mutation too.
			field := "mutation"
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				field = te.Field
			}
			out[i].invalid = Errorf(CodeInvalidRequest, "The mutation's %s has the wrong type.", field).
				WithData(map[string]any{field: "wrong type"})
		}
		out[i].MutationID = id
	}
	return out, nil
}

// Push applies mutations in order, each in its own transaction together
// with its stored result, so a replay after a crash between commit and
// answer finds the result. A mutation that fails does not stop the rest.
func (s *Service) Push(ctx context.Context, dev *Device, raw []byte) (*PushResponse, error) {
	muts, err := decodePush(raw)
	if err != nil {
		return nil, err
	}
	res := &PushResponse{Results: make([]MutationResult, 0, len(muts))}
	for _, m := range muts {
		r, err := s.pushOne(ctx, dev, m)
		if err != nil {
			return nil, fmt.Errorf("mutation %s: %w", m.MutationID, err)
		}
		res.Results = append(res.Results, r)
	}
	s.markSeen(dev, "last_push_at")
	return res, nil
}

// errRollback rolls back a mutation's transaction without failing the push.
var errRollback = errors.New("rollback")

// pushOne applies one mutation, or returns its stored result.
func (s *Service) pushOne(ctx context.Context, dev *Device, m Mutation) (MutationResult, error) {
	var result MutationResult
	replayed := false
	err := s.app.RunInTransaction(func(tx core.App) error {
		stored, err := storedResult(tx, dev.ID, m.MutationID)
		if err != nil {
			return err
		}
		if stored != nil {
			result, replayed = *stored, true
			return nil
		}
		result, err = s.apply(tx, dev, m)
		var pe *Error
		if errors.As(err, &pe) {
			result = MutationResult{Status: StatusRejected, Error: pe}
			return errRollback // whatever the failed write touched goes
		}
		if err != nil {
			return err
		}
		result.MutationID = m.MutationID
		return storeResult(tx, dev, m, result)
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil || replayed || result.Status != StatusRejected {
		return result, err
	}
	// Keep the rejection, and its payload, in a transaction of its own.
	result.MutationID = m.MutationID
	err = s.app.RunInTransaction(func(tx core.App) error {
		if stored, err := storedResult(tx, dev.ID, m.MutationID); err != nil || stored != nil {
			return err
		}
		if err := storeResult(tx, dev, m, result); err != nil {
			return err
		}
		return keepRejection(tx, dev, m, result.Error)
	})
	return result, err
}

func storedResult(tx core.App, device, mutationID string) (*MutationResult, error) {
	var raw string
	err := tx.DB().NewQuery("SELECT result FROM sync_mutations WHERE device = {:d} AND mutation_id = {:m}").
		Bind(dbx.Params{"d": device, "m": mutationID}).Row(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read stored result: %w", err)
	}
	var r MutationResult
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return nil, fmt.Errorf("decode stored result: %w", err)
	}
	return &r, nil
}

func storeResult(tx core.App, dev *Device, m Mutation, r MutationResult) error {
	if r.Status != StatusRejected {
		r.Record = nil // the state at the time is not worth keeping; version is
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = tx.DB().NewQuery("INSERT INTO sync_mutations (device, mutation_id, result, at) VALUES ({:d}, {:m}, {:r}, {:at})").
		Bind(dbx.Params{"d": dev.ID, "m": m.MutationID, "r": string(raw), "at": time.Now().Unix()}).Execute()
	if err != nil {
		return fmt.Errorf("store result: %w", err)
	}
	return nil
}

// keepRejection saves a rejected mutation with its payload where a
// coordinator (and the person) can see it.
func keepRejection(tx core.App, dev *Device, m Mutation, e *Error) error {
	col, err := tx.FindCachedCollectionByNameOrId(schema.SyncRejections)
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Set("device_id", dev.ID)
	r.Set("mutation_id", m.MutationID)
	r.Set("person_collection", dev.Principal.Collection)
	r.Set("person", dev.Principal.ID)
	r.Set("collection", truncate(m.Collection, 50))
	r.Set("record", truncate(m.ID, 50))
	r.Set("op", truncate(m.Op, 10))
	r.Set("payload", m)
	r.Set("error", e)
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("keep rejection: %w", err)
	}
	return nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
