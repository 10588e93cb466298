package server

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/samenspel/samenspel/internal/accesslog"
)

// TestAuditVerifyCommand runs `audit verify` on a log that holds, then on
// one edited with plain SQL, then on one with an entry deleted: it fails
// naming the entry.
func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, accesslog.FileName)
	l, err := accesslog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"a", "b", "c", "d", "e"} {
		if err := l.Add(accesslog.Entry{Person: "beg", Role: "begeleider", Client: c, Action: accesslog.ActionRead, Collections: "goals", Count: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	verify := func() (string, error) {
		t.Helper()
		app, _, err := New([]string{"audit", "verify"}, []string{EnvDataDir + "=" + dir})
		if err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		app.RootCmd.SetOut(&out)
		app.RootCmd.SetErr(&errOut)
		err = app.Start()
		return out.String() + errOut.String(), err
	}
	out, err := verify()
	if err != nil || !strings.Contains(out, "intact: 5 entries") {
		t.Fatalf("intact log: %v, output %q", err, out)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE entries SET action = 'update' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	out, err = verify()
	if err == nil || !strings.Contains(out, "broken at entry 3") || !strings.Contains(out, "does not match its hash") {
		t.Fatalf("edited log: %v, output %q", err, out)
	}
	if _, err := db.Exec(`UPDATE entries SET action = 'read' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM entries WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	out, err = verify()
	if err == nil || !strings.Contains(out, "broken at entry 3: entry 2 is missing") {
		t.Fatalf("log with a deleted entry: %v, output %q", err, out)
	}
}
