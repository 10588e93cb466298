package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/samenspel/samenspel/backup"
	fieldsync "github.com/samenspel/samenspel/sync"
)

const restoreUsage = `Usage: samenspel restore [--to TIME] [--force] --dir DATA_DIR [backup settings]

Restores the database from the continuous backup (docs/backup.md) into an
empty data dir, as it was at TIME (RFC 3339, e.g. 2026-12-04T09:30:00Z;
default: the latest state in the backup), and marks it restored so that
devices start a new history on the next serve and send again what they
hold. The backup settings are the server's (SAMENSPEL_BACKUP_* or
--backup-*). A data dir that is not empty is refused; --force moves it
aside to DATA_DIR.before-restore-<time>, or into DATA_DIR/before-restore-<time>/
when DATA_DIR is a mount point (nothing is deleted).
`

// Restore runs `samenspel restore` with args (after the command name) and
// the process environment; it returns the exit status. It runs outside
// PocketBase's CLI, which would create a database in the data dir before
// any command runs.
func Restore(args, environ []string, stdout, stderr io.Writer) int {
	if err := restore(args, environ, stdout); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprint(stdout, restoreUsage)
			return 0
		}
		fmt.Fprintln(stderr, "samenspel restore:", err)
		return 1
	}
	return 0
}

func restore(args, environ []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("restore", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := Flags(fs)
	dir := fs.String("dir", "", "the data dir (pb_data) to restore into (env "+EnvDataDir+")")
	to := fs.String("to", "", "the moment to restore, RFC 3339 (default: the latest)")
	force := fs.Bool("force", false, "move a non-empty data dir aside instead of refusing it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q\n\n%s", fs.Args(), restoreUsage)
	}
	if err := cfg.Load(fs, environ); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	if !cfg.Backup.On() {
		return errors.New("no backup is configured: set SAMENSPEL_BACKUP=s3 and the SAMENSPEL_BACKUP_S3_* settings the server replicates with")
	}
	if *dir == "" {
		*dir = envMap(environ)[EnvDataDir]
	}
	if *dir == "" {
		return fmt.Errorf("give the data dir to restore into: --dir or %s", EnvDataDir)
	}
	var at time.Time
	if *to != "" && *to != "latest" {
		t, err := time.Parse(time.RFC3339, *to)
		if err != nil {
			return fmt.Errorf("--to %q: want RFC 3339, e.g. 2026-12-04T09:30:00Z", *to)
		}
		at = t
	}

	entries, err := os.ReadDir(*dir)
	if err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return err
	}
	entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return strings.HasPrefix(e.Name(), asidePrefix) })
	if len(entries) > 0 && !*force {
		return fmt.Errorf("%s is not empty: restore into an empty data dir, or give --force to move it aside (nothing is deleted)", *dir)
	}
	if len(entries) > 0 {
		aside, err := moveAside(*dir, entries)
		if err != nil {
			return fmt.Errorf("move the data dir aside: %w", err)
		}
		fmt.Fprintf(stdout, "Moved the old data dir to %s (photos on local disk are in its storage/: copy them back).\n", aside)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	if _, ok := os.LookupEnv("AWS_CA_BUNDLE"); ok {
		_ = os.Unsetenv("AWS_CA_BUNDLE") // see unsetCABundle
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	info, err := backup.Restore(ctx, cfg.Backup.S3, filepath.Join(*dir, "data.db"), at, nil)
	if err != nil {
		return err
	}
	if err := fieldsync.MarkRestored(*dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s/data.db as of %s (the backup holds %s to %s).\n"+
		"On the next serve the sync feed starts a new history: devices pull afresh and send again what they hold.\n",
		*dir, info.Target.UTC().Format(time.RFC3339), info.Oldest.UTC().Format(time.RFC3339), info.Newest.UTC().Format(time.RFC3339))
	return nil
}

// asidePrefix names what --force moved aside inside a data dir.
const asidePrefix = "before-restore-"

// moveAside moves the data dir to DIR.before-restore-<time>, or, when the
// dir cannot be renamed (a volume's mount point in a container), its
// entries into DIR/before-restore-<time>/. Nothing is deleted.
func moveAside(dir string, entries []os.DirEntry) (string, error) {
	stamp := time.Now().UTC().Format("20060102T150405Z")
	aside := filepath.Clean(dir) + "." + asidePrefix + stamp
	if err := os.Rename(dir, aside); err == nil {
		return aside, nil
	}
	aside = filepath.Join(dir, asidePrefix+stamp)
	if err := os.Mkdir(aside, 0o700); err != nil {
		return "", err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(dir, e.Name()), filepath.Join(aside, e.Name())); err != nil {
			return "", err
		}
	}
	return aside, nil
}
