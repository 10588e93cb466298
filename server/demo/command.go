package demo

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/samenspel/samenspel/internal/command"
)

// errNotLoaded is what the process ends with when the command failed.
var errNotLoaded = errors.New("demo data not loaded")

// NewCommand returns the "demo" command: `samenspel demo --dir ./pb_data
// [--seed N]` applies the migrations, fills the empty database with Fill
// and prints the logins.
// A failure ends the process with a non-zero status (command.FailOnExit).
func NewCommand(app core.App) *cobra.Command {
	var seed int64
	fail := command.FailOnExit(app, "samenspelDemoExit", errNotLoaded)

	cmd := &cobra.Command{
		Use:          "demo",
		Short:        "Fill an empty database with a demo organisation and print its logins",
		Long:         "Creates a fictional RIBW in Overijssel: 3 teams, their begeleiders, teamadviseurs, a coordinator,\nabout 30 clients with goals, steps and network maps, wijksafaris with observations, and feedback.\nRefuses a database that already has teams, staff or clients.",
		Example:      "demo --dir ./pb_data --seed 7",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				fail()
				return fmt.Errorf("migrations: %w", err)
			}
			if _, err := Fill(app, cmd.OutOrStdout(), seed); err != nil {
				fail()
				return err
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed for names and texts: the same seed gives the same organisation")
	return cmd
}
