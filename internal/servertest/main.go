package servertest

import (
	"os"
	"testing"
)

// Main runs a test binary's tests and then removes the data dirs this
// package made once per binary (the migrated template and the World's),
// so that test runs leave nothing in the temp dir. Every package whose
// tests use this package calls it:
//
//	func TestMain(m *testing.M) { servertest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// Cleanup removes the per-binary data dirs; Main calls it, a TestMain that
// has more to clean up calls it itself.
func Cleanup() {
	for _, dir := range []string{template.dir, worldTemplate.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
}
