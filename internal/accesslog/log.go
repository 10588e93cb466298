package accesslog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	gosync "sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/samenspel/samenspel/internal/sqlitemem"
)

// FileName is the log's file in the data directory.
const FileName = "access_log.db"

const schemaSQL = `
CREATE TABLE IF NOT EXISTS entries (
	seq               INTEGER PRIMARY KEY,
	at_us             INTEGER NOT NULL,
	person            TEXT NOT NULL,
	person_collection TEXT NOT NULL,
	role              TEXT NOT NULL,
	person_name       TEXT NOT NULL,
	on_behalf_of      TEXT NOT NULL,
	client            TEXT NOT NULL,
	collections       TEXT NOT NULL,
	action            TEXT NOT NULL,
	count             INTEGER NOT NULL,
	device            TEXT NOT NULL,
	ip                TEXT NOT NULL,
	path              TEXT NOT NULL,
	prev_hash         TEXT NOT NULL,
	hash              TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_client ON entries (client, seq);
CREATE INDEX IF NOT EXISTS entries_person ON entries (person, seq);
CREATE INDEX IF NOT EXISTS entries_at ON entries (at_us);
CREATE TABLE IF NOT EXISTS anchor (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	seq        INTEGER NOT NULL,
	hash       TEXT NOT NULL,
	pruned_at  INTEGER NOT NULL
);`

const entryColumns = `seq, at_us, person, person_collection, role, person_name, on_behalf_of,
	client, collections, action, count, device, ip, path, prev_hash, hash`

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("access log closed")

// Log is an open access log. It is safe for concurrent use.
type Log struct {
	db     *sql.DB // readers: queries, verify
	w      *sql.DB // the writer's one connection
	path   string
	logger *slog.Logger

	mu     gosync.RWMutex // guards closed against Add's send
	closed bool
	queue  chan item
	done   chan struct{}

	// The last entry this writer committed, owned by the writer goroutine:
	// the file's head may be newer (another process appended), never older.
	lastSeq  int64
	lastHash string

	commits atomic.Int64 // transactions committed, for tests
	spare   []item       // the last batch's array, owned by the writer
}

// item is one thing for the writer: an entry, a flush (reply when
// everything before it is written) or a prune.
type item struct {
	entry  Entry
	flush  chan error
	prune  *pruneRequest
	isData bool
}

// waits: someone waits for the batch this item is in to be written.
func (it item) waits() bool { return it.flush != nil || it.prune != nil }

type pruneRequest struct {
	before time.Time
	reply  chan pruneResult
}

type pruneResult struct {
	n   int
	err error
}

// QueueSize is how many entries may wait for the writer before Add blocks.
const QueueSize = 8192

// maxBatch bounds the entries committed in one transaction.
const maxBatch = 4096

// lingerFor is how long the writer waits for more entries before it
// commits a batch that is not full, unless someone waits for it (Flush,
// Prune). Each transaction costs the same few hundred microseconds
// whatever it holds, and under load entries come one or two per request:
// without the wait, one transaction an entry was 17 % of the server's CPU
// in BenchmarkLoadRIBW's saturation phase. Entries are in memory for that
// long more; Close writes them.
const lingerFor = 20 * time.Millisecond

// Open opens (creating if needed) the log at path and starts its writer.
// logger receives write failures (the writer retries them); nil discards.
func Open(path string, logger *slog.Logger) (*Log, error) {
	sqlitemem.Reserve()
	w, err := openDB(path, false, 1, writerPragmas...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Exec(schemaSQL); err != nil {
		w.Close()
		return nil, fmt.Errorf("access log %s: create tables: %w", path, err)
	}
	if _, _, err := chainHead(context.Background(), w); err != nil {
		w.Close()
		return nil, fmt.Errorf("access log %s: read chain head: %w", path, err)
	}
	db, err := openDB(path, false, 4)
	if err != nil {
		w.Close()
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &Log{db: db, w: w, path: path, logger: logger, queue: make(chan item, QueueSize), done: make(chan struct{})}
	go l.run()
	return l, nil
}

// writerPragmas are the writer connection's.
//
// Its page cache is 16 MB. An entry goes to the end of the table and of
// the person and time indexes, but into the middle of the client index,
// at the end of that client's entries: the hot pages are one leaf per
// client (2,500 at an RIBW: 10 MB) and the interior pages. With SQLite's
// default 2 MB, a growing log read those leaves from disk again and
// again: 16 µs an entry into an empty log, 41.5 µs at 110,000 entries;
// with 16 MB, 19 and 26 µs (12 rounds of 10,000 entries over 1,000
// clients, Add then Flush).
//
// It checkpoints the write-ahead log into the file every 10,000 pages
// (40 MB), not SQLite's 1,000: those client leaves are written again and
// again between checkpoints, and a checkpoint copies each once
// (BenchmarkAdd, 200,000 entries: 17.5 µs an entry against 19.2).
var writerPragmas = []string{"cache_size(-16000)", "wal_autocheckpoint(10000)"}

// queryRower is a *sql.DB or *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// chainHead is the last entry's number and hash (or the anchor's, when
// pruning left no entry; zero and "" for an empty log).
func chainHead(ctx context.Context, q queryRower) (int64, string, error) {
	var seq int64
	var hash string
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		err = q.QueryRowContext(ctx, `SELECT seq, hash FROM anchor WHERE id = 1`).Scan(&seq, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", nil
		}
	}
	return seq, hash, err
}

// openDB opens the SQLite file with WAL (readers never wait for the
// writer) and a busy timeout; readOnly for verify and queries by tools;
// conns connections at most, each with the extra pragmas.
func openDB(path string, readOnly bool, conns int, pragmas ...string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_txlock", "immediate")
	if readOnly {
		q.Set("mode", "ro")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("access log %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("access log %s: %w", path, err)
	}
	return db, nil
}

// Path is the log's file.
func (l *Log) Path() string { return l.path }

// Add queues entries for the writer; it blocks only while the queue is
// full. Entries without a time get the current time. It returns ErrClosed
// after Close (the entries are not written).
func (l *Log) Add(entries ...Entry) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	now := time.Now()
	for _, e := range entries {
		if e.At.IsZero() {
			e.At = now
		}
		l.queue <- item{entry: e, isData: true}
	}
	return nil
}

// Flush waits until every entry added before it is committed.
func (l *Log) Flush() error {
	reply := make(chan error, 1)
	if err := l.send(item{flush: reply}); err != nil {
		return err
	}
	return <-reply
}

// Prune removes the entries older than before, keeping the hash of the
// last removed one as the chain's anchor, so that what remains still
// verifies. It returns how many entries it removed.
func (l *Log) Prune(before time.Time) (int, error) {
	reply := make(chan pruneResult, 1)
	if err := l.send(item{prune: &pruneRequest{before: before, reply: reply}}); err != nil {
		return 0, err
	}
	r := <-reply
	return r.n, r.err
}

func (l *Log) send(it item) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	l.queue <- it
	return nil
}

// Close writes what is queued, stops the writer and closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()
	<-l.done
	return errors.Join(l.w.Close(), l.db.Close())
}

// run is the writer: it takes what has queued up, up to maxBatch, and
// commits it in one transaction, retrying a failed write (the entries stay
// in memory, the chain head moves only on commit).
func (l *Log) run() {
	defer close(l.done)
	for {
		it, ok := <-l.queue
		if !ok {
			return
		}
		batch, open := l.gather(it)
		l.writeRetrying(batch, open)
		clear(batch) // let go of the entries' strings
		l.spare = batch[:0]
		if !open {
			return
		}
	}
}

// gather makes a batch that starts with first: what has queued up and,
// when nobody waits for the batch (Flush, Prune), what comes within
// lingerFor more, so that a steady trickle (a push, a pull: an entry or
// two each) commits in batches, not a transaction an entry. open is false
// once the queue is closed.
func (l *Log) gather(first item) (batch []item, open bool) {
	// The batch's array is reused: growing a fresh one item by item was
	// a tenth of the writer's time (BenchmarkAdd's profile).
	batch = append(l.spare, first)
	waited := first.waits()
	var linger <-chan time.Time
	for len(batch) < maxBatch {
		var it item
		var ok bool
		select {
		case it, ok = <-l.queue:
		default:
			if waited || lingerFor <= 0 {
				return batch, true
			}
			if linger == nil {
				linger = time.After(lingerFor)
			}
			select {
			case it, ok = <-l.queue:
			case <-linger:
				return batch, true
			}
		}
		if !ok {
			return batch, false
		}
		batch = append(batch, it)
		waited = waited || it.waits()
	}
	return batch, true
}

func (l *Log) writeRetrying(batch []item, open bool) {
	wait := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		pruned, err := l.write(batch)
		if err == nil {
			for _, it := range batch {
				switch {
				case it.flush != nil:
					it.flush <- nil
				case it.prune != nil:
					it.prune.reply <- pruned[it.prune]
				}
			}
			return
		}
		l.logger.Error("access log: write failed, retrying", "entries", len(batch), "attempt", attempt, "error", err.Error())
		if !open && attempt >= 5 {
			for _, it := range batch {
				switch {
				case it.flush != nil:
					it.flush <- err
				case it.prune != nil:
					it.prune.reply <- pruneResult{err: err}
				}
			}
			return
		}
		time.Sleep(wait)
		wait = min(2*wait, 5*time.Second)
	}
}

// write commits a batch in one transaction and, on commit, moves the
// chain head.
func (l *Log) write(batch []item) (map[*pruneRequest]pruneResult, error) {
	ctx := context.Background()
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The head is read inside the write transaction (BEGIN IMMEDIATE: the
	// file's write lock), not kept in memory: another process may have
	// appended since (`samenspel clients erase` records the erasure while
	// the server runs), and the chain must go on from its entry.
	seq, prev, err := chainHead(ctx, tx)
	if err != nil {
		return nil, err
	}
	if l.lastSeq > seq {
		// Entries this writer committed are gone from the file: chain on
		// from them, so that verify shows the gap instead of a chain that
		// closed over it.
		l.logger.Error("access log: entries are missing from the file", "last_written", l.lastSeq, "last_in_file", seq)
		seq, prev = l.lastSeq, l.lastHash
	}
	pruned := map[*pruneRequest]pruneResult{}
	var ins *sql.Stmt
	for _, it := range batch {
		switch {
		case it.isData:
			if ins == nil {
				if ins, err = tx.PrepareContext(ctx, `INSERT INTO entries (`+entryColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`); err != nil {
					return nil, err
				}
				defer ins.Close()
			}
			e := it.entry
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = chainHash(prev, &e)
			if _, err := ins.ExecContext(ctx, e.Seq, e.At.UnixMicro(), e.Person, e.PersonCollection, e.Role, e.PersonName, e.OnBehalfOf,
				e.Client, e.Collections, e.Action, e.Count, e.Device, e.IP, e.Path, e.PrevHash, e.Hash); err != nil {
				return nil, err
			}
			prev = e.Hash
		case it.prune != nil:
			n, err := pruneTx(ctx, tx, it.prune.before)
			if err != nil {
				return nil, err
			}
			pruned[it.prune] = pruneResult{n: n}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	l.lastSeq, l.lastHash = seq, prev
	l.commits.Add(1)
	return pruned, nil
}

// pruneTx deletes the entries before the cutoff and moves the anchor to
// the last of them.
func pruneTx(ctx context.Context, tx *sql.Tx, before time.Time) (int, error) {
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM entries WHERE at_us < ?`, before.UnixMicro()).Scan(&last); err != nil {
		return 0, err
	}
	if !last.Valid {
		return 0, nil
	}
	// Entries are numbered in the order they were added, and their times
	// follow that order closely but not exactly (they are stamped before
	// they queue): the cutoff is by number, up to the last too-old one.
	var hash string
	if err := tx.QueryRowContext(ctx, `SELECT hash FROM entries WHERE seq = ?`, last.Int64).Scan(&hash); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM entries WHERE seq <= ?`, last.Int64)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO anchor (id, seq, hash, pruned_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, pruned_at = excluded.pruned_at`,
		last.Int64, hash, time.Now().UnixMicro()); err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Verify checks the chain of this log (see the package function Verify).
func (l *Log) Verify(ctx context.Context) (*Report, error) { return verifyDB(ctx, l.db) }
