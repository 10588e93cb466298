package schema_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// StoreRender writes past dbx, through the transaction's own *sql.Tx (the
// hooks always write in one): in the transaction it is given, so a
// rollback takes its row with it. (Outside a transaction PocketBase's
// builder is its own type, and StoreRender goes through dbx.)
func TestStoreRenderWritesInTheTransaction(t *testing.T) {
	app, w := servertest.NewWorldApp(t)
	goals, err := app.FindCollectionByNameOrId(schema.Goals)
	if err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		if err := app.DB().NewQuery("SELECT count(*) FROM sync_render WHERE seq = 987654321").Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	rollback := errors.New("rollback")
	err = app.RunInTransaction(func(tx core.App) error {
		if _, ok := schema.ExecutorOf(tx.DB()).(*sql.Tx); !ok {
			t.Fatalf("in a transaction: executor %T, want *sql.Tx", schema.ExecutorOf(tx.DB()))
		}
		if err := schema.StoreRender(tx.DB(), goals, w.GoalA.Id, 987654321); err != nil {
			return err
		}
		var n int
		if err := tx.DB().NewQuery("SELECT count(*) FROM sync_render WHERE seq = 987654321").Row(&n); err != nil || n != 1 {
			t.Fatalf("in the transaction: %d rows (%v), want 1", n, err)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("after the rollback: %d rows, want 0", n)
	}
	// Outside a transaction, through dbx: the same row.
	if err := schema.StoreRender(app.DB(), goals, w.GoalA.Id, 987654321); err != nil {
		t.Fatal(err)
	}
	var change string
	if err := app.DB().NewQuery("SELECT change FROM sync_render WHERE seq = 987654321 AND record_id = {:id}").Bind(map[string]any{"id": w.GoalA.Id}).Row(&change); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(change, w.GoalA.GetString("title")) {
		t.Fatalf("stored outside a transaction: %s", change)
	}
}
