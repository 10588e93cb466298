package syncjs_test

// BenchmarkSyncBrowser: the first sync of a begeleider whose team has
// about 5,000 records, by the JavaScript SyncClient with DexieStore into
// IndexedDB in headless Chromium (bench/bench-page.js, driven by
// bench/driver.mjs through playwright-core), next to the Go client
// (sync/client, records in memory) of the same person on the same data
// and server in the same run, both asking for pages of 1000 (BENCH_LIMIT
// sets another size); then the incremental sync with nothing new (one
// round trip each). It needs Chromium (Debian's, installed by apt.Tool)
// and npm. Run it with
//
//	go test ./sync/js/ -run '^$' -bench 'SyncBrowser$' -benchtime 3x -count 5
//
// Every benchmark ends with summary lines (medians over the -count runs
// so far): records/s of each side and their ratio (target: the browser at
// least half the Go client's rate), and the time per incremental sync
// (target < 100 ms in the browser). The page also sums the time spent
// waiting for the server (fetch until the answer's headers) and in
// IndexedDB writes (store.batch and put), reported as metrics; the two
// overlap, since the client asks for the next page while it reads and
// writes one. BENCH_TIMELINE=1 prints each first sync's timeline.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	gosync "sync"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/server"
	"github.com/samenspel/samenspel/sync/client"
)

const (
	benchRecords    = 5000
	benchIncRepeats = 20 // syncs per op of the incremental benchmarks
)

func BenchmarkSyncBrowser(b *testing.B) {
	chromium := apt.Tool(b, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(b, ".", "playwright-core")
	servertest.NodeModules(b, ".", "dexie")

	cfg := server.DefaultConfig()
	cfg.Sync.RatePerSecond = 0 // the per-device limit would throttle a benchmark
	cfg.Sync.MaxDevices = 1 << 20
	app := servertest.NewApp(b, cfg)
	data := fillBenchTeam(b, app, benchRecords)
	fmt.Fprintf(os.Stderr, "bench data: %d records %v, saved with hooks in %s\n", data.total, data.counts, data.setup.Round(time.Millisecond))
	srv := serveWith(b, app, map[string]http.Handler{"/_bench/": benchFiles()})
	token := servertest.Token(b, data.begeleider)
	page := startBrowser(b, node, srv.URL+"/_bench/bench.html", chromium)

	// Both clients ask for pages of the JS client's default size (1000),
	// or BENCH_LIMIT's.
	limit := 1000
	fmt.Sscan(os.Getenv("BENCH_LIMIT"), &limit)
	goClient := func(gzip bool) *client.Client {
		c := client.New(srv.URL, fmt.Sprintf("bench-go-%d", time.Now().UnixNano()))
		c.PullLimit = limit
		if !gzip { // Go's transport would ask for gzip itself, as a browser does
			c.HTTP = &http.Client{Transport: &http.Transport{DisableCompression: true}}
		}
		if err := c.Register(context.Background(), token); err != nil {
			b.Fatal(err)
		}
		return c
	}
	goFirst := func(gzip bool) func(b *testing.B) {
		return func(b *testing.B) {
			meter := start(b)
			for b.Loop() {
				b.StopTimer()
				c := goClient(gzip)
				b.StartTimer()
				if err := c.Pull(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if got := c.Store().Len(); got != data.total {
					b.Fatalf("Go client holds %d records, want %d", got, data.total)
				}
				b.StartTimer()
			}
			meter.finish(data.total, 1)
		}
	}
	b.Run("first/go-client-gzip", goFirst(true))
	b.Run("first/go-client", goFirst(false))
	jsFirst := func(dexieOptions map[string]any) func(b *testing.B) {
		return func(b *testing.B) {
			var split pageTiming
			meter := start(b)
			for b.Loop() {
				b.StopTimer()
				page.call(b, "prepare", map[string]any{"token": token, "db": fmt.Sprintf("bench-%d", time.Now().UnixNano()), "dexieOptions": dexieOptions, "pullLimit": limit}, nil)
				b.StartTimer()
				var r pageTiming
				page.call(b, "sync", 1, &r)
				b.StopTimer()
				split.add(r)
				if os.Getenv("BENCH_TIMELINE") != "" {
					fmt.Fprintf(os.Stderr, "timeline: %v\n", r.Timeline)
				}
				var n int
				if page.call(b, "count", nil, &n); n != data.total {
					b.Fatalf("IndexedDB holds %d records, want %d", n, data.total)
				}
				b.StartTimer()
			}
			meter.finish(data.total, 1)
			split.report(b, 1)
		}
	}
	b.Run("first/js-chromium-dexie", jsFirst(nil))
	// DexieStore's writes are strict (complete once on disk); Chromium's
	// default since version 121 is relaxed (once the OS has the data).
	b.Run("first/js-chromium-dexie-relaxed", jsFirst(map[string]any{"chromeTransactionDurability": "relaxed"}))

	b.Run("incremental/go-client", func(b *testing.B) {
		c := goClient(true)
		if err := c.Pull(context.Background()); err != nil {
			b.Fatal(err)
		}
		meter := start(b)
		for b.Loop() {
			for range benchIncRepeats {
				if err := c.Pull(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		}
		meter.finish(0, benchIncRepeats)
	})
	b.Run("incremental/js-chromium-dexie", func(b *testing.B) {
		page.call(b, "prepare", map[string]any{"token": token, "db": fmt.Sprintf("bench-%d", time.Now().UnixNano())}, nil)
		page.call(b, "sync", 1, nil)
		var split pageTiming
		meter := start(b)
		for b.Loop() {
			var r pageTiming
			page.call(b, "sync", benchIncRepeats, &r)
			split.add(r)
		}
		meter.finish(0, benchIncRepeats)
		split.report(b, benchIncRepeats)
	})

	me := b.Name() + "/"
	rate := func(name string) (float64, int) {
		v, n := median(me + name)
		return float64(data.total) / (v / 1e9), n
	}
	js, n1 := rate("first/js-chromium-dexie")
	goRate, n2 := rate("first/go-client-gzip")
	goPlain, _ := rate("first/go-client")
	if n1 > 0 && n2 > 0 {
		jsMs, _ := median(me + "first/js-chromium-dexie")
		goMs, _ := median(me + "first/go-client-gzip")
		fmt.Printf("summary %s: first sync of %d records: browser (JS, Dexie, IndexedDB) %.0f records/s in %s; Go client %.0f records/s in %s (without gzip %.0f/s); browser/Go %.2fx  target >= 0.50x: %s; medians of %d/%d runs\n",
			b.Name(), data.total, js, human(jsMs), goRate, human(goMs), goPlain, js/goRate, verdict(js/goRate >= 0.5), n1, n2)
	}
	jsInc, n3 := median(me + "incremental/js-chromium-dexie")
	goInc, n4 := median(me + "incremental/go-client")
	if n3 > 0 && n4 > 0 {
		per := jsInc / benchIncRepeats
		fmt.Printf("summary %s: incremental sync, nothing new: browser %s per sync, Go client %s per pull; target < 100ms: %s; medians of %d/%d runs\n",
			b.Name(), human(per), human(goInc/benchIncRepeats), verdict(per < 100e6), n3, n4)
	}
}

// browser is the driver process and its one page.
type browser struct {
	in  io.Writer
	out *bufio.Scanner
}

// startBrowser starts bench/driver.mjs on url; it ends with the benchmark.
func startBrowser(tb testing.TB, node, url, chromium string) *browser {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, "bench/driver.mjs", url, chromium)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("driver: %v", err)
	}
	tb.Cleanup(func() {
		in.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
			<-done
		}
		cancel()
	})
	p := &browser{in: in, out: bufio.NewScanner(out)}
	p.out.Buffer(make([]byte, 1<<20), 1<<24)
	var hello struct{ UserAgent string }
	p.read(tb, &hello)
	fmt.Fprintf(os.Stderr, "browser: %s\n", hello.UserAgent)
	return p
}

// call runs window.bench[fn](arg) in the page and decodes its result into out.
func (p *browser) call(tb testing.TB, fn string, arg, out any) {
	tb.Helper()
	line, err := json.Marshal(map[string]any{"fn": fn, "arg": arg})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := p.in.Write(append(line, '\n')); err != nil {
		tb.Fatalf("driver: %v", err)
	}
	p.read(tb, out)
}

func (p *browser) read(tb testing.TB, out any) {
	tb.Helper()
	if !p.out.Scan() {
		tb.Fatalf("driver ended: %v", p.out.Err())
	}
	var res struct {
		OK       json.RawMessage `json:"ok"`
		Error    string          `json:"error"`
		Problems []string        `json:"problems"`
	}
	if err := json.Unmarshal(p.out.Bytes(), &res); err != nil {
		tb.Fatalf("driver said %q: %v", p.out.Text(), err)
	}
	if res.Error != "" || len(res.Problems) > 0 {
		tb.Fatalf("page: %s %v", res.Error, res.Problems)
	}
	if out != nil {
		if err := json.Unmarshal(res.OK, out); err != nil {
			tb.Fatalf("page answered %s: %v", res.OK, err)
		}
	}
}

// pageTiming is the page's own split of the time of its syncs.
type pageTiming struct {
	Ms, FetchMs, StoreMs float64
	Requests             int
	Timeline             [][2]any // what happened when (ms), printed with BENCH_TIMELINE=1
	runs                 int
}

func (t *pageTiming) add(r pageTiming) {
	t.Ms, t.FetchMs, t.StoreMs, t.Requests = t.Ms+r.Ms, t.FetchMs+r.FetchMs, t.StoreMs+r.StoreMs, t.Requests+r.Requests
	t.runs++
}

// report adds the page's split per sync (syncs per run) as metrics.
func (t *pageTiming) report(b *testing.B, syncs int) {
	if t.runs == 0 {
		return
	}
	n := float64(t.runs * syncs)
	b.ReportMetric(t.Ms/n, "page-ms/sync")
	b.ReportMetric(t.FetchMs/n, "fetch-ms/sync")
	b.ReportMetric(t.StoreMs/n, "idb-ms/sync")
	b.ReportMetric(float64(t.Requests)/n, "requests/sync")
}

// Wall ns per op of every run (-count) per benchmark, for the summaries.
var results struct {
	mu   gosync.Mutex
	wall map[string][]float64
}

type meter struct{ b *testing.B }

// start begins measuring; call it right before the b.Loop loop.
func start(b *testing.B) meter { return meter{b} }

// finish reports records/s (records > 0) and time per sync (ops of syncs
// each), and keeps the wall time per op for the summaries.
func (m meter) finish(records, syncs int) {
	b := m.b
	if b.N == 0 {
		return
	}
	wallOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	if records > 0 {
		b.ReportMetric(float64(records)/(wallOp/1e9), "records/s")
	}
	b.ReportMetric(wallOp/1e6/float64(syncs), "ms/sync")
	results.mu.Lock()
	defer results.mu.Unlock()
	if results.wall == nil {
		results.wall = map[string][]float64{}
	}
	results.wall[b.Name()] = append(results.wall[b.Name()], wallOp)
}

// median is the median wall ns/op of a benchmark over the runs so far,
// and how many runs there were.
func median(name string) (float64, int) {
	results.mu.Lock()
	defer results.mu.Unlock()
	v := append([]float64(nil), results.wall[name]...)
	if len(v) == 0 {
		return 0, 0
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], len(v)
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, len(v)
}

func human(ns float64) string {
	d := time.Duration(ns)
	if d >= time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Microsecond).String()
}

func verdict(ok bool) string { return map[bool]string{true: "met", false: "MISSED"}[ok] }

// BenchmarkSyncBrowserProfile splits the browser's first sync into its
// parts (bench/profile.js): the pages fetched and parsed with nothing
// stored, then written by each way of storing them into a fresh IndexedDB
// database with nothing else running. It prints one line per way, the
// median of its rounds. PROFILE_LIMIT sets the page size asked for.
//
//	go test ./sync/js/ -run '^$' -bench SyncBrowserProfile -benchtime 1x
func BenchmarkSyncBrowserProfile(b *testing.B) {
	chromium := apt.Tool(b, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(b, ".", "playwright-core")
	servertest.NodeModules(b, ".", "dexie")
	cfg := server.DefaultConfig()
	cfg.Sync.RatePerSecond = 0
	cfg.Sync.MaxDevices = 1 << 20
	app := servertest.NewApp(b, cfg)
	data := fillBenchTeam(b, app, benchRecords)
	srv := serveWith(b, app, map[string]http.Handler{"/_bench/": benchFiles()})
	token := servertest.Token(b, data.begeleider)
	page := startBrowser(b, node, srv.URL+"/_bench/bench.html", chromium)
	limit := 0
	fmt.Sscan(os.Getenv("PROFILE_LIMIT"), &limit)
	for b.Loop() {
		page.call(b, "prepare", map[string]any{"token": token, "db": fmt.Sprintf("bench-%d", time.Now().UnixNano())}, nil)
		var r struct {
			Pages, Records, Bytes int
			Fetched               []struct{ Ms, Fetch, Parse float64 }
			Ways                  map[string][]json.RawMessage
		}
		page.call(b, "profile", map[string]any{"limit": limit, "rounds": 3}, &r)
		fmt.Printf("profile: %d records in %d pages (%d KB JSON)\n", r.Records, r.Pages, r.Bytes/1024)
		for _, f := range r.Fetched {
			fmt.Printf("  fetch+parse, nothing stored: %6.0f ms (waiting for the server and body %4.0f ms, JSON.parse %4.0f ms)\n", f.Ms, f.Fetch, f.Parse)
		}
		names := make([]string, 0, len(r.Ways))
		for n := range r.Ways {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			var ms []float64
			var extra []string
			for _, raw := range r.Ways[n] {
				var w struct {
					Ms, Get, List float64
					Rows          int
				}
				if json.Unmarshal(raw, &w.Ms) != nil {
					json.Unmarshal(raw, &w)
					extra = append(extra, fmt.Sprintf("get %.2f ms, observations %.0f ms, %d rows", w.Get, w.List, w.Rows))
				}
				ms = append(ms, w.Ms)
			}
			rounds := roundAll(ms)
			sort.Float64s(ms)
			fmt.Printf("  %-28s %6.0f ms  (rounds %v) %v\n", n, ms[len(ms)/2], rounds, extra)
		}
	}
}

func roundAll(v []float64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x + 0.5)
	}
	return out
}
