package sqlitecache_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/samenspel/samenspel/internal/sqlitecache"
)

func open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sqlitecache.Connect(filepath.Join(t.TempDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sqlDB := db.DB()
	sqlDB.SetMaxOpenConns(1) // one connection: every statement meets the same cache
	if _, err := sqlDB.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c')"); err != nil {
		t.Fatal(err)
	}
	return sqlDB
}

// compiles is the number of SQL texts db's one connection has compiled.
func compiles(t *testing.T, db *sql.DB) int {
	t.Helper()
	n, err := sqlitecache.Compiles(db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// columns runs q and returns its column names and first row.
func columns(t *testing.T, db *sql.DB, q string, args ...any) ([]string, []string) {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatalf("%s: no row", q)
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	row := make([]string, len(vals))
	for i, v := range vals {
		row[i] = v.String
	}
	return cols, row
}

// TestNestedSameQuery: a query of the same text while the first still
// reads rows runs on its own statement; both see all their rows.
func TestNestedSameQuery(t *testing.T) {
	t.Parallel()
	db := open(t)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = "SELECT v FROM t WHERE id >= ? ORDER BY id"
	outer, err := tx.Query(q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var v string
		outer.Scan(&v)
		inner, err := tx.Query(q, 2)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for inner.Next() {
			n++
		}
		inner.Close()
		got = append(got, fmt.Sprintf("%s%d", v, n))
	}
	outer.Close()
	if want := "[a2 b2 c2]"; fmt.Sprint(got) != want {
		t.Fatalf("nested rows %v, want %s", got, want)
	}
}

// TestReuse: a statement run again is not compiled again, gives fresh
// results with new arguments, and survives an error.
func TestReuse(t *testing.T) {
	t.Parallel()
	db := open(t)
	const q = "SELECT v FROM t WHERE id = ?"
	before := compiles(t, db)
	for i, want := range []string{"a", "b", "c", "a"} {
		var v string
		if err := db.QueryRow(q, i%3+1).Scan(&v); err != nil || v != want {
			t.Fatalf("id %d: %q %v, want %q", i%3+1, v, err, want)
		}
	}
	if got, want := compiles(t, db)-before, 1; got != want {
		t.Fatalf("compiles for 4 runs of one query=%d, want %d", got, want)
	}

	const ins = "INSERT INTO t (id, v) VALUES (?, ?)"
	before = compiles(t, db)
	if _, err := db.Exec(ins, 1, "dup"); err == nil {
		t.Fatal("duplicate key accepted")
	}
	if _, err := db.Exec(ins, 4, "d"); err != nil {
		t.Fatalf("insert after a failed one: %v", err)
	}
	if got, want := compiles(t, db)-before, 1; got != want {
		t.Fatalf("compiles for a failed and a good insert=%d, want %d", got, want)
	}
}

// TestSchemaChange: a statement cached before a schema change is served
// from the cache after it (no new compile by this driver) and answers for
// the new schema, so SQLite re-prepared it; a stale statement would show
// the old columns, or read the old column positions.
func TestSchemaChange(t *testing.T) {
	t.Parallel()
	db := open(t)
	const q = "SELECT * FROM t WHERE id = ?"
	cols, row := columns(t, db, q, 1)
	if got, want := fmt.Sprint(cols, row), "[id v] [1 a]"; got != want {
		t.Fatalf("before ALTER TABLE: %s, want %s", got, want)
	}
	before := compiles(t, db)

	if _, err := db.Exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'"); err != nil {
		t.Fatal(err)
	}
	after := compiles(t, db)
	cols, row = columns(t, db, q, 1)
	if got, want := fmt.Sprint(cols, row), "[id v w] [1 a x]"; got != want {
		t.Fatalf("after ALTER TABLE: %s, want %s", got, want)
	}
	if got := compiles(t, db); got != after {
		t.Fatalf("query compiled anew after ALTER TABLE (compiles %d -> %d), want it served from the cache", after, got)
	}

	// The same name for a table of another shape: columns swap places.
	if _, err := db.Exec("DROP TABLE t; CREATE TABLE t (v TEXT, id INTEGER PRIMARY KEY); INSERT INTO t (v, id) VALUES ('z', 1)"); err != nil {
		t.Fatal(err)
	}
	after = compiles(t, db)
	cols, row = columns(t, db, q, 1)
	if got, want := fmt.Sprint(cols, row), "[v id] [z 1]"; got != want {
		t.Fatalf("after recreating the table: %s, want %s", got, want)
	}
	if got := compiles(t, db); got != after {
		t.Fatalf("query compiled anew after recreating the table (compiles %d -> %d), want it served from the cache", after, got)
	}
	if before == after {
		t.Fatal("schema changes compiled nothing: the counter does not count")
	}
}

// TestEviction: more distinct statements than the cache holds all work;
// the most recent stay cached, the oldest are compiled again.
func TestEviction(t *testing.T) {
	t.Parallel()
	db := open(t)
	q := func(i int) string { return fmt.Sprintf("SELECT count(*) + %d FROM t", i) }
	run := func(i int) {
		t.Helper()
		var n int
		if err := db.QueryRow(q(i)).Scan(&n); err != nil || n != 3+i {
			t.Fatalf("statement %d: %d %v", i, n, err)
		}
	}
	const total, kept = 600, 256 // kept: the cache's bound
	for i := range total {
		run(i)
	}
	before := compiles(t, db)
	for i := total - kept; i < total; i++ {
		run(i)
	}
	if got := compiles(t, db) - before; got != 0 {
		t.Fatalf("compiles for the %d most recent statements=%d, want 0", kept, got)
	}
	run(0)
	if got, want := compiles(t, db)-before, 1; got != want {
		t.Fatalf("compiles for the oldest statement=%d, want %d (evicted)", got, want)
	}
}
