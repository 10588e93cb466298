package servertest

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// Building the World hashes a password for every person (bcrypt), which
// takes most of a second. Tests that need many fresh copies of it (one per
// write scenario) get a copy of a data dir in which the World was built
// once per test binary: a file copy of a few milliseconds.
var worldTemplate struct {
	once  sync.Once
	dir   string
	world *World
	err   error
}

// worldDir builds the World once in its own data dir and closes it.
func worldDir(tb testing.TB) (string, *World, error) {
	worldTemplate.once.Do(func() {
		// NewWorld reports failures with tb.Fatalf, which ends this
		// goroutine inside Do; the error below is what later callers see.
		worldTemplate.err = errors.New("building the world template failed (see the first test that asked for it)")
		app := NewUncleanedApp(tb, nil)
		w := NewWorld(tb, app)
		dir := app.DataDir()
		if err := app.ResetBootstrapState(); err != nil {
			worldTemplate.err = err
			return
		}
		worldTemplate.dir, worldTemplate.world, worldTemplate.err = dir, w, nil
	})
	return worldTemplate.dir, worldTemplate.world, worldTemplate.err
}

// NewWorldApp returns a fresh test app (everything registered, as NewApp)
// that already holds the World, cleaned up when the test ends. It is
// NewApp followed by NewWorld, only much faster; every call starts from
// the same state, so tests may write freely.
func NewWorldApp(tb testing.TB) (*tests.TestApp, *World) {
	tb.Helper()
	app, w := NewUncleanedWorldApp(tb)
	tb.Cleanup(app.Cleanup)
	return app, w
}

// NewUncleanedWorldApp is NewWorldApp for tests.ApiScenario factories,
// which clean up the app themselves.
func NewUncleanedWorldApp(tb testing.TB) (*tests.TestApp, *World) {
	tb.Helper()
	dir, template, err := worldDir(tb)
	if err != nil {
		tb.Fatalf("world template: %v", err)
	}
	app := NewUncleanedAppFrom(tb, dir)
	w, err := reloadWorld(app, template)
	if err != nil {
		app.Cleanup()
		tb.Fatalf("reload world: %v", err)
	}
	return app, w
}

// NewUncleanedAppFrom returns a test app (everything registered) on a copy
// of dir, a data dir a test built and closed (app.ResetBootstrapState) as
// its own template: for fixtures beyond the World that many scenarios
// need fresh. The caller cleans it up.
func NewUncleanedAppFrom(tb testing.TB, dir string) *tests.TestApp {
	tb.Helper()
	return newAppOn(tb, dir, nil)
}

// reloadWorld reads every record of the template World from app, so the
// records a test holds belong to the app it writes to.
func reloadWorld(app core.App, template *World) (*World, error) {
	w := &World{}
	src, dst := reflect.ValueOf(template).Elem(), reflect.ValueOf(w).Elem()
	for i := 0; i < src.NumField(); i++ {
		if !src.Type().Field(i).IsExported() {
			continue
		}
		rec, ok := src.Field(i).Interface().(*core.Record)
		if !ok || rec == nil {
			continue
		}
		fresh, err := app.FindRecordById(rec.Collection().Name, rec.Id)
		if err != nil {
			return nil, err
		}
		dst.Field(i).Set(reflect.ValueOf(fresh))
	}
	return w, nil
}
