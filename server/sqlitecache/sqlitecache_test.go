package sqlitecache_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/samenspel/samenspel/server/sqlitecache"
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

// TestNestedSameQuery: a query of the same text while the first still
// reads rows runs on its own statement; both see all their rows.
func TestNestedSameQuery(t *testing.T) {
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

// TestReuseAndSchemaChange: a cached statement gives fresh results with
// new arguments, survives errors, and follows a schema change.
func TestReuseAndSchemaChange(t *testing.T) {
	db := open(t)
	for i, want := range []string{"a", "b", "c"} {
		var v string
		if err := db.QueryRow("SELECT v FROM t WHERE id = ?", i+1).Scan(&v); err != nil || v != want {
			t.Fatalf("id %d: %q %v, want %q", i+1, v, err, want)
		}
	}
	if _, err := db.Exec("INSERT INTO t (id, v) VALUES (?, ?)", 1, "dup"); err == nil {
		t.Fatal("duplicate key accepted")
	}
	if _, err := db.Exec("INSERT INTO t (id, v) VALUES (?, ?)", 4, "d"); err != nil {
		t.Fatalf("insert after a failed one: %v", err)
	}
	if _, err := db.Exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'"); err != nil {
		t.Fatal(err)
	}
	var cols []string
	rows, err := db.Query("SELECT * FROM t WHERE id = ?", 4)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ = rows.Columns()
	rows.Close()
	if len(cols) != 3 {
		t.Fatalf("columns after ALTER TABLE: %v", cols)
	}
}

// TestEviction: more distinct statements than the cache holds all work.
func TestEviction(t *testing.T) {
	db := open(t)
	for i := 0; i < 600; i++ {
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) + %d FROM t", i)).Scan(&n); err != nil || n != 3+i {
			t.Fatalf("statement %d: %d %v", i, n, err)
		}
	}
}
