package sync_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestPullsDoNotWaitForLongWrites: the long writes of a running server
// (the hourly purge, a client moving team with everything of theirs, a
// big push) hold the one write connection for as long as they take. A
// pull reads through the read pool in a snapshot of its own, so it
// answers while such a write is held open, and sees the write only once
// it has committed. Each case holds its write transaction open (at the
// point where all its statements have run) until the pull has answered:
// the order is asserted, not a duration.
func TestPullsDoNotWaitForLongWrites(t *testing.T) {
	t.Parallel()

	t.Run("team move", func(t *testing.T) {
		t.Parallel()
		s := newSyncServer(t, nil)
		begA, begB := s.device(s.w.BegA, "move-a"), s.device(s.w.BegB, "move-b")
		begA.pull(500, 0)
		begB.pull(500, 0)
		client := "clients/" + s.w.ClientA.Id
		if !begA.held[client] || begB.held[client] {
			t.Fatalf("before the move: A holds %v, B holds %v", begA.held[client], begB.held[client])
		}
		release := holdWriter(t, s.app, func(tx core.App) error {
			c, err := tx.FindRecordById(schema.Clients, s.w.ClientA.Id)
			if err != nil {
				return err
			}
			c.Set(schema.FieldTeam, s.w.TeamB.Id)
			return tx.Save(c) // the cascade: the client's plan, goals, contacts, feedback move with it
		})
		pullWhileHeld(t, s, begA.auth, begA.cursor)
		if err := release(); err != nil {
			t.Fatalf("move: %v", err)
		}
		begA.pull(500, 0)
		begB.pull(500, 0)
		if begA.held[client] || !begB.held[client] {
			t.Fatalf("after the move: A holds %v, B holds %v", begA.held[client], begB.held[client])
		}
		if begA.held["goals/"+s.w.GoalA.Id] || !begB.held["goals/"+s.w.GoalA.Id] {
			t.Fatal("the client's goal did not move with the client")
		}
	})

	t.Run("purge", func(t *testing.T) {
		t.Parallel()
		s := newSyncServer(t, nil)
		auth := s.register(s.w.BegA, "purge-phone")
		old := s.pullCursor(auth)
		res := s.push(auth, mutation("p1", "goals", "purgedgoal00001", "create", map[string]any{"client": s.w.ClientA.Id, "title": "Kort bestaan"}),
			mutation("p2", "goals", "purgedgoal00001", "delete", nil))
		if res[0].Status != fieldsync.StatusApplied || res[1].Status != fieldsync.StatusApplied {
			t.Fatalf("push: %+v", res)
		}
		release := holdWriter(t, s.app, func(tx core.App) error {
			svc := fieldsync.New(tx, fieldsync.Config{}) // Purge's own transaction runs inline in tx
			st, err := svc.Purge(time.Now().Add(svc.Config().TombstoneHorizon + time.Hour))
			if err == nil && st.FeedRows == 0 {
				err = fmt.Errorf("purge removed nothing: %+v", st)
			}
			return err
		})
		// The purge has run but not committed: the old cursor still reads.
		pullWhileHeld(t, s, auth, old)
		if err := release(); err != nil {
			t.Fatalf("purge: %v", err)
		}
		mustError(t, s.do("GET", "/api/sync/v1/pull?cursor="+old, auth, nil), apierr.CodeCursorExpired)
	})

	t.Run("big push", func(t *testing.T) {
		t.Parallel()
		s := newSyncServer(t, nil)
		reader := s.device(s.w.BegA, "push-reader")
		reader.pull(500, 0)
		pusher := s.register(s.w.BegA, "push-writer")

		// The push holds the writer from its first goal on, until released.
		held, release := make(chan struct{}), make(chan struct{})
		first := true
		s.app.OnRecordCreateExecute(schema.Goals).Bind(&hook.Handler[*core.RecordEvent]{
			Id: "testHoldPush",
			Func: func(e *core.RecordEvent) error {
				if err := e.Next(); err != nil {
					return err
				}
				if first {
					first = false
					close(held)
					<-release
				}
				return nil
			},
		})
		var muts []map[string]any
		for i := range 500 {
			muts = append(muts, mutation(fmt.Sprintf("big-%d", i), "goals", fmt.Sprintf("bigpushgoal%04d", i), "create",
				map[string]any{"client": s.w.ClientA.Id, "title": "Weer zelf boodschappen doen"}))
		}
		body, _ := json.Marshal(map[string]any{"mutations": muts})
		pushed := make(chan int, 1)
		go func() {
			req, _ := http.NewRequest("POST", s.url+"/api/sync/v1/push", bytes.NewReader(body))
			req.Header.Set("Authorization", pusher)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				pushed <- 0
				return
			}
			res.Body.Close()
			pushed <- res.StatusCode
		}()
		select {
		case <-held:
		case <-time.After(60 * time.Second):
			t.Fatal("the push never reached its first goal")
		}
		pullWhileHeld(t, s, reader.auth, reader.cursor)
		close(release)
		if status := <-pushed; status != http.StatusOK {
			t.Fatalf("push: status %d", status)
		}
		reader.pull(500, 0)
		n := 0
		for _, id := range reader.records() {
			if len(id) > 11 && id[:11] == "goals/bigpu" {
				n++
			}
		}
		if n != 500 {
			t.Fatalf("after the push the reader holds %d of its 500 goals", n)
		}
	})
}

// holdWriter runs write in a transaction in the background and returns
// once write has run, with the transaction (and so the write connection)
// still open; release commits it (or rolls back on write's error) and
// returns write's error.
func holdWriter(t *testing.T, app core.App, write func(tx core.App) error) (release func() error) {
	t.Helper()
	ran, commit, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		ended <- app.RunInTransaction(func(tx core.App) error {
			err := write(tx)
			close(ran)
			<-commit
			return err
		})
	}()
	select {
	case <-ran:
	case err := <-ended:
		t.Fatalf("the write ended before it was held: %v", err)
	}
	var once bool
	t.Cleanup(func() {
		if !once {
			close(commit)
			<-ended
		}
	})
	return func() error {
		once = true
		close(commit)
		return <-ended
	}
}

// pullWhileHeld pulls one page from cursor and fails unless it answers
// 200 while the write is still held (the caller releases it only after
// this returns; a pull that waited for the writer never answers).
func pullWhileHeld(t *testing.T, s *syncServer, auth, cursor string) {
	t.Helper()
	pulled := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", s.url+"/api/sync/v1/pull?cursor="+cursor, nil)
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			pulled <- 0
			return
		}
		res.Body.Close()
		pulled <- res.StatusCode
	}()
	select {
	case status := <-pulled:
		if status != http.StatusOK {
			t.Fatalf("pull while the writer is held: status %d", status)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the pull waited for the write transaction")
	}
}
