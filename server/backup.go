package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/backup"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// backupStoreKey is where the running replicator is kept in the app's
// store, for BackupLag and the status endpoint.
const backupStoreKey = "samenspel.backup"

// BackupLag is how long ago the continuous backup last caught up with the
// database, and whether backup is on in this app (false: off, or not yet
// started). It is what /metrics reports as backup lag; writes younger
// than it may be missing from a restore.
func BackupLag(app core.App) (lag time.Duration, on bool) {
	r, ok := app.Store().Get(backupStoreKey).(*backup.Replicator)
	if !ok || r == nil {
		return 0, false
	}
	return r.Lag(), true
}

// backupCheckpoint is how the sync service checkpoints data.db: through
// the replicator while backup is on and runs in this process (Litestream
// owns the checkpoints, docs/backup.md), else SQLite's own (nil). A
// command (`samenspel clients erase`) has no replicator: it checkpoints
// itself, and a Litestream running in the server may then upload a new
// snapshot, which costs an upload, never data.
func backupCheckpoint(app core.App, cfg BackupConfig) func(context.Context) error {
	if !cfg.On() {
		return nil
	}
	return func(ctx context.Context) error {
		if r, ok := app.Store().Get(backupStoreKey).(*backup.Replicator); ok && r != nil {
			return r.Checkpoint(ctx)
		}
		return fieldsync.CheckpointTruncate(app.NonconcurrentDB())
	}
}

// replayWindow is the window devices keep acknowledged mutations for: the
// configured one, or twice the backup's lag when that is longer (a backup
// falling behind must not let devices forget what it lacks).
func replayWindow(app core.App, min time.Duration) func() time.Duration {
	return func() time.Duration {
		if lag, on := BackupLag(app); on && 2*lag > min {
			return 2 * lag
		}
		return min
	}
}

// unsetCABundle drops AWS_CA_BUNDLE from the process environment: the AWS
// SDK Litestream uses refuses to start with it set (it cannot add a CA
// bundle to the custom HTTP client Litestream gives it). Go's TLS reads
// the system store and SSL_CERT_FILE / SSL_CERT_DIR, so put an extra CA
// there instead.
func unsetCABundle(app core.App) {
	if v, ok := os.LookupEnv("AWS_CA_BUNDLE"); ok {
		app.Logger().Warn("backup: AWS_CA_BUNDLE is ignored (the S3 client cannot use it); give extra CAs with SSL_CERT_FILE", "AWS_CA_BUNDLE", v)
		_ = os.Unsetenv("AWS_CA_BUNDLE")
	}
}

// registerBackup starts replicating data.db when the server starts serving
// and stops (after a last upload) when it terminates. A backup that cannot
// start fails the start: a server believed to be backed up must be.
func registerBackup(app core.App, cfg BackupConfig) {
	if !cfg.On() {
		return
	}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelBackup",
		Func: func(se *core.ServeEvent) error {
			unsetCABundle(se.App)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r, err := backup.Start(ctx, filepath.Join(se.App.DataDir(), "data.db"), cfg.S3, se.App.Logger().With("subsystem", "backup"))
			if err != nil {
				return err
			}
			se.App.Store().Set(backupStoreKey, r)
			// PocketBase's nightly TRUNCATE checkpoint would wait on
			// Litestream's read transaction holding the writer lock;
			// Litestream checkpoints. Keep the nightly optimize.
			se.App.Cron().Remove("__pbDBOptimize__")
			se.App.Cron().MustAdd("samenspelDBOptimize", "0 0 * * *", func() {
				if _, err := se.App.NonconcurrentDB().NewQuery("PRAGMA optimize").Execute(); err != nil {
					se.App.Logger().Warn("PRAGMA optimize", "error", err.Error())
				}
			})
			se.Router.GET("/api/backup/v1/status", func(e *core.RequestEvent) error {
				st, err := r.Status(e.Request.Context())
				if err != nil {
					return e.InternalServerError("", err)
				}
				return e.JSON(http.StatusOK, st)
			}).Bind(apis.RequireSuperuserAuth())
			return se.Next()
		},
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "samenspelBackupStop",
		Func: func(e *core.TerminateEvent) error {
			if r, ok := e.App.Store().Get(backupStoreKey).(*backup.Replicator); ok {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := r.Close(ctx); err != nil {
					e.App.Logger().Error("backup: last upload", "error", err.Error())
				}
			}
			return e.Next()
		},
	})
}
