package fieldapp_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"path"
	"regexp"
	"sort"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
)

// firstLoadBudget is what a phone may download on its first visit: HTML,
// JavaScript and CSS, each file gzipped (issue 11).
const firstLoadBudget = 150 * 1024

// TestFirstLoadSize adds up what a first load of /app/ downloads, gzipped:
// index.html, the service worker and everything the worker precaches that
// is HTML, JavaScript or CSS (the app's modules, the vendor bundle, the
// sync library). The worker installs on the first visit and fetches its
// whole list, so this is a superset of the page's own module graph, and
// the honest figure for a phone's first visit.
func TestFirstLoadSize(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	srv := servertest.Serve(t, app)

	get := func(p string) []byte {
		t.Helper()
		res, err := http.Get(srv.URL + "/app/" + p)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /app/%s: %d %v", p, res.StatusCode, err)
		}
		return b
	}
	sw := get("sw.js")
	m := regexp.MustCompile(`precacheAndRoute\((\[.*?\])`).FindSubmatch(sw)
	if m == nil {
		t.Fatal("sw.js has no precache list")
	}
	var list []struct{ URL string }
	if err := json.Unmarshal(m[1], &list); err != nil {
		t.Fatalf("precache list: %v", err)
	}
	files := map[string]int{"": gzipSize(t, get("")), "sw.js": gzipSize(t, sw)}
	for _, e := range list {
		switch path.Ext(e.URL) {
		case ".html", ".js", ".mjs", ".css":
			files[e.URL] = gzipSize(t, get(e.URL))
		}
	}
	for _, want := range []string{"index.html", "app.js", "app.css", "vendor/dexie.js", "vendor/workbox.js", "sync/index.js", "sync/client.js"} {
		if _, ok := files[want]; !ok {
			t.Errorf("the first load does not fetch %s", want)
		}
	}
	total := 0
	names := make([]string, 0, len(files))
	for name, n := range files {
		total += n
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return files[names[i]] > files[names[j]] })
	for _, name := range names[:min(5, len(names))] {
		t.Logf("  %-28s %6.1f kB", "/app/"+name, float64(files[name])/1024)
	}
	t.Logf("first load: %d files, %.1f kB gzipped (budget %d kB)", len(files), float64(total)/1024, firstLoadBudget/1024)
	if total > firstLoadBudget {
		t.Errorf("first load is %.1f kB gzipped, over the budget of %d kB", float64(total)/1024, firstLoadBudget/1024)
	}
}

// gzipSize is the size of b gzipped at the default level, as a server or
// proxy in front of the app would send it.
func gzipSize(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
