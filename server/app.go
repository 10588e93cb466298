package server

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/hooks"
	"github.com/samenspel/samenspel/internal/sqlitecache"
	_ "github.com/samenspel/samenspel/schema" // the migrations
	"github.com/samenspel/samenspel/server/audit"
	"github.com/samenspel/samenspel/server/demo"
	"github.com/samenspel/samenspel/server/fieldapp"
	"github.com/samenspel/samenspel/server/invite"
	"github.com/samenspel/samenspel/server/review"
	"github.com/samenspel/samenspel/server/web"
	fieldsync "github.com/samenspel/samenspel/sync"
	syncjs "github.com/samenspel/samenspel/sync/js"
)

// New builds the PocketBase app with everything of ours registered.
// PocketBase's own CLI (serve, superuser, migrate) stays as it is; args
// are the command line without the program name, environ the environment.
func New(args, environ []string) (*pocketbase.PocketBase, *Config, error) {
	env := envMap(environ)
	var cfg *Config
	pbConfig := pocketbase.Config{DBConnect: func(path string) (*dbx.DB, error) {
		// Litestream checkpoints data.db while backup is on (package backup).
		// A serving server checkpoints it in the background (checkpoint.go).
		if cfg != nil && (cfg.Backup.On() || cfg.Ops.CheckpointEvery > 0) && filepath.Base(path) == "data.db" {
			return sqlitecache.ConnectNoAutoCheckpoint(path)
		}
		return sqlitecache.Connect(path)
	}}
	if dir := env[EnvDataDir]; dir != "" && !hasFlag(args, "dir") {
		pbConfig.DefaultDataDir = dir
	}
	app := pocketbase.NewWithConfig(pbConfig)

	cfg = Flags(app.RootCmd.PersistentFlags())
	_ = app.RootCmd.ParseFlags(args) // unknown flags belong to subcommands; cobra reports them on Execute
	if err := cfg.Load(app.RootCmd.PersistentFlags(), environ); err != nil {
		return nil, nil, fmt.Errorf("configuration: %w", err)
	}
	if len(args) > 0 && args[0] == "serve" && !cfg.Backup.On() {
		cfg.Ops.CheckpointEvery = time.Second
	}
	if addr := env[EnvHTTP]; addr != "" && len(args) > 0 && args[0] == "serve" && !hasFlag(args, "http") {
		args = append(slices.Clone(args), "--http="+addr)
	}
	app.RootCmd.SetArgs(args)

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{TemplateLang: migratecmd.TemplateLangGo, Automigrate: false})
	app.RootCmd.AddCommand(demo.NewCommand(app))
	app.RootCmd.AddCommand(newSyncCommand(app))
	app.RootCmd.AddCommand(newClientsCommand(app, cfg))
	app.RootCmd.AddCommand(newAuditCommand(app))
	if err := Register(app, cfg); err != nil {
		return nil, nil, err
	}
	return app, cfg, nil
}

// Register binds our hooks, routes and commands to an app. Tests call it on
// a test app; New calls it on the real one.
func Register(app core.App, cfg *Config) error {
	if err := hooks.Register(app); err != nil {
		return fmt.Errorf("register hooks: %w", err)
	}
	var rec *audit.Recorder // nil: the access log is off (benchmarks)
	if !cfg.AccessLog.Off {
		var err error
		if rec, err = audit.Register(app); err != nil {
			return fmt.Errorf("register access log: %w", err)
		}
		app.Cron().MustAdd("samenspelPruneAccessLog", "43 3 * * *", func() { pruneAccessLog(app, rec, cfg.AccessLog.Retention) })
	}
	svcCfg := *cfg
	if rec != nil && svcCfg.OnErase == nil {
		svcCfg.OnErase = rec.Erased // an erasure is kept in the access log: who, whom, when
	}
	stopping := &drain{}
	bindDrain(app, stopping, cfg.Ops.ShutdownTimeout)
	ops := cfg.Ops
	if cfg.Backup.On() && ops.BackupLag == nil {
		ops.BackupLag = func() (time.Duration, bool) { return BackupLag(app) }
	}
	mx := newMetrics(app, ops, stopping.inFlight)
	svc := newSyncService(app, &svcCfg, mx.observePull)
	registerStaffLogin(app, cfg)
	svc.RegisterMediaHooks(app)
	bindEraseOnDelete(app, svc) // a REST delete of a client erases them
	fieldsync.RegisterHistoryHooks(app)
	registerBackup(app, cfg.Backup)
	if err := invite.Register(app, cfg.PublicURL); err != nil {
		return fmt.Errorf("register invites: %w", err)
	}
	if err := review.Register(app); err != nil {
		return fmt.Errorf("register review api: %w", err)
	}
	if err := web.Register(app, cfg.Storage.PhotoOrigins()...); err != nil {
		return fmt.Errorf("register review page: %w", err)
	}
	if err := fieldapp.Register(app, syncjs.Files, cfg.Storage.PhotoOrigins()...); err != nil {
		return fmt.Errorf("register field app: %w", err)
	}
	limit := newSyncLimits(cfg.Sync.RatePerSecond, cfg.Sync.RateBurst)
	var stopSeen atomic.Pointer[func() error] // ends the writer of the devices' last-sync stamps (sync/devices_seen.go)
	var stopCkpt atomic.Pointer[func()]       // ends the background checkpoints (checkpoint.go)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelSyncAPI",
		Func: func(se *core.ServeEvent) error {
			if err := enableRateLimits(se.App); err != nil {
				return err
			}
			if err := startStaffLogin(se.App, cfg); err != nil {
				return fmt.Errorf("staff login: %w", err)
			}
			// Once per database: a failure (a full disk, say) is logged
			// and tried again by the next erasure, which needs it.
			if err := svc.RebuildOnce(); err != nil {
				se.App.Logger().Error("rebuild the database files once for secure_delete", "error", err.Error())
			}
			refreshRenders(se.App)
			if err := mountSync(se, svc, limit, cfg, rec, mx); err != nil {
				return err
			}
			if err := serveMetrics(se, mx, cfg.Ops); err != nil {
				return err
			}
			mountErase(se, svc)
			stop := svc.FlushSeenEvery(fieldsync.SeenFlushInterval)
			stopSeen.Store(&stop)
			if cfg.Ops.CheckpointEvery > 0 {
				stopCheckpoints := checkpointEvery(se.App, cfg.Ops.CheckpointEvery)
				stopCkpt.Store(&stopCheckpoints)
			}
			return se.Next()
		},
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "samenspelFlushDeviceStamps",
		Func: func(e *core.TerminateEvent) error {
			if stop := stopSeen.Load(); stop != nil {
				if err := (*stop)(); err != nil {
					e.App.Logger().Warn("write device sync times", "error", err.Error())
				}
			}
			if stop := stopCkpt.Load(); stop != nil {
				(*stop)()
			}
			return e.Next()
		},
	})
	app.Cron().MustAdd("samenspelPurgeSyncHistory", "17 * * * *", func() {
		st, err := svc.Purge(time.Now())
		if err != nil {
			app.Logger().Error("purge sync history", "error", err.Error())
			return
		}
		app.Logger().Info("purged sync history", "feed_rows", st.FeedRows, "mutations", st.Mutations, "purged_seq", st.PurgedSeq)
	})
	app.Cron().MustAdd("samenspelRetainConflicts", "23 * * * *", func() {
		st, err := svc.Retain(time.Now())
		if err != nil {
			app.Logger().Error("remove old conflicts and rejections", "error", err.Error())
			return
		}
		if st.Conflicts > 0 || st.Rejections > 0 {
			app.Logger().Info("removed old conflicts and rejections", "conflicts", st.Conflicts, "rejections", st.Rejections)
		}
	})
	app.Cron().MustAdd("samenspelSweepPhotos", "*/10 * * * *", func() {
		st, err := svc.SweepMedia(context.Background(), time.Now())
		if err != nil {
			app.Logger().Error("sweep photos", "error", err.Error())
			return
		}
		if st.PendingRecords+st.Objects > 0 {
			app.Logger().Info("swept photos", "pending_records", st.PendingRecords, "objects", st.Objects)
		}
	})
	return nil
}

// newSyncService is the sync protocol over app as cfg configures it;
// onPull (may be nil) sees every pull that answered (the metrics).
func newSyncService(app core.App, cfg *Config, onPull func(fieldsync.PullStats)) *fieldsync.Service {
	return fieldsync.New(app, fieldsync.Config{
		TombstoneHorizon:   cfg.Sync.TombstoneHorizon,
		MinSchemaVersion:   cfg.Sync.MinSchemaVersion,
		DeviceTokenTTL:     cfg.Sync.DeviceTokenTTL,
		MaxDevices:         cfg.Sync.MaxDevices,
		ReplayWindow:       replayWindow(app, cfg.Backup.ReplayWindow),
		ConflictRetention:  cfg.Sync.ConflictRetention,
		RejectionRetention: cfg.Sync.RejectionRetention,
		Now:                cfg.Now,
		OnErase:            cfg.OnErase,
		OnPull:             onPull,
		Media:              fieldsync.MediaConfig{PendingTTL: cfg.Storage.PendingTTL},
		StaffIdPMFA:        cfg.Staff.MFA == StaffMFAIdP,
		CheckpointData:     backupCheckpoint(app, cfg.Backup),
	})
}

func envMap(environ []string) map[string]string {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// hasFlag reports whether --name or --name=... is among args.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") || a == "-"+name {
			return true
		}
	}
	return false
}
