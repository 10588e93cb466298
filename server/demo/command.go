package demo

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/spf13/cobra"
)

// errNotLoaded is what the process ends with when the command failed.
var errNotLoaded = errors.New("demo data not loaded")

// NewCommand returns the "demo" command: `samenspel demo --dir ./pb_data
// [--seed N]` applies the migrations, fills the empty database with Fill
// and prints the logins.
//
// PocketBase runs a command's RunE in a goroutine and ignores its error, so
// a failing command would still exit 0. The command therefore also binds
// an OnTerminate handler that, after PocketBase has closed the databases,
// turns a failed run into an error from app.Start, which main turns into a
// non-zero exit. The failure itself is printed by cobra.
func NewCommand(app core.App) *cobra.Command {
	var seed int64
	var failed atomic.Bool
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "samenspelDemoExit",
		Func: func(e *core.TerminateEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			if failed.Load() {
				return errNotLoaded
			}
			return nil
		},
	})

	cmd := &cobra.Command{
		Use:          "demo",
		Short:        "Fill an empty database with a demo organisation and print its logins",
		Long:         "Creates a fictional RIBW in Overijssel: 3 teams, their begeleiders, teamadviseurs, a coordinator,\nabout 30 clients with goals, steps and network maps, wijksafaris with observations, and feedback.\nRefuses a database that already has teams, staff or clients.",
		Example:      "demo --dir ./pb_data --seed 7",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				failed.Store(true)
				return fmt.Errorf("migrations: %w", err)
			}
			if _, err := Fill(app, cmd.OutOrStdout(), seed); err != nil {
				failed.Store(true)
				return err
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed for names and texts: the same seed gives the same organisation")
	return cmd
}
