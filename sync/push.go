package sync

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/reqid"
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

	invalid *apierr.Error // a field of the wrong type: the mutation is rejected with this
}

// MutationResult is the outcome of one mutation, as stored for replays and
// sent to the device.
type MutationResult struct {
	MutationID string          `json:"mutation_id"`
	Status     string          `json:"status"` // applied, conflict, rejected
	Version    int64           `json:"version,omitempty"`
	Record     json.RawMessage `json:"record,omitempty"`
	Conflict   *ConflictInfo   `json:"conflict,omitempty"`
	Error      *apierr.Error   `json:"error,omitempty"`
}

// ConflictInfo names the fields that met a concurrent change.
type ConflictInfo struct {
	Fields []string `json:"fields"`
}

// PushResponse is the answer to a push.
type PushResponse struct {
	Results             []MutationResult `json:"results"`
	History             string           `json:"history"`               // the feed's epoch (replay.go)
	ReplayWindowSeconds int64            `json:"replay_window_seconds"` // how long to keep acknowledged mutations
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
		return nil, apierr.Errorf(apierr.CodePayloadTooLarge, "A push may be at most %d bytes: split it.", MaxPushBytes).
			WithData(map[string]any{"max_bytes": MaxPushBytes})
	}
	var body struct {
		Mutations []json.RawMessage `json:"mutations"`
	}
	// Unmarshal, not a Decoder: a second JSON value after the first (two
	// pushes glued together) must be refused, not silently dropped.
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, apierr.Errorf(apierr.CodeInvalidRequest, "The push body is not valid JSON of the form {\"mutations\": [...]}.").
			WithData(map[string]any{"mutations": "not a JSON array of mutations"})
	}
	if body.Mutations == nil {
		return nil, apierr.Errorf(apierr.CodeInvalidRequest, "The push has no mutations array.").WithData(map[string]any{"mutations": "required"})
	}
	if len(body.Mutations) > MaxMutations {
		return nil, apierr.Errorf(apierr.CodePayloadTooLarge, "A push may hold at most %d mutations: split it.", MaxMutations).
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
			return nil, apierr.Errorf(apierr.CodeInvalidRequest, "Mutation %d has no valid mutation_id (1 to 100 printable characters).", i).
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
			out[i].invalid = apierr.Errorf(apierr.CodeInvalidRequest, "The mutation's %s has the wrong type.", field).
				WithData(map[string]any{field: "wrong type"})
		}
		out[i].MutationID = id
	}
	return out, nil
}

// Push applies mutations in order. The whole push is one transaction and
// each mutation a savepoint inside it: a mutation that fails, for whatever
// reason, is rolled back to its savepoint and answered rejected (and kept
// with its payload) without stopping the rest, and the results are stored
// in the same transaction as the writes, so a replay after a crash between
// commit and answer finds them (and a crash before the commit leaves
// nothing to find: the device pushes again). Only a failure of the
// transaction itself fails the push.
func (s *Service) Push(ctx context.Context, dev *Device, raw []byte) (*PushResponse, error) {
	return s.PushTouched(ctx, dev, raw, nil)
}

// PushTouched is Push that, with touched set, also counts per client the
// records the push created, updated and deleted, for the access log
// (push_touched.go). Only committed writes are counted; replays are not.
func (s *Service) PushTouched(ctx context.Context, dev *Device, raw []byte, touched *accesslog.Touches) (*PushResponse, error) {
	muts, err := decodePush(raw)
	if err != nil {
		return nil, err
	}
	j := &pushJob{
		dev:     dev,
		muts:    muts,
		madeIn:  pushHistory(raw),
		touched: touched != nil,
		log:     reqid.Logger(ctx, s.app.Logger()), // names the request in every line
		res:     &PushResponse{Results: make([]MutationResult, len(muts)), ReplayWindowSeconds: s.replayWindow()},
	}
	if err := s.pushes.do(s, j); err != nil {
		return nil, err
	}
	touched.Merge(j.wrote)
	s.markSeen(dev, "last_push_at")
	return j.res, nil
}

// pushJob is one push waiting for, or done by, a group commit
// (push_group.go): what it asks, and what it answered.
type pushJob struct {
	dev     *Device
	muts    []Mutation
	madeIn  string // the history the device's mutations were made in
	touched bool   // count the clients written, for the access log
	log     *slog.Logger

	res   *PushResponse
	wrote *accesslog.Touches
	err   error
	wake  chan bool // true: lead the next group; false: done
}

// apply runs one push inside tx (the group's transaction). An error
// leaves the push's writes to be rolled back by the caller.
func (j *pushJob) apply(s *Service, tx core.App) error {
	var err error
	res, muts, dev := j.res, j.muts, j.dev
	if res.History, err = history(tx.DB()); err != nil {
		return err
	}
	if j.madeIn != "" && j.madeIn != res.History {
		return errHistoryChanged()
	}
	var before map[recordKey][]string
	if j.touched {
		if before, err = clientsOfTargets(tx, muts, false); err != nil {
			return err
		}
	}
	ids := make([]string, len(muts))
	for i, m := range muts {
		ids[i] = m.MutationID
	}
	stored, err := storedResults(tx, dev.RecordID, ids)
	if err != nil {
		return err
	}
	runs := newCreateRuns(tx, dev.Person, muts)
	if s.noPrecheck {
		runs.judged = len(muts) // every create judged one by one
	}
	var fresh []storedMutation
	for i, m := range muts {
		sum := m.digest()
		if st, ok := stored[m.MutationID]; ok {
			// A replay, or the same id twice in one push: the stored
			// answer, unless the content differs (an app bug).
			if st.digest != "" && st.digest != sum {
				if res.Results[i], err = s.refuseReused(tx, j.log, dev, m); err != nil {
					return err
				}
				continue
			}
			res.Results[i] = st.result
			continue
		}
		r, err := s.applyInSavepoint(tx, j.log, dev, m, i, runs)
		if err != nil {
			return fmt.Errorf("mutation %s: %w", m.MutationID, err)
		}
		res.Results[i] = r
		stored[m.MutationID] = storedResult{r, sum}
		fresh = append(fresh, storedMutation{m, r, sum})
	}
	if err := storeResults(tx, dev, fresh); err != nil {
		return err
	}
	if j.touched {
		j.wrote, err = touchesOf(tx, fresh, before)
	}
	return err
}

// applyInSavepoint applies the i-th mutation of a push. Any failure rolls
// back whatever the mutation wrote and answers rejected, keeping the
// mutation with its payload; an error is returned only when the savepoint
// itself fails (the transaction is lost).
func (s *Service) applyInSavepoint(tx core.App, log *slog.Logger, dev *Device, m Mutation, i int, runs *createRuns) (MutationResult, error) {
	if err := exec(tx, "SAVEPOINT mutation"); err != nil {
		return MutationResult{}, err
	}
	r, err := s.apply(tx, dev, m, i, runs)
	if err != nil {
		pe, internal := apierr.AsError(err)
		if internal {
			log.Error("push: mutation failed", "device", dev.ID, "mutation", m.MutationID,
				"collection", truncate(m.Collection, 50), "op", truncate(m.Op, 10), "error", err.Error())
			pe = apierr.Errorf(apierr.CodeInternal, "The server could not apply this change. It is kept; a coordinator can see it.")
		}
		if err := exec(tx, "ROLLBACK TO mutation"); err != nil {
			return MutationResult{}, err
		}
		pe = boundError(pe)
		if err := s.keepRejection(tx, dev, m, pe); err != nil {
			log.Error("push: keep rejection", "device", dev.ID, "mutation", m.MutationID, "error", err.Error())
			if err := exec(tx, "ROLLBACK TO mutation"); err != nil {
				return MutationResult{}, err
			}
		}
		r = MutationResult{Status: StatusRejected, Error: pe}
	}
	r.MutationID = m.MutationID
	return r, exec(tx, "RELEASE mutation")
}

// refuseReused answers a mutation whose id this device already used for
// other content: rejected, with the new content kept, and the id's stored
// result left as it was.
func (s *Service) refuseReused(tx core.App, log *slog.Logger, dev *Device, m Mutation) (MutationResult, error) {
	pe := apierr.Errorf(apierr.CodeMutationReused, "This mutation_id was already used for a different change. The change is kept; give every change its own mutation_id.").
		WithData(map[string]any{"mutation_id": "already used for a different change"})
	if err := exec(tx, "SAVEPOINT mutation"); err != nil {
		return MutationResult{}, err
	}
	if err := s.keepRejectionOnce(tx, dev, m, pe); err != nil {
		log.Error("push: keep rejection", "device", dev.ID, "mutation", m.MutationID, "error", err.Error())
		if err := exec(tx, "ROLLBACK TO mutation"); err != nil {
			return MutationResult{}, err
		}
	}
	return MutationResult{MutationID: m.MutationID, Status: StatusRejected, Error: pe}, exec(tx, "RELEASE mutation")
}

func exec(tx core.App, sql string) error {
	_, err := tx.DB().NewQuery(sql).Execute()
	return err
}

// digest fingerprints what a mutation asks, so a mutation_id reused for
// other content is told apart from a replay.
func (m Mutation) digest() string {
	raw, err := json.Marshal(struct {
		C    string         `json:"c"`
		ID   string         `json:"i"`
		Op   string         `json:"o"`
		BV   *int64         `json:"v"`
		Data map[string]any `json:"d"`
		Base map[string]any `json:"b"`
	}{m.Collection, m.ID, m.Op, m.BaseVersion, m.Data, m.Base})
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}

// storedResult is a stored result and the digest of its mutation.
type storedResult struct {
	result MutationResult
	digest string
}

// storedMutation is a mutation with its result, to be stored.
type storedMutation struct {
	m      Mutation
	r      MutationResult
	digest string
}

// storedResults reads the stored results of the given mutation ids of a
// device, in one query.
func storedResults(tx core.App, device string, ids []string) (map[string]storedResult, error) {
	var rows []struct {
		ID     string `db:"mutation_id"`
		Result string `db:"result"`
		Digest string `db:"digest"`
	}
	err := tx.DB().NewQuery("SELECT mutation_id, result, digest FROM sync_mutations WHERE device = {:d} AND mutation_id IN (SELECT value FROM json_each({:ids}))").
		Bind(dbx.Params{"d": device, "ids": mustJSON(ids)}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("read stored results: %w", err)
	}
	out := make(map[string]storedResult, len(rows))
	for _, row := range rows {
		var r MutationResult
		if err := json.Unmarshal([]byte(row.Result), &r); err != nil {
			return nil, fmt.Errorf("decode stored result: %w", err)
		}
		out[row.ID] = storedResult{r, row.Digest}
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
			params[fmt.Sprintf("h%d", i)] = sm.digest
			values[i] = fmt.Sprintf("({:d}, {:m%d}, {:r%d}, {:h%d}, {:at})", i, i, i)
		}
		_, err := tx.DB().NewQuery("INSERT INTO sync_mutations (device, mutation_id, result, digest, at) VALUES " + strings.Join(values, ", ")).
			Bind(params).Execute()
		if err != nil {
			return fmt.Errorf("store results: %w", err)
		}
		list = list[n:]
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
