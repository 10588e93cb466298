package sync

import (
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/schema"
)

// authState caches what Authenticate reads from the database for a device:
// its sync_devices row and its person's record. A phone calls twice per
// sync (push, pull) and reading both took 13 % of the server's CPU in
// BenchmarkLoadRIBW's saturation phase; every check on them (revoked,
// owner, disabled, login, schema version) still runs on every request.
//
// An entry is used only while nothing may have changed it: any write to a
// person or a device by this process (PocketBase's model hooks, after the
// commit; erasure, which deletes devices with SQL, says so itself) makes
// every entry stale at once, and no entry lives longer than authTTL, which
// bounds how long a change made by another process (`samenspel clients
// erase` while the server runs) takes to be seen.
type authState struct {
	gen atomic.Uint64 // bumped on every write that may change an entry

	mu      gosync.Mutex
	entries map[authKey]authEntry
}

// authTTL is the longest an entry is used.
const authTTL = time.Second

// maxAuthEntries bounds the cache (an organisation's active phones); when
// full it starts over.
const maxAuthEntries = 8192

type authKey struct{ device, collection, person string }

type authEntry struct {
	gen    uint64
	at     time.Time
	row    deviceRow
	person *core.Record
}

// deviceRow is what Authenticate reads of a sync_devices row.
type deviceRow struct {
	ID        string `db:"id"`
	OwnerCol  string `db:"owner_collection"`
	Owner     string `db:"owner"`
	RevokedAt string `db:"revoked_at"`
	Schema    int    `db:"schema_version"`
}

// watch makes every write to a person or a device, by any path of this
// process, end the cached entries.
func (a *authState) watch(app core.App) {
	bump := func(e *core.ModelEvent) error {
		a.forget()
		return e.Next()
	}
	tables := []string{schema.Users, schema.Clients, schema.SyncDevices}
	app.OnModelAfterCreateSuccess(tables...).Bind(&hook.Handler[*core.ModelEvent]{Func: bump})
	app.OnModelAfterUpdateSuccess(tables...).Bind(&hook.Handler[*core.ModelEvent]{Func: bump})
	app.OnModelAfterDeleteSuccess(tables...).Bind(&hook.Handler[*core.ModelEvent]{Func: bump})
}

// forget makes every entry stale.
func (a *authState) forget() { a.gen.Add(1) }

// generation is read before the database is: an entry stored under it is
// stale if anything was written after.
func (a *authState) generation() uint64 { return a.gen.Load() }

// get returns the device row and a copy of the person's record, if cached
// and fresh.
func (a *authState) get(k authKey, now time.Time) (deviceRow, *core.Record, bool) {
	a.mu.Lock()
	e, ok := a.entries[k]
	a.mu.Unlock()
	if !ok || e.gen != a.gen.Load() || now.Sub(e.at) >= authTTL || now.Before(e.at) {
		return deviceRow{}, nil, false
	}
	return e.row, e.person.Clone(), true
}

// put stores what was read under generation gen.
func (a *authState) put(k authKey, gen uint64, now time.Time, row deviceRow, person *core.Record) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.entries == nil || len(a.entries) >= maxAuthEntries {
		a.entries = make(map[authKey]authEntry)
	}
	a.entries[k] = authEntry{gen: gen, at: now, row: row, person: person.Clone()}
}
