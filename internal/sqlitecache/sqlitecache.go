// Package sqlitecache is the SQLite driver (modernc.org/sqlite) with a
// prepared-statement cache per connection.
//
// PocketBase and dbx prepare every statement anew: on the pure-Go SQLite
// a prepare costs tens to hundreds of microseconds, often more than running
// the statement. Yet the same few statements run over and over (a record
// insert, a rule check, a change-feed row); dbx renders every parameter as
// "?", so their text is the same each time. This driver keeps the prepared
// statements of a connection by their text and reuses them, which makes
// every query of the server cheaper, PocketBase's own included.
//
// A statement is reused only when it is idle: if one is still reading rows
// (a nested query of the same text), the query runs on a fresh one, as
// without the cache. SQLite re-prepares a cached statement by itself when
// the schema changes.
package sqlitecache

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"

	"github.com/pocketbase/dbx"
	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/samenspel/samenspel/internal/sqlitemem"
)

// DriverName is the database/sql name of the caching driver.
const DriverName = "sqlite_stmtcache"

// maxStatements bounds the cache of one connection; the least recently
// used idle statement goes first.
const maxStatements = 256

func init() {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(fmt.Sprintf("sqlitecache: open base driver: %v", err))
	}
	base := db.Driver()
	_ = db.Close()
	sql.Register(DriverName, &cachingDriver{base: base})
}

// Connect opens a PocketBase database through the caching driver, with
// PocketBase's own connection pragmas (see core.DefaultDBConnect) but a
// smaller page cache for readers. Use it as core.BaseAppConfig.DBConnect /
// pocketbase.Config.DBConnect.
//
// The page cache is per connection, and the read pool opens one
// connection per concurrent reader (up to 120) and keeps 15 idle for
// minutes: with PocketBase's 32 MB each, a storm of fresh pulls over an
// organisation's few hundred MB of data grew the server past 1 GB, most
// of it copies of the same pages (docs/load.md). The OS page cache holds
// the file once for all of them; ReadCacheKB per read connection keeps
// the hot pages of the indexes. The one write connection keeps
// PocketBase's 32 MB: it is one, and a big push's dirty pages stay in it.
//
// PocketBase opens each database twice, the read pool first, then the
// write connection (core/base.go, initDataDB and initAuxDB); Connect
// counts the opens of each path to tell them apart. Were the order ever
// to change, the sizes would swap: slower or bigger, never wrong.
func Connect(dbPath string) (*dbx.DB, error) { return connect(dbPath, "") }

// ConnectNoAutoCheckpoint is Connect with SQLite's automatic checkpoint
// turned off on every connection, for a database whose checkpoints
// Litestream makes (package backup).
func ConnectNoAutoCheckpoint(dbPath string) (*dbx.DB, error) {
	return connect(dbPath, "&_pragma=wal_autocheckpoint(0)")
}

func connect(dbPath, extra string) (*dbx.DB, error) {
	sqlitemem.Reserve()
	opens.mu.Lock()
	if opens.n == nil {
		opens.n = map[string]int{}
	}
	opens.n[dbPath]++
	reader := opens.n[dbPath]%2 == 1
	opens.mu.Unlock()
	cache := WriteCacheKB
	if reader || filepath.Base(dbPath) == AuxFile {
		cache = ReadCacheKB
	}
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-" + strconv.Itoa(cache) + ")" +
		"&_pragma=secure_delete(ON)" + extra
	if !reader {
		// The writer begins its transactions with the write lock
		// (BEGIN IMMEDIATE): a transaction that read first and wrote
		// later failed at once (SQLITE_BUSY, no busy wait) when another
		// connection had committed in between: Litestream's bookkeeping
		// after its checkpoints, or `samenspel clients erase` in a
		// second process. With the lock taken at BEGIN, the other
		// writer waits its busy timeout instead. The readers stay
		// deferred: they never write.
		pragmas += "&_txlock=immediate"
	}
	db, err := dbx.Open(DriverName, dbPath+pragmas)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Every connection has secure_delete on: whatever a delete or an update
// frees (a row, an index entry, a whole page) is overwritten with zeros,
// so no earlier version of a client's words stays behind in free space.
// An erasure (sync/erase.go) then needs no rebuild of the file, which
// held the write lock for seconds per 100 MB; only the write-ahead log is
// truncated. Databases from before are rebuilt once (sync/securedelete.go).
//
// Page cache of one connection, in KiB. 4 MB per reader brought the
// storm of docs/load.md under 300 MB (216 MB; 340 MB at 8 MB, 1,052 MB at
// 32 MB); 1 MB brings it to 130-146 MB at scale 0.25 (187-200 MB at 4 MB)
// with a storm as fast or faster. Under steady writes a bigger cache buys
// little: a reader whose database changed since its last read
// transaction throws its whole cache away (freeing every page) and reads
// again what it needs.
const (
	ReadCacheKB  = 1000
	WriteCacheKB = 32000
)

// AuxFile is PocketBase's second database, its request log: written in
// batches and rarely read, so its writer gets a reader's page cache. A
// page of the cache costs twice its size in the SQLite driver's C
// allocator (4 KiB plus a header, in an 8 KiB size class), and the 32 MB
// of a second writer were a fifth of a storm's peak (docs/load.md).
const AuxFile = "auxiliary.db"

var opens struct {
	mu sync.Mutex
	n  map[string]int
}

type cachingDriver struct{ base driver.Driver }

func (d *cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	return &conn{base: c, stmts: map[string]*entry{}}, nil
}

// entry is a cached statement.
type entry struct {
	stmt driver.Stmt
	busy bool   // reading rows
	used uint64 // tick of last use, for eviction
}

// conn wraps a driver connection. database/sql uses a connection from one
// goroutine at a time, so the cache needs no lock.
type conn struct {
	base  driver.Conn
	stmts map[string]*entry
	tick  uint64

	// compiles counts the SQL texts handed to the base driver to compile
	// (a prepare, or a query or exec past the cache), so tests can tell a
	// statement served from the cache from one compiled anew.
	compiles int
}

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	c.compiles++
	return c.base.Prepare(query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.compiles++
	if p, ok := c.base.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.base.Prepare(query)
}

func (c *conn) Begin() (driver.Tx, error) { return c.base.Begin() } //nolint:staticcheck // part of driver.Conn

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.base.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.base.Begin() //nolint:staticcheck
}

func (c *conn) Close() error {
	for q, e := range c.stmts {
		_ = e.stmt.Close()
		delete(c.stmts, q)
	}
	return c.base.Close()
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.base.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.base.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.base.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// acquire returns the idle cached statement for query, preparing it if
// needed, or nil when it is busy (the caller then runs uncached).
func (c *conn) acquire(ctx context.Context, query string) (*entry, error) {
	c.tick++
	if e, ok := c.stmts[query]; ok {
		if e.busy {
			return nil, nil
		}
		e.busy, e.used = true, c.tick
		return e, nil
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(c.stmts) >= maxStatements {
		c.evict()
	}
	e := &entry{stmt: st, busy: true, used: c.tick}
	c.stmts[query] = e
	return e, nil
}

// evict closes the least recently used idle statement.
func (c *conn) evict() {
	var oldest string
	var tick uint64
	for q, e := range c.stmts {
		if !e.busy && (oldest == "" || e.used < tick) {
			oldest, tick = q, e.used
		}
	}
	if oldest != "" {
		_ = c.stmts[oldest].stmt.Close()
		delete(c.stmts, oldest)
	}
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		c.compiles++
		return c.base.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	defer func() { e.busy = false }()
	return e.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	e, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		c.compiles++
		return c.base.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	r, err := e.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		e.busy = false
		return nil, err
	}
	return &rows{Rows: r, e: e}, nil
}

// rows frees its statement for reuse when closed, and forwards the column
// type information database/sql asks for.
type rows struct {
	driver.Rows
	e *entry
}

func (r *rows) Close() error {
	err := r.Rows.Close()
	r.e.busy = false
	return err
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
