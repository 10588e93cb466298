package sync_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestPullDoesNotWaitForWriter: a pull only reads, so it answers while
// another write transaction holds the write connection; the device's
// last-pull stamp reaches the database when the stamps are flushed (every
// SeenFlushInterval, and on shutdown).
func TestPullDoesNotWaitForWriter(t *testing.T) {
	t.Parallel()
	s := newSyncServer(t, nil)
	auth := s.register(s.w.BegA, "reading-phone")

	started, release, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		ended <- s.app.RunInTransaction(func(tx core.App) error {
			if _, err := tx.DB().NewQuery("UPDATE sync_state SET seq = seq WHERE id = 1").Execute(); err != nil {
				return err
			}
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	pulled := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", s.url+"/api/sync/v1/pull?limit=1", nil)
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
		close(release)
		if status != http.StatusOK {
			t.Fatalf("pull: status %d", status)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("the pull waited for a write transaction")
	}
	if err := <-ended; err != nil {
		t.Fatal(err)
	}

	stamp := func() string {
		t.Helper()
		var at string
		err := s.app.DB().NewQuery("SELECT last_pull_at FROM sync_devices WHERE device_id = {:d}").
			Bind(dbx.Params{"d": "reading-phone"}).Row(&at)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	if got := stamp(); got != "" {
		t.Fatalf("last_pull_at=%q before a flush: the pull wrote it", got)
	}
	// Shutting down writes the pending stamps (the finalizer does not end
	// the test app, Cleanup does).
	err := s.app.OnTerminate().Trigger(&core.TerminateEvent{App: s.app}, func(*core.TerminateEvent) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := stamp(); got == "" {
		t.Fatal("last_pull_at still empty after the flush on shutdown")
	}
}
