package accesslog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// genesis is the prev_hash of the first entry ever written.
const genesis = ""

// canonical is the bytes of an entry the chain hashes: a JSON array of
// every column but the hashes, in a fixed order, the time in microseconds.
// Changing it breaks every stored chain: never change it, add a version.
func canonical(e *Entry) []byte {
	b, err := json.Marshal([]any{
		e.Seq, e.At.UnixMicro(), e.Person, e.PersonCollection, e.Role, e.PersonName, e.OnBehalfOf,
		e.Client, e.Collections, e.Action, e.Count, e.Device, e.IP, e.Path,
	})
	if err != nil {
		panic(err) // strings and integers always marshal
	}
	return b
}

// chainHash is sha256(prev || canonical(e)), in hex.
func chainHash(prev string, e *Entry) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(canonical(e))
	return hex.EncodeToString(h.Sum(nil))
}

// Report is what Verify found.
type Report struct {
	Entries    int    // entries checked
	AnchorSeq  int64  // last pruned entry (0: nothing pruned)
	HeadSeq    int64  // last entry
	HeadHash   string // its hash: note it down to detect a rewrite of the whole chain later
	BrokenSeq  int64  // first broken entry; 0 when the chain holds
	BrokenWhat string // what is wrong with it
}

// OK reports whether the chain holds.
func (r *Report) OK() bool { return r.BrokenSeq == 0 }

// Verify walks the chain of the log file at path, in one read
// transaction (a running server may keep writing), and reports the first
// entry that breaks it: a missing entry (a gap in the numbers), an entry
// whose content no longer matches its hash, or one whose prev_hash is not
// the hash of the entry before it. An error means the file could not be
// read, not that the chain is broken.
func Verify(ctx context.Context, path string) (*Report, error) {
	db, err := openDB(path, true, 4)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return verifyDB(ctx, db)
}

func verifyDB(ctx context.Context, db *sql.DB) (*Report, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer tx.Rollback()
	rep := &Report{}
	prev := genesis
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM anchor WHERE id = 1`).Scan(&rep.AnchorSeq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("verify: read anchor: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM entries ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer rows.Close()
	want := rep.AnchorSeq + 1
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		rep.Entries++
		switch {
		case e.Seq < want:
			rep.BrokenSeq, rep.BrokenWhat = e.Seq, fmt.Sprintf("entry %d is numbered before the chain's anchor or a previous entry (inserted?)", e.Seq)
		case e.Seq > want && want == e.Seq-1:
			rep.BrokenSeq, rep.BrokenWhat = e.Seq, fmt.Sprintf("entry %d is missing (deleted)", want)
		case e.Seq > want:
			rep.BrokenSeq, rep.BrokenWhat = e.Seq, fmt.Sprintf("entries %d to %d are missing (deleted)", want, e.Seq-1)
		case e.PrevHash != prev:
			rep.BrokenSeq, rep.BrokenWhat = e.Seq, fmt.Sprintf("entry %d: prev_hash %.12s… is not the hash of the entry before it (%.12s…): that one was changed, or this one replaced", e.Seq, e.PrevHash, prev)
		case chainHash(prev, &e) != e.Hash:
			rep.BrokenSeq, rep.BrokenWhat = e.Seq, fmt.Sprintf("entry %d: its content does not match its hash (changed after it was written)", e.Seq)
		}
		if rep.BrokenSeq != 0 {
			return rep, nil
		}
		prev, want = e.Hash, e.Seq+1
		rep.HeadSeq, rep.HeadHash = e.Seq, e.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if rep.Entries == 0 {
		rep.HeadSeq, rep.HeadHash = rep.AnchorSeq, prev
	}
	return rep, nil
}
