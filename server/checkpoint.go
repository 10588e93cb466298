package server

import (
	gosync "sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// walBehindWarn is how many pages (4 KiB) the log may hold that a
// checkpoint could not copy before the server warns.
const walBehindWarn = 25_000

// checkpointEvery checkpoints data.db's write-ahead log every interval
// from the read pool, until the returned function is called.
//
// With SQLite's automatic checkpoint, the commit that grows the log past
// 1,000 pages copies them into the database and, at synchronous=NORMAL,
// fsyncs: a push (and every push queued behind it for the one write
// connection) waits for the disk. A serving server turns the automatic
// checkpoint off (sqlitecache.ConnectNoAutoCheckpoint) and checkpoints
// here instead, PASSIVE: it copies what no reader still needs, and writers
// go on appending meanwhile. With backup on, Litestream checkpoints.
// stop may be called more than once.
func checkpointEvery(app core.App, every time.Duration) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		var warned time.Time
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var busy, frames, copied int
			if err := app.ConcurrentDB().NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Row(&busy, &frames, &copied); err != nil {
				app.Logger().Warn("checkpoint data.db", "error", err.Error())
			} else if frames-copied > walBehindWarn && time.Since(warned) > time.Minute {
				// Long read transactions keep the log from being copied;
				// it grows meanwhile.
				warned = time.Now()
				app.Logger().Warn("checkpoint data.db: the write-ahead log is not being copied into the database",
					"pages_in_log", frames, "pages_left", frames-copied)
			}
		}
	}()
	var once gosync.Once
	return func() { once.Do(func() { close(done); <-stopped }) }
}
