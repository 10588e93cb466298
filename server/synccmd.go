package server

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/spf13/cobra"

	"github.com/samenspel/samenspel/internal/secret"
)

var errSyncCommand = errors.New("sync command failed")

// newSyncCommand returns the "sync" command with its maintenance
// subcommands: `samenspel sync rotate-keys`. As for the demo command,
// PocketBase ignores a command's error, so a failure is turned into an
// error of app.Start (a non-zero exit) by an OnTerminate handler.
func newSyncCommand(app core.App) *cobra.Command {
	var failed atomic.Bool
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "samenspelSyncCommandExit",
		Func: func(e *core.TerminateEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			if failed.Load() {
				return errSyncCommand
			}
			return nil
		},
	})
	cmd := &cobra.Command{Use: "sync", Short: "Maintain the sync protocol's state"}
	cmd.AddCommand(&cobra.Command{
		Use:   "rotate-keys",
		Short: "Replace the server secret that signs device tokens and cursors",
		Long: "Replaces the server secret with a fresh random one and keeps the replaced one as the previous secret.\n" +
			"Device tokens and photo links signed with the old secret stop working: apps register again with their login.\n" +
			"Cursors made with it make their device start over. A running server picks the new secret up within a second.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				failed.Store(true)
				return fmt.Errorf("migrations: %w", err)
			}
			if err := secret.Rotate(app); err != nil {
				failed.Store(true)
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Server secret rotated: devices register again with their login.")
			return nil
		},
	})
	return cmd
}
