// Package servertest builds real PocketBase test apps (real SQLite in a temp
// dir, our migrations, every hook and route of server.Register) and a small
// named organisation to test against.
package servertest

import (
	"io"
	"os"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/sqlitecache"
	"github.com/samenspel/samenspel/server"
)

var template struct {
	once sync.Once
	dir  string
	err  error
}

// templateDir is a data dir with every migration applied, made once per test
// binary; each test app starts from a copy of it.
func templateDir() (string, error) {
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "samenspel-template-*")
		if err != nil {
			template.err = err
			return
		}
		app := core.NewBaseApp(baseConfig(dir))
		if err := app.Bootstrap(); err != nil {
			template.err = err
			return
		}
		if err := app.RunAllMigrations(); err != nil {
			template.err = err
			return
		}
		template.err = app.ResetBootstrapState()
		template.dir = dir
	})
	return template.dir, template.err
}

// NewApp returns a fresh test app with everything registered, cleaned up
// when the test ends. cfg may be nil for the defaults.
func NewApp(tb testing.TB, cfg *server.Config) *tests.TestApp {
	tb.Helper()
	app := NewUncleanedApp(tb, cfg)
	tb.Cleanup(app.Cleanup)
	return app
}

// NewUncleanedApp is NewApp for tests.ApiScenario factories, which clean up
// the app themselves.
func NewUncleanedApp(tb testing.TB, cfg *server.Config) *tests.TestApp {
	tb.Helper()
	dir, err := templateDir()
	if err != nil {
		tb.Fatalf("template data dir: %v", err)
	}
	return newAppOn(tb, dir, cfg)
}

// baseConfig is the PocketBase configuration of every test app on dir:
// the driver the server uses (with its statement cache), and PocketBase's
// test encryption key variable.
func baseConfig(dir string) core.BaseAppConfig {
	return core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: sqlitecache.Connect}
}

// newAppOn returns a test app with everything registered on a copy of the
// data dir dir; cfg may be nil for the defaults. The caller cleans it up.
func newAppOn(tb testing.TB, dir string, cfg *server.Config) *tests.TestApp {
	tb.Helper()
	app, err := tests.NewTestAppWithConfig(baseConfig(dir))
	if err != nil {
		tb.Fatalf("new test app: %v", err)
	}
	if cfg == nil {
		cfg = server.DefaultConfig()
	}
	if cfg.MailLog == nil { // login codes: in the mailbox (otp.go), not on the test's output
		c := *cfg
		c.MailLog = io.Discard
		cfg = &c
	}
	keepOTPs(app)
	if err := server.Register(app, cfg); err != nil {
		app.Cleanup()
		tb.Fatalf("register: %v", err)
	}
	return app
}

// NewSuperuser saves a superuser (PocketBase's administrator) with the
// given e-mail address and Password.
func NewSuperuser(tb testing.TB, app core.App, email string) *core.Record {
	tb.Helper()
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		tb.Fatalf("superusers: %v", err)
	}
	su := core.NewRecord(col)
	su.SetEmail(email)
	su.SetPassword(Password)
	if err := app.Save(su); err != nil {
		tb.Fatalf("save superuser: %v", err)
	}
	return su
}
