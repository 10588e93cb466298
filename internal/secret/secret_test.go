package secret_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/secret"
)

// newApp is a PocketBase test app with the one table the keys read.
func newApp(t *testing.T) core.App {
	t.Helper()
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	if _, err := app.DB().NewQuery(`CREATE TABLE sync_state (id INTEGER PRIMARY KEY, secret BLOB, previous_secret BLOB);
		INSERT INTO sync_state (id, secret) VALUES (1, randomblob(32))`).Execute(); err != nil {
		t.Fatal(err)
	}
	return app
}

// TestKeysDoNotWaitForTheWriter: every pull and push asks for a key, and
// the secrets are read again every second. The read must not queue behind
// a long write (a big push holds the one write connection for seconds):
// here a write transaction stays open until a key, asked for after the
// secrets went stale, has been given.
func TestKeysDoNotWaitForTheWriter(t *testing.T) {
	app := newApp(t)
	keys := secret.New(app)
	first, err := keys.Key("cursor")
	if err != nil {
		t.Fatal(err)
	}

	writing, gave := make(chan struct{}), make(chan []byte, 1)
	done := make(chan error, 1)
	go func() {
		done <- app.RunInTransaction(func(tx core.App) error {
			if _, err := tx.DB().NewQuery("UPDATE sync_state SET previous_secret = x'00' WHERE id = 1").Execute(); err != nil {
				return err
			}
			close(writing)
			select {
			case <-gave:
			case <-time.After(20 * time.Second):
			}
			return nil
		})
	}()
	<-writing
	time.Sleep(1100 * time.Millisecond) // the secrets read above are stale now
	got := make(chan []byte, 1)
	go func() {
		k, err := keys.Key("cursor")
		if err != nil {
			t.Error(err)
		}
		got <- k
	}()
	select {
	case k := <-got:
		gave <- k
		if !bytes.Equal(k, first) {
			t.Error("the key changed, though the secret did not")
		}
	case <-done:
		t.Fatal("the key was given only after the write transaction ended (it waited for the writer)")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestKeysFollowRotation: a rotation changes every key within a second
// or so, and the key of the replaced secret is the previous one.
func TestKeysFollowRotation(t *testing.T) {
	app := newApp(t)
	keys := secret.New(app)
	before, err := keys.Key("cursor")
	if err != nil {
		t.Fatal(err)
	}
	if prev, err := keys.Previous("cursor"); err != nil || prev != nil {
		t.Fatalf("previous key before any rotation: %x, %v", prev, err)
	}
	if err := secret.Rotate(app); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		now, err := keys.Key("cursor")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(now, before) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the key did not change within 10 s of the rotation")
		}
		time.Sleep(50 * time.Millisecond)
	}
	prev, err := keys.Previous("cursor")
	if err != nil || !bytes.Equal(prev, before) {
		t.Fatalf("previous key after the rotation: %x (want the old key %x), %v", prev, before, err)
	}
	other, _ := keys.Key("tokens")
	if bytes.Equal(other, before) {
		t.Fatal("two purposes gave the same key")
	}
}
