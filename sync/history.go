package sync

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/schema"
)

// restoredMarker is a file in pb_data that says a restore from a backup
// replaced the database and the feed has not had a new epoch since.
const restoredMarker = "samenspel_restored"

// NewHistory gives the change feed a new epoch: every cursor issued before
// answers cursor_expired, and devices start over. Call it after the
// database went back in time (a restore from a backup), since the
// sequence numbers a device has already passed would be handed out again
// to new writes and never reach it. Errors are the database's.
func NewHistory(app core.App) error {
	if _, err := app.DB().NewQuery(schema.NewEpochSQL).Execute(); err != nil {
		return fmt.Errorf("new feed epoch: %w", err)
	}
	return nil
}

// RegisterHistoryHooks makes a restore from a backup start a new history.
// PocketBase's restore swaps pb_data and then replaces the process
// (execve), so nothing runs after it on the restored database. Instead,
// before the restore a marker file is left in pb_data, kept in place by
// the restore's exclude list, and the next serve (after the migrations,
// which may add the epoch to an old backup) gives the feed a new epoch and
// removes the marker. A restore that fails leaves the marker too: an epoch
// too many only costs devices a fresh pull, one too few loses writes.
func RegisterHistoryHooks(app core.App) {
	app.OnBackupRestore().Bind(&hook.Handler[*core.BackupEvent]{
		Id: "samenspelMarkRestore",
		Func: func(e *core.BackupEvent) error {
			if err := MarkRestored(e.App.DataDir()); err != nil {
				return err
			}
			e.Exclude = append(e.Exclude, restoredMarker)
			return e.Next()
		},
	})
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "samenspelHistoryAfterRestore",
		Func: func(e *core.ServeEvent) error {
			if err := NewHistoryIfRestored(e.App); err != nil {
				return err
			}
			return e.Next()
		},
	})
}

// MarkRestored leaves the restore marker in dataDir (a pb_data): the next
// serve gives the feed a new epoch, so devices start a new history. The
// restore command calls it after it wrote a restored database there.
// Errors are the file system's.
func MarkRestored(dataDir string) error {
	if err := os.WriteFile(filepath.Join(dataDir, restoredMarker), nil, 0o600); err != nil {
		return fmt.Errorf("mark restore: %w", err)
	}
	return nil
}

// NewHistoryIfRestored gives the feed a new epoch if a restore happened
// since the last one (RegisterHistoryHooks' marker), and removes the
// marker. Errors are the database's or the file system's.
func NewHistoryIfRestored(app core.App) error {
	marker := filepath.Join(app.DataDir(), restoredMarker)
	if _, err := os.Stat(marker); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("restore marker: %w", err)
	}
	if err := NewHistory(app); err != nil {
		return err
	}
	if err := os.Remove(marker); err != nil {
		return fmt.Errorf("restore marker: %w", err)
	}
	return nil
}
