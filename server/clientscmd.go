package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/samenspel/samenspel/internal/command"
	"github.com/samenspel/samenspel/server/audit"
)

var errClientsCommand = errors.New("clients command failed")

// newClientsCommand returns the "clients" command: `samenspel clients
// erase ID` erases a client as the endpoint does (docs/erasure.md), for an
// operator at the server's shell. A failure ends the process with a
// non-zero status.
func newClientsCommand(app core.App, cfg *Config) *cobra.Command {
	fail := command.FailOnExit(app, "samenspelClientsCommandExit", errClientsCommand)
	cmd := &cobra.Command{Use: "clients", Short: "Manage clients"}
	var by string
	erase := &cobra.Command{
		Use:   "erase ID",
		Short: "Erase a client on their request: their data, words, photos, devices and ids",
		Long: "Erases the client with this id, as POST " + ErasePath + " does: their account, plan, network,\n" +
			"the observations they logged and their photos (also in storage), invites, devices, every copy of their words\n" +
			"in conflicts and rejections, their rows in the change feed and the request log, then rebuilds the database files.\n" +
			"Prefer the endpoint on a running server: it also clears the request log entries the server has not written yet.",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				fail()
				return fmt.Errorf("migrations: %w", err)
			}
			ctx := context.Background()
			svcCfg := *cfg
			if !cfg.AccessLog.Off {
				// The erasure is recorded, or it does not happen. The log
				// may be open in a running server too: both append to one
				// chain (internal/accesslog reads its head in each write).
				rec := audit.NewRecorder(app)
				if _, err := rec.Log(); err != nil {
					fail()
					return fmt.Errorf("open the access log (nothing was erased): %w", err)
				}
				defer rec.Close()
				svcCfg.OnErase = rec.Erased
			}
			svc := newSyncService(app, &svcCfg, nil)
			store, err := OpenStore(ctx, app, cfg)
			if err != nil {
				fail()
				return err
			}
			svc.SetMediaStore(store)
			res, err := svc.EraseClient(ctx, args[0], "cli:"+by)
			if err != nil {
				fail()
				return err
			}
			out, _ := json.MarshalIndent(res.Removed, "", "  ")
			fmt.Fprintf(cmd.OutOrStdout(), "Client erased. Removed:\n%s\n", out)
			return nil
		},
	}
	erase.Flags().StringVar(&by, "by", "operator", "who asked for the erasure (kept in the access log)")
	cmd.AddCommand(erase)
	return cmd
}
