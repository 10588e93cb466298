package backup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/s3"
)

// Config says where the backup goes. The server reads it from its flags
// and environment (server/config.go).
type Config struct {
	Endpoint  string // host[:port] of the S3-compatible service; empty is AWS S3
	TLS       bool   // https to Endpoint
	PathStyle bool   // path-style URLs (MinIO, versitygw, Garage)
	Bucket    string
	Path      string // key prefix inside the bucket
	Region    string
	AccessKey string // empty (with SecretKey) uses the AWS default credential chain
	SecretKey string

	// SyncInterval is how often new transactions are uploaded: the lag of
	// a healthy backup. Zero is one second.
	SyncInterval time.Duration
	// Retention is how far back a point-in-time restore can go.
	Retention time.Duration
}

func (c Config) client(logger *slog.Logger) *s3.ReplicaClient {
	cl := s3.NewReplicaClient()
	cl.Bucket = c.Bucket
	cl.Path = c.Path
	cl.Region = c.Region
	cl.AccessKeyID = c.AccessKey
	cl.SecretAccessKey = c.SecretKey
	cl.ForcePathStyle = c.PathStyle
	if c.Endpoint != "" {
		scheme := "https://"
		if !c.TLS {
			scheme = "http://"
		}
		cl.Endpoint = scheme + c.Endpoint
	}
	if logger != nil {
		cl.SetLogger(logger)
	}
	return cl
}

// Replicator replicates one database while the server runs.
type Replicator struct {
	db      *litestream.DB
	store   *litestream.Store
	started time.Time
	closed  atomic.Bool
}

// Start begins replicating the SQLite database at dbPath (in WAL mode) to
// cfg's bucket. It fails when the bucket cannot be reached, so a server
// with a broken backup configuration does not start. Stop it with Close.
func Start(ctx context.Context, dbPath string, cfg Config, logger *slog.Logger) (*Replicator, error) {
	if logger == nil {
		logger = slog.Default()
	}
	cl := cfg.client(logger)
	if err := cl.Init(ctx); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	// Fail early and clearly on a wrong bucket or key.
	itr, err := cl.LTXFiles(ctx, 0, 0, false)
	if err != nil {
		return nil, fmt.Errorf("backup: list s3://%s/%s: %w", cfg.Bucket, cfg.Path, err)
	}
	itr.Next()
	if err := itr.Close(); err != nil {
		return nil, fmt.Errorf("backup: list s3://%s/%s: %w", cfg.Bucket, cfg.Path, err)
	}

	if cfg.SyncInterval <= 0 {
		cfg.SyncInterval = time.Second
	}
	db := litestream.NewDB(dbPath)
	db.MonitorInterval = min(cfg.SyncInterval, litestream.DefaultMonitorInterval)
	r := litestream.NewReplicaWithClient(db, cl)
	r.SyncInterval = cfg.SyncInterval
	db.Replica = r
	levels := litestream.CompactionLevels{
		{Level: 0},
		{Level: 1, Interval: 30 * time.Second},
		{Level: 2, Interval: 5 * time.Minute},
		{Level: 3, Interval: time.Hour},
	}
	store := litestream.NewStore([]*litestream.DB{db}, levels)
	store.Logger = logger
	db.SetLogger(logger.With("db", filepath.Base(dbPath)))
	if cfg.Retention > 0 {
		store.SnapshotRetention = cfg.Retention
		store.SnapshotInterval = min(litestream.DefaultSnapshotInterval, cfg.Retention)
	}
	if err := store.Open(ctx); err != nil {
		return nil, fmt.Errorf("backup: start replication: %w", err)
	}
	return &Replicator{db: db, store: store, started: time.Now()}, nil
}

// Close uploads what is left (for up to ctx's deadline) and stops. Call it
// when the server shuts down; the database may stay open.
func (r *Replicator) Close(ctx context.Context) error {
	if !r.closed.CompareAndSwap(false, true) {
		return nil
	}
	return r.store.Close(ctx)
}

// Checkpoint copies the database's write-ahead log into it and truncates
// the log, through Litestream, which first reads what it has not yet
// replicated: a checkpoint behind its back could make it miss frames and
// take a whole new snapshot. An erasure uses it to leave no earlier page
// in the WAL.
func (r *Replicator) Checkpoint(ctx context.Context) error {
	return r.db.Checkpoint(ctx, litestream.CheckpointModeTruncate)
}

// LastReplicated is when the backup last caught up with the database
// (zero before the first time since Start).
func (r *Replicator) LastReplicated() time.Time { return r.db.LastSuccessfulSyncAt() }

// Lag is how long ago the backup last caught up with the database, or
// since Start if it has not yet. A healthy backup stays within a couple
// of sync intervals; writes younger than the lag may be missing from a
// restore.
func (r *Replicator) Lag() time.Duration {
	t := r.LastReplicated()
	if t.IsZero() {
		t = r.started
	}
	return time.Since(t)
}

// Status is the replication state at one moment.
type Status struct {
	LastReplicated time.Time `json:"last_replicated"`
	LagSeconds     float64   `json:"lag_seconds"`
	LocalTXID      uint64    `json:"local_txid"`      // the database's last transaction Litestream has seen
	ReplicatedTXID uint64    `json:"replicated_txid"` // the last one uploaded
}

// Status reads the WAL first, so every transaction committed before the
// call is in LocalTXID: when ReplicatedTXID has reached it, they are all
// in the backup. Errors are Litestream's.
func (r *Replicator) Status(ctx context.Context) (Status, error) {
	if err := r.db.Sync(ctx); err != nil {
		return Status{}, fmt.Errorf("backup: read wal: %w", err)
	}
	pos, err := r.db.Pos()
	if err != nil {
		return Status{}, fmt.Errorf("backup: position: %w", err)
	}
	return Status{
		LastReplicated: r.LastReplicated(),
		LagSeconds:     r.Lag().Seconds(),
		LocalTXID:      uint64(pos.TXID),
		ReplicatedTXID: uint64(r.db.Replica.Pos().TXID),
	}, nil
}

// ErrNoBackup is returned by Restore when the bucket holds no backup at
// the configured path.
var ErrNoBackup = errors.New("no backup found")

// RestoreInfo says what a restore brought back.
type RestoreInfo struct {
	Oldest, Newest time.Time // the backup's time bounds
	Target         time.Time // the moment restored (the newest if not asked)
}

// Restore writes the database as it was at `at` (the latest state when at
// is zero) to outputPath, which must not exist. at must lie within the
// retention window. Errors are ErrNoBackup, or Litestream's and S3's.
func Restore(ctx context.Context, cfg Config, outputPath string, at time.Time, logger *slog.Logger) (RestoreInfo, error) {
	if logger == nil {
		logger = slog.Default()
	}
	var info RestoreInfo
	if _, err := os.Stat(outputPath); err == nil {
		return info, fmt.Errorf("restore: %s exists", outputPath)
	}
	cl := cfg.client(logger)
	if err := cl.Init(ctx); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	r := litestream.NewReplicaWithClient(nil, cl)
	oldest, newest, err := r.TimeBounds(ctx)
	if err != nil {
		return info, fmt.Errorf("restore: read s3://%s/%s: %w", cfg.Bucket, cfg.Path, err)
	}
	if oldest.IsZero() {
		return info, fmt.Errorf("restore: s3://%s/%s: %w", cfg.Bucket, cfg.Path, ErrNoBackup)
	}
	info = RestoreInfo{Oldest: oldest, Newest: newest, Target: newest}
	opt := litestream.NewRestoreOptions()
	opt.OutputPath = outputPath
	opt.IntegrityCheck = litestream.IntegrityCheckQuick
	if !at.IsZero() {
		if at.Before(oldest) {
			return info, fmt.Errorf("restore: %s is before the oldest moment kept, %s", at.Format(time.RFC3339), oldest.Format(time.RFC3339))
		}
		opt.Timestamp = at
		info.Target = at
	}
	if err := r.Restore(ctx, opt); err != nil {
		if errors.Is(err, litestream.ErrTxNotAvailable) || errors.Is(err, litestream.ErrNoSnapshots) {
			return info, fmt.Errorf("restore: %w: %v", ErrNoBackup, err)
		}
		return info, fmt.Errorf("restore: %w", err)
	}
	return info, nil
}
