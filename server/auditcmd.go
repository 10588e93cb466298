package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/command"
	"github.com/samenspel/samenspel/server/audit"
)

var errAuditCommand = errors.New("audit command failed")

// newAuditCommand returns the "audit" command: `samenspel audit verify`
// walks the access log's hash chain and fails (non-zero exit) naming the
// first broken entry.
func newAuditCommand(app core.App) *cobra.Command {
	fail := command.FailOnExit(app, "samenspelAuditCommandExit", errAuditCommand)
	cmd := &cobra.Command{Use: "audit", Short: "Check the access log"}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Verify the access log's hash chain",
		Long: "Walks every entry of the access log (pb_data/" + accesslog.FileName + ") and checks that each one's hash covers its\n" +
			"content and the entry before it. Exits non-zero naming the first entry that was changed, removed or inserted.\n" +
			"It prints the last entry's number and hash: note them somewhere else to detect a later rewrite of the whole chain.\n" +
			"A running server may keep writing meanwhile.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			path := filepath.Join(app.DataDir(), accesslog.FileName)
			if _, err := os.Stat(path); err != nil {
				fail()
				return fmt.Errorf("no access log at %s: %w", path, err)
			}
			rep, err := accesslog.Verify(cmd.Context(), path)
			if err != nil {
				fail()
				return err
			}
			out := cmd.OutOrStdout()
			if !rep.OK() {
				fail()
				return fmt.Errorf("access log broken at entry %d: %s", rep.BrokenSeq, rep.BrokenWhat)
			}
			fmt.Fprintf(out, "Access log intact: %d entries", rep.Entries)
			if rep.AnchorSeq > 0 {
				fmt.Fprintf(out, " after entry %d (older ones were removed after the retention period)", rep.AnchorSeq)
			}
			fmt.Fprintf(out, ".\nLast entry: %d, hash %s\n", rep.HeadSeq, rep.HeadHash)
			return nil
		},
	})
	return cmd
}

// pruneAccessLog removes entries past the retention period and writes the
// chain's head to PocketBase's own log, a record kept apart from the
// access log's file of how far the chain reached.
func pruneAccessLog(app core.App, rec *audit.Recorder, retention time.Duration) {
	l, err := rec.Log()
	if err != nil {
		app.Logger().Error("access log: prune", "error", err.Error())
		return
	}
	n, err := l.Prune(time.Now().Add(-retention))
	if err != nil {
		app.Logger().Error("access log: prune", "error", err.Error())
		return
	}
	head, err := l.Query(context.Background(), accesslog.Filter{Limit: 1})
	if err != nil || len(head) == 0 {
		app.Logger().Info("access log: pruned", "entries", n)
		return
	}
	app.Logger().Info("access log: pruned", "entries", n, "head_seq", head[0].Seq, "head_hash", head[0].Hash)
}
