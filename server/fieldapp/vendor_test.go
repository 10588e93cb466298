package fieldapp_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/samenspel/samenspel/internal/servertest"
)

var updateVendor = flag.Bool("vendor.update", false, "write the rebuilt bundle into static/vendor/")

// vendorBundles are the files of static/vendor/ and how each is built:
// Dexie as an ES module the pages import, Workbox as a classic script the
// service worker loads with importScripts.
var vendorBundles = []struct {
	entry, out string
	format     api.Format
}{
	{"vendor-src/dexie.js", "static/vendor/dexie.js", api.FormatESModule},
	{"vendor-src/workbox.js", "static/vendor/workbox.js", api.FormatIIFE},
}

// TestVendorBundleIsFresh installs the pinned packages (npm ci from
// package-lock.json), bundles them with esbuild's Go API and fails when a
// committed file in static/vendor/ differs: nobody can change the bundle
// by hand, or the lock file without the bundle.
func TestVendorBundleIsFresh(t *testing.T) {
	servertest.NodeModules(t, ".", "dexie")
	for _, b := range vendorBundles {
		got := mustBundle(t, b.entry, b.format)
		if *updateVendor {
			if err := os.WriteFile(b.out, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		committed, err := os.ReadFile(b.out)
		if err != nil {
			t.Fatalf("%s: %v (run go test -run TestVendorBundleIsFresh -vendor.update)", b.out, err)
		}
		if !bytes.Equal(committed, got) {
			t.Errorf("%s is stale: rebuilt from node_modules it is %d bytes, committed %d; run go test -run TestVendorBundleIsFresh -vendor.update", b.out, len(got), len(committed))
		}
	}
}

func mustBundle(tb testing.TB, entry string, format api.Format) []byte {
	tb.Helper()
	abs, err := filepath.Abs(entry)
	if err != nil {
		tb.Fatal(err)
	}
	res := api.Build(api.BuildOptions{
		EntryPoints:      []string{abs},
		AbsWorkingDir:    filepath.Dir(filepath.Dir(abs)),
		Bundle:           true,
		Format:           format,
		Target:           api.ES2020,
		Platform:         api.PlatformBrowser,
		MinifyWhitespace: true,
		MinifySyntax:     true,
		LegalComments:    api.LegalCommentsEndOfFile,
		Define:           map[string]string{"process.env.NODE_ENV": `"production"`},
		Charset:          api.CharsetUTF8,
		Write:            false,
		LogLevel:         api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range res.Errors {
			msgs = append(msgs, m.Text)
		}
		tb.Fatalf("esbuild %s: %s", entry, strings.Join(msgs, "; "))
	}
	if len(res.OutputFiles) != 1 {
		tb.Fatalf("esbuild %s: %d output files, want 1", entry, len(res.OutputFiles))
	}
	return res.OutputFiles[0].Contents
}
