// Package command holds what our CLI commands share.
package command

import (
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// FailOnExit makes a failed command end the process with a non-zero
// status. PocketBase runs a command's RunE in a goroutine and ignores its
// error, so a failing command would still exit 0. FailOnExit binds an
// OnTerminate handler (named id) that, after PocketBase has closed the
// databases, returns err from app.Start once the returned fail has been
// called; main turns that into a non-zero exit. The failure itself is
// printed by cobra.
func FailOnExit(app core.App, id string, err error) (fail func()) {
	var failed atomic.Bool
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: id,
		Func: func(e *core.TerminateEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			if failed.Load() {
				return err
			}
			return nil
		},
	})
	return func() { failed.Store(true) }
}
