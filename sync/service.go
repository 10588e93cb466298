package sync

import (
	"context"
	"runtime"
	gosync "sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/secret"
	"github.com/samenspel/samenspel/storage"
)

// Config tunes the protocol. Zero values take the defaults of New.
type Config struct {
	TombstoneHorizon time.Duration // deletes older than this leave the feed; older cursors get cursor_expired
	MinSchemaVersion int           // devices below it get upgrade_required
	DeviceTokenTTL   time.Duration
	MaxDevices       int              // active (unrevoked) devices per person; registering one more is forbidden
	MutationHorizon  time.Duration    // how long push results are kept for replays; at least the tombstone horizon
	Now              func() time.Time // the clock device tokens are issued and checked by; nil is time.Now (tests set it)
	Media            MediaConfig
	// StaffIdPMFA: the organisation's identity provider does MFA for staff
	// who log in through it (checkStaffMFA).
	StaffIdPMFA bool

	// ConflictRetention is how long a resolved conflict is kept;
	// RejectionRetention how long a rejected mutation is kept (Retain).
	// Zero takes the defaults, 90 and 30 days.
	ConflictRetention  time.Duration
	RejectionRetention time.Duration

	// OnErase records an erasure in the access log (see ErasureHook).
	OnErase ErasureHook
	// ReplayWindow is how long devices keep acknowledged mutations to send
	// again after a restore (replay.go); nil is DefaultReplayWindow. It is
	// asked on every answer, so it can follow the backup's lag.
	ReplayWindow func() time.Duration

	// CheckpointData copies data.db's write-ahead log into the file and
	// truncates it (an erasure, RebuildOnce); nil is SQLite's
	// wal_checkpoint(TRUNCATE). With continuous backup on, Litestream
	// owns the checkpoints and the server passes its own.
	CheckpointData func(context.Context) error

	// MaxConcurrentPulls bounds the pulls reading the database at once;
	// more wait their turn (0: twice the CPUs, at least 4).
	MaxConcurrentPulls int

	// OnPull, if set, sees every pull that answered, after it answered
	// (the server's metrics). It must be quick and safe for concurrent use.
	OnPull func(PullStats)
}

// PullStats describes one pull for monitoring.
type PullStats struct {
	// Fresh: the pull had no cursor (or one of an older layout), so it
	// starts from the beginning; Behind is then 0.
	Fresh bool
	// Behind is how many feed positions the cursor stood behind the feed's
	// head when the pull began: the head seq minus the lowest position of
	// a bucket the device had synced. It is 0 for a device that was up to
	// date, and counts the writes of the whole organisation since the
	// device last caught up, not only those it may see.
	Behind int64
	Rows   int  // changes the page delivered
	More   bool // has_more: the device asks again at once
	// Stored is how many of the page's records were sent as the render
	// store keeps them (schema/render_store.go), Rendered how many were
	// rendered from the records.
	Stored, Rendered int
}

// Limits of the protocol.
const (
	DefaultPullLimit = 500
	MaxPullLimit     = 5000
	MaxMutations     = 500
	MaxPushBytes     = 8 << 20
)

// Service is the sync protocol over one PocketBase app. It is safe for
// concurrent use. Transport (HTTP, JSON framing, gzip) is the caller's: the
// server package mounts it with echo.
type Service struct {
	app core.App
	cfg Config

	keys *secret.Keys

	cleaning chan struct{} // bounds concurrent photo cleaning (rotations decode whole pictures)
	pulling  chan struct{} // bounds pulls reading at once (pull.go)
	pushes   pushGroups    // group commit of pushes (push_group.go)

	noPrecheck bool // tests compare pushes with creates judged in runs and one by one

	auth authState // what Authenticate read, while fresh (devices_auth.go)

	seenMu gosync.Mutex
	seen   map[string]seenStamps // device record id -> stamps not yet written (devices_seen.go)

	rebuildMu gosync.Mutex // one RebuildOnce at a time (securedelete.go)
}

// New returns a Service for app. The app's migrations must have run before
// the first call (the server secret lives in the database).
func New(app core.App, cfg Config) *Service {
	if cfg.TombstoneHorizon <= 0 {
		cfg.TombstoneHorizon = 30 * 24 * time.Hour
	}
	if cfg.MinSchemaVersion <= 0 {
		cfg.MinSchemaVersion = 1
	}
	if cfg.DeviceTokenTTL <= 0 {
		cfg.DeviceTokenTTL = 30 * 24 * time.Hour
	}
	if cfg.MaxDevices <= 0 {
		cfg.MaxDevices = 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MutationHorizon < cfg.TombstoneHorizon {
		cfg.MutationHorizon = cfg.TombstoneHorizon
	}
	if cfg.ConflictRetention <= 0 {
		cfg.ConflictRetention = DefaultConflictRetention
	}
	if cfg.RejectionRetention <= 0 {
		cfg.RejectionRetention = DefaultRejectionRetention
	}
	if cfg.Media.MaxBytes <= 0 {
		cfg.Media.MaxBytes = defaultMaxPhotoBytes
	}
	if cfg.Media.UploadTTL <= 0 {
		cfg.Media.UploadTTL = 15 * time.Minute
	}
	if cfg.Media.ContentTTL <= 0 {
		cfg.Media.ContentTTL = 5 * time.Minute
	}
	if cfg.Media.PendingTTL <= 0 {
		cfg.Media.PendingTTL = 24 * time.Hour
	}
	if cfg.MaxConcurrentPulls <= 0 {
		cfg.MaxConcurrentPulls = max(4, 2*runtime.GOMAXPROCS(0))
	}
	s := &Service{app: app, cfg: cfg, keys: secret.New(app), seen: map[string]seenStamps{},
		cleaning: make(chan struct{}, max(1, runtime.NumCPU())), pulling: make(chan struct{}, cfg.MaxConcurrentPulls)}
	s.auth.watch(app)
	return s
}

// SetMediaStore sets the photo storage; the server opens it when it
// starts serving. Call it before the media endpoints serve.
func (s *Service) SetMediaStore(st storage.Store) { s.cfg.Media.Store = st }

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

// key derives the protocol's key for a purpose (cursor, device-token, ...).
func (s *Service) key(purpose string) ([]byte, error) { return s.keys.Key(purpose) }

// previousKey is key under the secret before the last rotation, or nil.
func (s *Service) previousKey(purpose string) ([]byte, error) { return s.keys.Previous(purpose) }

// Key returns the server key for a purpose other than the protocol's own
// (for example storage upload tickets): ExternalKey's.
func (s *Service) Key(purpose string) ([]byte, error) { return s.keys.Key(secret.External(purpose)) }
