package sync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
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

// Push applies mutations in order. The whole push is one transaction and
// each mutation a savepoint inside it: a mutation that fails is rolled back
// to its savepoint (and kept as a rejection) without stopping the rest,
// and the results are stored in the same transaction as the writes, so a
// replay after a crash between commit and answer finds them (and a crash
// before the commit leaves nothing to find: the device pushes again).
func (s *Service) Push(ctx context.Context, dev *Device, raw []byte) (*PushResponse, error) {
	muts, err := decodePush(raw)
	if err != nil {
		return nil, err
	}
	res := &PushResponse{Results: make([]MutationResult, len(muts))}
	err = s.app.RunInTransaction(func(tx core.App) error {
		ids := make([]string, len(muts))
		for i, m := range muts {
			ids[i] = m.MutationID
		}
		stored, err := storedResults(tx, dev.RecordID, ids)
		if err != nil {
			return err
		}
		memo := newRuleMemo()
		if !s.noPrecheck {
			var todo []Mutation
			for _, m := range muts {
				if _, ok := stored[m.MutationID]; !ok {
					todo = append(todo, m)
				}
			}
			if memo.prechecked, err = s.precheckCreates(tx, dev, todo); err != nil {
				return err
			}
		}
		var fresh []storedMutation
		for i, m := range muts {
			if r, ok := stored[m.MutationID]; ok {
				res.Results[i] = r // a replay, or the same id twice in one push
				continue
			}
			r, err := s.applyInSavepoint(tx, dev, m, memo)
			if err != nil {
				return fmt.Errorf("mutation %s: %w", m.MutationID, err)
			}
			res.Results[i] = r
			stored[m.MutationID] = r
			fresh = append(fresh, storedMutation{m, r})
		}
		return storeResults(tx, dev, fresh)
	})
	if err != nil {
		return nil, err
	}
	s.markSeen(dev, "last_push_at")
	return res, nil
}

// applyInSavepoint applies one mutation. A rejection rolls back whatever
// the mutation wrote and keeps the mutation with its payload instead.
func (s *Service) applyInSavepoint(tx core.App, dev *Device, m Mutation, memo *ruleMemo) (MutationResult, error) {
	if err := exec(tx, "SAVEPOINT mutation"); err != nil {
		return MutationResult{}, err
	}
	r, err := s.apply(tx, dev, m, memo)
	var pe *Error
	if errors.As(err, &pe) {
		if err := exec(tx, "ROLLBACK TO mutation"); err != nil {
			return MutationResult{}, err
		}
		r, err = MutationResult{Status: StatusRejected, Error: pe}, keepRejection(tx, dev, m, pe)
	}
	if err != nil {
		return MutationResult{}, err
	}
	if r.Status != StatusRejected {
		memo.wrote(m)
	}
	r.MutationID = m.MutationID
	return r, exec(tx, "RELEASE mutation")
}

func exec(tx core.App, sql string) error {
	_, err := tx.DB().NewQuery(sql).Execute()
	return err
}

// storedMutation is a mutation with its result, to be stored.
type storedMutation struct {
	m Mutation
	r MutationResult
}

// storedResults reads the stored results of the given mutation ids of a
// device, in one query.
func storedResults(tx core.App, device string, ids []string) (map[string]MutationResult, error) {
	var rows []struct {
		ID     string `db:"mutation_id"`
		Result string `db:"result"`
	}
	err := tx.DB().NewQuery("SELECT mutation_id, result FROM sync_mutations WHERE device = {:d} AND mutation_id IN (SELECT value FROM json_each({:ids}))").
		Bind(dbx.Params{"d": device, "ids": mustJSON(ids)}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("read stored results: %w", err)
	}
	out := make(map[string]MutationResult, len(rows))
	for _, row := range rows {
		var r MutationResult
		if err := json.Unmarshal([]byte(row.Result), &r); err != nil {
			return nil, fmt.Errorf("decode stored result: %w", err)
		}
		out[row.ID] = r
	}
	return out, nil
}

// storeResults stores results in few statements (one per 100).
func storeResults(tx core.App, dev *Device, list []storedMutation) error {
	at := time.Now().Unix()
	for len(list) > 0 {
		n := min(len(list), 100)
		params := dbx.Params{"d": dev.RecordID, "at": at}
		values := make([]string, n)
		for i, sm := range list[:n] {
			r := sm.r
			if r.Status != StatusRejected {
				r.Record = nil // the state at the time is not worth keeping; version is
			}
			raw, err := json.Marshal(r)
			if err != nil {
				return err
			}
			params[fmt.Sprintf("m%d", i)] = sm.m.MutationID
			params[fmt.Sprintf("r%d", i)] = string(raw)
			values[i] = fmt.Sprintf("({:d}, {:m%d}, {:r%d}, {:at})", i, i)
		}
		_, err := tx.DB().NewQuery("INSERT INTO sync_mutations (device, mutation_id, result, at) VALUES " + strings.Join(values, ", ")).
			Bind(params).Execute()
		if err != nil {
			return fmt.Errorf("store results: %w", err)
		}
		list = list[n:]
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
