package server

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// NewClientsCommand is the `samenspel clients` command over app, for
// tests that run it next to a serving app.
func NewClientsCommand(app core.App, cfg *Config) *cobra.Command { return newClientsCommand(app, cfg) }

// CheckpointEvery is checkpointEvery, for TestCheckpointEvery.
func CheckpointEvery(app core.App, every time.Duration) (stop func()) {
	return checkpointEvery(app, every)
}
