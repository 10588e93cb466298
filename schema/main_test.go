package schema_test

import (
	"os"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
)

// TestMain removes the harness's templates and the rules fixture's.
func TestMain(m *testing.M) {
	code := m.Run()
	servertest.Cleanup()
	if fixtureTemplate.dir != "" {
		os.RemoveAll(fixtureTemplate.dir)
	}
	os.Exit(code)
}
