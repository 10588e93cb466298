package accesslog

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Filter selects entries; zero fields select everything.
type Filter struct {
	Client        string
	Person        string
	ExcludePerson string    // leave out this person's own accesses (a client's view of who looked)
	From, To      time.Time // inclusive, exclusive
	Before        int64     // keyset: only entries with a smaller seq (0: from the newest)
	Limit         int       // 0: 100; at most 1000
}

// Query returns entries newest first. Page on by passing the last seq as
// Before.
func (l *Log) Query(ctx context.Context, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.Client != "" {
		add("client = ?", f.Client)
	}
	if f.Person != "" {
		add("person = ?", f.Person)
	}
	if f.ExcludePerson != "" {
		add("person <> ?", f.ExcludePerson)
	}
	if !f.From.IsZero() {
		add("at_us >= ?", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		add("at_us < ?", f.To.UnixMicro())
	}
	if f.Before > 0 {
		add("seq < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	q := `SELECT ` + entryColumns + ` FROM entries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY seq DESC LIMIT %d", limit)
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query access log: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("query access log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanEntry(s scanner) (Entry, error) {
	var e Entry
	var at int64
	err := s.Scan(&e.Seq, &at, &e.Person, &e.PersonCollection, &e.Role, &e.PersonName, &e.OnBehalfOf,
		&e.Client, &e.Collections, &e.Action, &e.Count, &e.Device, &e.IP, &e.Path, &e.PrevHash, &e.Hash)
	e.At = time.UnixMicro(at).UTC()
	return e, err
}
