package server

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/samenspel/samenspel/internal/command"
	"github.com/samenspel/samenspel/internal/secret"
)

var errSyncCommand = errors.New("sync command failed")

// newSyncCommand returns the "sync" command with its maintenance
// subcommands: `samenspel sync rotate-keys`. A failure ends the process
// with a non-zero status (command.FailOnExit).
func newSyncCommand(app core.App) *cobra.Command {
	fail := command.FailOnExit(app, "samenspelSyncCommandExit", errSyncCommand)
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
				fail()
				return fmt.Errorf("migrations: %w", err)
			}
			if err := secret.Rotate(app); err != nil {
				fail()
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Server secret rotated: devices register again with their login.")
			return nil
		},
	})
	return cmd
}
