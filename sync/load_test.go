package sync_test

// BenchmarkLoadRIBW is the org-scale load test of issue 13: one RIBW (60
// teams, 840 begeleiders' phones, 2,500 clients, about 250k records) on
// one server, the server a separate process (the built binary) so that
// its memory is its own; the phones are sync/client.Clients in this
// process. Three phases, one after another:
//
//   - storm: Monday morning, every phone pulls everything fresh, 64 at a
//     time; total time, per-request latency of the pull pages, the server's
//     peak RSS (VmHWM of /proc/<pid>/status: the server starts just before
//     the storm, so its high-water mark is the storm's);
//   - steady: every phone syncs every 5 s (a push if it has something
//     queued, then a pull), starting at staggered offsets so the load is
//     even, and queues 1 or 2 new goals at a random moment of the phase;
//     the timeline is not compressed: a phone's rate is the real one;
//   - saturation: 64 workers, each a phone, push one goal and pull, as fast
//     as they can; push+pull cycles per second.
//
// Run it at full scale with (a few minutes to build the data the first
// time; the data dir is kept in $TMPDIR/samenspel-load for later runs):
//
//	go test ./sync/ -run '^$' -bench BenchmarkLoadRIBW -benchtime 1x -timeout 60m -load.scale 1
//
// and small while developing: -load.scale 0.05 (3 teams, 42 phones).
// docs/load.md has the figures.

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/sync/client"
)

var (
	loadScale      = flag.Float64("load.scale", 1, "BenchmarkLoadRIBW: size of the RIBW (1: 60 teams, 840 phones, 2,500 clients, ~250k records)")
	loadSteady     = flag.Duration("load.steady", 60*time.Second, "BenchmarkLoadRIBW: length of the steady phase")
	loadSaturation = flag.Duration("load.saturation", 20*time.Second, "BenchmarkLoadRIBW: length of the saturation phase")
	loadWorkers    = flag.Int("load.workers", 64, "BenchmarkLoadRIBW: workers of the saturation phase")
	loadFresh      = flag.Bool("load.fresh", false, "BenchmarkLoadRIBW: build the data again even if a kept copy exists")
	loadBin        = flag.String("load.bin", "", "BenchmarkLoadRIBW: run this server binary instead of building one (to compare builds)")
	loadProfile    = flag.String("load.profile", "", "BenchmarkLoadRIBW: write the server's CPU profiles of the storm, the steady phase's first 10 s and the saturation phase, its heap at the storm's end and an execution trace of the steady phase's first 10 s into this directory")
)

// The RIBW at scale 1, per team: 14 begeleiders, ~42 clients and ~4,150
// records of theirs.
const (
	loadTeams           = 60
	loadPhonesPerTeam   = 14
	loadClients         = 2500
	loadSafarisPerTeam  = 20
	loadGoalsPerTeam    = 1400
	loadContactsPerTeam = 1100
	loadObsPerTeam      = 1000
	loadStepsPerTeam    = 600
	loadStormParallel   = 64
	loadSyncEvery       = 5 * time.Second
	loadDataVersion     = 1 // bump when the generated data changes
)

type loadData struct {
	dir     string
	records int
	feed    int
	phones  []string            // begeleider user ids, one phone each
	teamOf  map[string]string   // begeleider -> team
	clients map[string][]string // team -> client ids
	setup   time.Duration
}

func BenchmarkLoadRIBW(b *testing.B) {
	d := loadDataOf(b, *loadScale)
	fmt.Printf("load data: %d phones, %d records, %d feed rows (built in %s)\n", len(d.phones), d.records, d.feed, d.setup.Round(time.Second))
	for b.Loop() {
		runLoad(b, d)
	}
}

func runLoad(b *testing.B, d *loadData) {
	b.StopTimer()
	dir, err := tests.TempDirClone(d.dir)
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	tokens := loadTokens(b, dir, d.phones)
	srv := startLoadServer(b, dir)
	defer srv.stop()

	rec := &loadRecorder{}
	hc := &http.Client{Timeout: 5 * time.Minute, Transport: rec.transport()}
	ctx := context.Background()
	phones := make([]*client.Client, len(d.phones))
	parallel(len(phones), loadStormParallel, func(i int) {
		c := client.New(srv.url, fmt.Sprintf("load-phone-%04d", i))
		c.HTTP, c.Gzip, c.Discard = hc, true, true
		if err := c.Register(ctx, tokens[i]); err != nil {
			b.Errorf("register: %v", err)
		}
		phones[i] = c
	})
	if b.Failed() {
		return
	}
	rssBefore := srv.status("VmRSS")
	b.StartTimer()

	// (a) The storm.
	rec.reset()
	sampler := srv.sampleRSS(50 * time.Millisecond)
	cpuDone := srv.profile("profile?seconds=30", "storm-cpu.prof")
	start := time.Now()
	parallel(len(phones), loadStormParallel, func(i int) {
		if err := phones[i].Pull(ctx); err != nil {
			b.Errorf("storm pull: %v", err)
		}
	})
	storm := time.Since(start)
	srv.profile("heap", "storm-heap.prof")()
	cpuDone()
	peakSampled := sampler()
	hwm := srv.status("VmHWM")
	pulls := rec.take("pull")
	fmt.Printf("storm: %d phones, %d pull requests (%d MB on the wire, gzip) in %s; pull p50 %s p95 %s p99 %s; server RSS before %d MB, peak %d MB (VmHWM), %d MB (sampled)\n",
		len(phones), len(pulls), rec.wire.Load()>>20, storm.Round(time.Millisecond), pct(pulls, 50), pct(pulls, 95), pct(pulls, 99), rssBefore>>10, hwm>>10, peakSampled>>10)
	b.ReportMetric(storm.Seconds(), "storm-s")
	b.ReportMetric(ms(pct(pulls, 50)), "storm-pull-p50-ms")
	b.ReportMetric(ms(pct(pulls, 95)), "storm-pull-p95-ms")
	b.ReportMetric(ms(pct(pulls, 99)), "storm-pull-p99-ms")
	b.ReportMetric(float64(hwm>>10), "storm-peak-rss-MB")

	// (b) Steady: every phone syncs every 5 s; each queues 1-2 goals once.
	rec.reset()
	steadyCPU := srv.profile("profile?seconds=10", "steady-cpu.prof")
	steadyTrace := srv.profile("trace?seconds=10", "steady-trace.out")
	stop := time.Now().Add(*loadSteady)
	var wg gosync.WaitGroup
	for i, c := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 13))
			offset := time.Duration(i) * loadSyncEvery / time.Duration(len(phones))
			queueAt := time.Duration(rng.Int64N(int64(max(*loadSteady-loadSyncEvery, time.Second))))
			team := d.teamOf[d.phones[i]]
			time.Sleep(offset)
			began, queued := time.Now(), false
			for next := time.Now(); next.Before(stop); next = next.Add(loadSyncEvery) {
				time.Sleep(time.Until(next))
				if !queued && time.Since(began) >= queueAt {
					queued = true
					for range 1 + rng.IntN(2) {
						loadQueueGoal(c, rng, d.clients[team])
					}
				}
				if err := c.Push(ctx); err != nil {
					b.Errorf("steady push: %v", err)
					return
				}
				if err := c.Pull(ctx); err != nil {
					b.Errorf("steady pull: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	steadyCPU()
	steadyTrace()
	pulls, pushes := rec.take("pull"), rec.take("push")
	fmt.Printf("steady: %s, %d pulls (%.0f/s), %d pushes; pull p50 %s p95 %s p99 %s; push p50 %s p95 %s p99 %s\n",
		*loadSteady, len(pulls), float64(len(pulls))/loadSteady.Seconds(), len(pushes),
		pct(pulls, 50), pct(pulls, 95), pct(pulls, 99), pct(pushes, 50), pct(pushes, 95), pct(pushes, 99))
	fmt.Printf("steady: slowest pushes %s; slowest pulls %s\n", rec.slowest("push", 12), rec.slowest("pull", 6))
	b.ReportMetric(ms(pct(pulls, 50)), "steady-pull-p50-ms")
	b.ReportMetric(ms(pct(pulls, 95)), "steady-pull-p95-ms")
	b.ReportMetric(ms(pct(pulls, 99)), "steady-pull-p99-ms")
	b.ReportMetric(ms(pct(pushes, 50)), "steady-push-p50-ms")
	b.ReportMetric(ms(pct(pushes, 95)), "steady-push-p95-ms")
	b.ReportMetric(ms(pct(pushes, 99)), "steady-push-p99-ms")

	// (c) Saturation: push one goal, pull, as fast as possible.
	rec.reset()
	workers := min(*loadWorkers, len(phones))
	var cycles atomic.Int64
	stop = time.Now().Add(*loadSaturation)
	cpuDone = srv.profile(fmt.Sprintf("profile?seconds=%d", max(1, int(loadSaturation.Seconds())-1)), "saturation-cpu.prof")
	cores := startCores(srv.cmd.Process.Pid)
	start = time.Now()
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, rng := phones[i], rand.New(rand.NewPCG(uint64(i), 14))
			team := d.teamOf[d.phones[i]]
			for time.Now().Before(stop) {
				loadQueueGoal(c, rng, d.clients[team])
				if err := c.Push(ctx); err != nil {
					b.Errorf("saturation push: %v", err)
					return
				}
				if err := c.Pull(ctx); err != nil {
					b.Errorf("saturation pull: %v", err)
					return
				}
				cycles.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	server, generator, machine := cores()
	cpuDone()
	pulls, pushes = rec.take("pull"), rec.take("push")
	rate := float64(cycles.Load()) / elapsed.Seconds()
	fmt.Printf("saturation: %d workers, %d push+pull cycles in %s: %.0f cycles/s; pull p50 %s p99 %s; push p50 %s p99 %s; server VmHWM %d MB; CPU: server %.2f, load generator %.2f, machine %.2f of %d cores\n",
		workers, cycles.Load(), elapsed.Round(time.Millisecond), rate, pct(pulls, 50), pct(pulls, 99), pct(pushes, 50), pct(pushes, 99), srv.status("VmHWM")>>10,
		server, generator, machine, runtime.NumCPU())
	b.ReportMetric(rate, "saturation-cycles/s")
}

// startCores starts measuring CPU use; the returned function gives the
// cores used since by the server process, by this process (the load
// generator) and by the whole machine (from /proc).
func startCores(pid int) func() (server, generator, machine float64) {
	// sum adds up the given fields (0-based) of the first line of text.
	sum := func(text string, fields ...int) float64 {
		f := strings.Fields(strings.SplitN(text, "\n", 2)[0])
		var n float64
		for _, i := range fields {
			if i < len(f) {
				v, _ := strconv.ParseFloat(f[i], 64)
				n += v
			}
		}
		return n
	}
	read := func(path string) string {
		raw, _ := os.ReadFile(path)
		return string(raw)
	}
	// A process's utime and stime: fields 11 and 12 after "pid (comm) ".
	proc := func(path string) float64 {
		s := read(path)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 <= len(s) {
			s = s[i+2:]
		}
		return sum(s, 11, 12)
	}
	// The machine's busy time: /proc/stat's "cpu" line but idle and iowait.
	busy := func() float64 { return sum(read("/proc/stat"), 1, 2, 3, 6, 7, 8) }
	serverStat := fmt.Sprintf("/proc/%d/stat", pid)
	srv0, gen0, all0, t0 := proc(serverStat), proc("/proc/self/stat"), busy(), time.Now()
	return func() (float64, float64, float64) {
		const hz = 100 // USER_HZ
		ticks := time.Since(t0).Seconds() * hz
		return (proc(serverStat) - srv0) / ticks, (proc("/proc/self/stat") - gen0) / ticks, (busy() - all0) / ticks
	}
}

// loadQueueGoal queues a new goal for one of the team's clients.
func loadQueueGoal(c *client.Client, rng *rand.Rand, clients []string) {
	c.Create(schema.Goals, "", map[string]any{
		"client": clients[rng.IntN(len(clients))], "title": benchPick(rng, benchGoalTitles),
		"life_domain": benchPick(rng, benchLifeDomains), "status": "active", "why": benchSentences(rng, 1, 2),
	})
}

// parallel runs f(0..n-1) on k goroutines.
func parallel(n, k int, f func(i int)) {
	var next atomic.Int64
	var wg gosync.WaitGroup
	for range min(k, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// loadRecorder times every sync request, by endpoint, from sending it to
// having read the whole answer.
type loadRecorder struct {
	mu    gosync.Mutex
	since time.Time // the last reset
	by    map[string][]loadSample
	wire  atomic.Int64
}

// loadSample is one request: when it started (since the last reset) and
// how long it took.
type loadSample struct{ at, took time.Duration }

func (r *loadRecorder) reset() {
	r.mu.Lock()
	r.by, r.since = map[string][]loadSample{}, time.Now()
	r.mu.Unlock()
	r.wire.Store(0)
}

// take returns the endpoint's request times, sorted.
func (r *loadRecorder) take(endpoint string) []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := make([]time.Duration, len(r.by[endpoint]))
	for i, s := range r.by[endpoint] {
		d[i] = s.took
	}
	slices.Sort(d)
	return d
}

// slowest names the endpoint's n slowest requests with when they started,
// to tell a single stall (all at one moment) from a general tail.
func (r *loadRecorder) slowest(endpoint string, n int) string {
	r.mu.Lock()
	s := slices.Clone(r.by[endpoint])
	r.mu.Unlock()
	slices.SortFunc(s, func(a, b loadSample) int { return cmp.Compare(b.took, a.took) })
	var out []string
	for _, x := range s[:min(n, len(s))] {
		out = append(out, fmt.Sprintf("%s at %.1f s", x.took.Round(time.Millisecond), x.at.Seconds()))
	}
	return strings.Join(out, ", ")
}

func (r *loadRecorder) transport() http.RoundTripper {
	base := &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, DisableCompression: true}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		start := time.Now()
		res, err := base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		res.Body = io.NopCloser(bytes.NewReader(body))
		r.wire.Add(int64(len(body)))
		endpoint := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
		r.mu.Lock()
		if r.by == nil {
			r.by, r.since = map[string][]loadSample{}, start
		}
		r.by[endpoint] = append(r.by[endpoint], loadSample{at: start.Sub(r.since), took: took})
		r.mu.Unlock()
		return res, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := min(len(sorted)-1, (len(sorted)*p+99)/100-1)
	return sorted[max(i, 0)].Round(10 * time.Microsecond)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadServer is the samenspel binary serving a copy of the data.
type loadServer struct {
	tb      testing.TB
	cmd     *exec.Cmd
	url     string
	metrics string // the metrics listener, with Go's profiler
	logs    bytes.Buffer
}

// profile fetches /debug/pprof/<what> from the server into
// -load.profile/<file> in the background; the returned function waits for
// it. Without -load.profile it does nothing.
func (s *loadServer) profile(what, file string) func() {
	if *loadProfile == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err := http.Get(s.metrics + "/debug/pprof/" + what)
		if err != nil {
			s.tb.Logf("profile %s: %v", what, err)
			return
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if err := os.WriteFile(filepath.Join(*loadProfile, file), raw, 0o644); err != nil {
			s.tb.Logf("profile %s: %v", what, err)
		}
	}()
	return func() { <-done }
}

var loadBinary struct {
	once gosync.Once
	path string
	err  error
}

func startLoadServer(tb testing.TB, dir string) *loadServer {
	tb.Helper()
	loadBinary.once.Do(func() {
		if *loadBin != "" {
			loadBinary.path = *loadBin
			return
		}
		gomod, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			loadBinary.err = err
			return
		}
		tmp := filepath.Join(os.TempDir(), "samenspel-load")
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			loadBinary.err = err
			return
		}
		loadBinary.path = filepath.Join(tmp, fmt.Sprintf("samenspel-%d", os.Getpid()))

		build := exec.Command("go", "build", "-o", loadBinary.path, ".")
		build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		if out, err := build.CombinedOutput(); err != nil {
			loadBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if loadBinary.err != nil {
		tb.Fatal(loadBinary.err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	l, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	metricsAddr := l.Addr().String()
	l.Close()
	s := &loadServer{tb: tb, url: "http://" + addr, metrics: "http://" + metricsAddr}
	s.cmd = exec.Command(loadBinary.path, "serve", "--http", addr, "--dir", dir, "--metrics-addr", metricsAddr)
	s.cmd.Env = crashEnv() // no rate limit: 840 phones share few IPs here
	s.cmd.Stdout, s.cmd.Stderr = &s.logs, &s.logs
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(s.url + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			tb.Fatalf("the server did not start: %s", s.logs.String())
		}
	}
}

func (s *loadServer) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// status reads a kB field of /proc/<pid>/status (VmRSS, VmHWM).
func (s *loadServer) status(field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// sampleRSS samples VmRSS every interval until the returned function is
// called, which returns the highest sample (kB).
func (s *loadServer) sampleRSS(every time.Duration) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if v := s.status("VmRSS"); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(done); <-stopped; return peak.Load() }
}

// loadTokens mints a PocketBase auth token for each begeleider, and
// exempts loopback from PocketBase's per-IP rate limits: here all 840
// phones come from 127.0.0.1, in the field from as many addresses. (The
// sync API's own limit per device is off, as in every benchmark: crashEnv.)
func loadTokens(tb testing.TB, dir string, people []string) []string {
	tb.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		tb.Fatal(err)
	}
	defer app.ResetBootstrapState()
	app.Settings().RateLimits.ExcludedIPs = []string{"127.0.0.1"}
	if err := app.Save(app.Settings()); err != nil {
		tb.Fatal(err)
	}
	tokens := make([]string, len(people))
	for i, id := range people {
		r, err := app.FindRecordById(schema.Users, id)
		if err != nil {
			tb.Fatal(err)
		}
		if tokens[i], err = r.NewAuthToken(); err != nil {
			tb.Fatal(err)
		}
	}
	return tokens
}

// loadDataOf returns the RIBW at scale, built once and kept in
// $TMPDIR/samenspel-load (building it saves every record with the hooks
// on, so versions and the change feed are what production writes).
func loadDataOf(tb testing.TB, scale float64) *loadData {
	tb.Helper()
	teams := max(1, int(float64(loadTeams)*scale+0.5))
	key := fmt.Sprintf("v%d-migrations%d-teams%d", loadDataVersion, len(core.AppMigrations.Items()), teams)
	sum := sha256.Sum256([]byte(key))
	keep := filepath.Join(os.TempDir(), "samenspel-load", hex.EncodeToString(sum[:6])+"-"+strconv.Itoa(teams))
	d := &loadData{teamOf: map[string]string{}, clients: map[string][]string{}}
	if _, err := os.Stat(filepath.Join(keep, "load.txt")); err == nil && !*loadFresh {
		if err := d.read(keep); err == nil {
			return d
		}
	}
	os.RemoveAll(keep)
	app := servertest.NewUncleanedApp(tb, benchConfig())
	start := time.Now()
	if err := app.RunInTransaction(func(tx core.App) error { return fillLoadData(tx, d, teams) }); err != nil {
		app.Cleanup()
		tb.Fatalf("build the RIBW: %v", err)
	}
	d.setup = time.Since(start)
	if err := app.DB().NewQuery("SELECT count(*) FROM sync_feed").Row(&d.feed); err != nil {
		tb.Fatal(err)
	}
	if _, err := app.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		tb.Fatal(err)
	}
	src := app.DataDir()
	if err := app.ResetBootstrapState(); err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(keep), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(src, keep); err != nil {
		tb.Fatal(err)
	}
	d.dir = keep
	if err := d.write(keep); err != nil {
		tb.Fatal(err)
	}
	return d
}

// write and read keep what the benchmark needs to know of the data in
// load.txt beside it: one line per phone (begeleider, team, the team's
// clients) and a summary line.
func (d *loadData) write(dir string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d\n", d.records, d.feed, d.setup)
	for _, p := range d.phones {
		team := d.teamOf[p]
		fmt.Fprintf(&b, "%s %s %s\n", p, team, strings.Join(d.clients[team], ","))
	}
	return os.WriteFile(filepath.Join(dir, "load.txt"), []byte(b.String()), 0o644)
}

func (d *loadData) read(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, "load.txt"))
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var setup int64
	if _, err := fmt.Sscanf(lines[0], "%d %d %d", &d.records, &d.feed, &setup); err != nil {
		return err
	}
	d.setup = time.Duration(setup)
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != 3 {
			return fmt.Errorf("load.txt: bad line %q", l)
		}
		d.phones = append(d.phones, f[0])
		d.teamOf[f[0]] = f[1]
		d.clients[f[1]] = strings.Split(f[2], ",")
	}
	d.dir = dir
	return nil
}

// fillLoadData writes the RIBW: per team 14 begeleiders, its share of the
// 2,500 clients and, per team, 20 safaris, 1,400 goals, 1,100 network
// contacts, 1,000 observations and 600 goal steps, with the texts of the
// pull benchmarks' data. People and clients are saved with validation;
// the bulk records with SaveNoValidate (the capture hooks run all the
// same: versions, authorship and the change feed are production's).
func fillLoadData(tx core.App, d *loadData, teams int) error {
	rng := rand.New(rand.NewPCG(uint64(teams), 13))
	var hash string
	save := func(collection string, fields map[string]any, validate bool, prepare func(*core.Record)) (*core.Record, error) {
		c, err := tx.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			return nil, err
		}
		r := core.NewRecord(c)
		r.Id = client.NewID()
		for k, v := range fields {
			r.Set(k, v)
		}
		if prepare != nil {
			prepare(r)
		}
		if validate {
			err = tx.Save(r)
		} else {
			err = tx.SaveNoValidate(r)
		}
		if err != nil {
			return nil, fmt.Errorf("save %s: %w", collection, err)
		}
		d.records++
		return r, nil
	}
	password := func(r *core.Record) {
		if hash == "" {
			r.SetPassword(servertest.Password)
			return
		}
		r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: hash})
	}
	remember := func(r *core.Record) {
		if hash == "" {
			hash = r.GetString(core.FieldNamePassword + ":hash")
		}
	}
	clientsPerTeam := max(5, loadClients/loadTeams)
	for t := range teams {
		team, err := save(schema.Teams, map[string]any{"name": fmt.Sprintf("Team %02d", t+1), "area": benchPick(rng, benchAreas)}, true, nil)
		if err != nil {
			return err
		}
		var begs []string
		for i := range loadPhonesPerTeam {
			u, err := save(schema.Users, map[string]any{"email": fmt.Sprintf("begeleider-%02d-%02d@ribw.example", t, i), "name": benchPick(rng, benchFirstNames) + " " + benchPick(rng, benchLastNames),
				"role": schema.RoleBegeleider, "teams": []string{team.Id}}, true, password)
			if err != nil {
				return err
			}
			remember(u)
			d.records-- // people are not synced records
			begs = append(begs, u.Id)
			d.phones = append(d.phones, u.Id)
			d.teamOf[u.Id] = team.Id
		}
		staff := func(r *core.Record) { schema.SetAuthor(r, schema.Users+":"+begs[rng.IntN(len(begs))]) }
		n := clientsPerTeam + boolInt(t < loadClients%loadTeams)
		var clients []string
		for i := range n {
			c, err := save(schema.Clients, map[string]any{"name": benchPick(rng, benchFirstNames) + " " + benchPick(rng, benchLastNames), "team": team.Id,
				"username": fmt.Sprintf("client-%02d-%03d", t, i)}, true, func(r *core.Record) { password(r); staff(r) })
			if err != nil {
				return err
			}
			clients = append(clients, c.Id)
		}
		d.clients[team.Id] = clients
		var safaris, goals []string
		for i := range loadSafarisPerTeam {
			s, err := save(schema.Safaris, map[string]any{
				"team": team.Id, "title": benchPick(rng, benchSafariTitles), "area": benchPick(rng, benchAreas),
				"date":        time.Date(2026, time.Month(1+i%12), 1+i%28, 10, 0, 0, 0, time.UTC),
				"begeleiders": []string{begs[i%len(begs)], begs[(i+1)%len(begs)]}, "clients": []string{clients[(3*i)%n], clients[(3*i+1)%n], clients[(3*i+2)%n]},
				"questions":  []string{benchPick(rng, benchQuestions), benchPick(rng, benchQuestions)},
				"reflection": benchSentences(rng, 2, 5), "status": "done",
			}, false, staff)
			if err != nil {
				return err
			}
			safaris = append(safaris, s.Id)
		}
		for range loadGoalsPerTeam {
			g, err := save(schema.Goals, map[string]any{
				"client": clients[rng.IntN(n)], "title": benchPick(rng, benchGoalTitles), "life_domain": benchPick(rng, benchLifeDomains),
				"why": benchSentences(rng, 1, 4), "status": benchPick(rng, benchGoalStatuses), "progress": rng.IntN(11),
			}, false, staff)
			if err != nil {
				return err
			}
			goals = append(goals, g.Id)
		}
		for range loadContactsPerTeam {
			if _, err := save(schema.NetworkContacts, map[string]any{
				"client": clients[rng.IntN(n)], "name": benchPick(rng, benchContactPrefixes) + benchPick(rng, benchFirstNames), "relation": benchPick(rng, benchRelations),
				"formal": rng.IntN(5) == 0, "circle": 1 + rng.IntN(3), "support": benchPickN(rng, benchSupports, 1+rng.IntN(3)),
				"reciprocity": benchPick(rng, []string{"gives", "receives", "both"}), "status": benchPick(rng, []string{"active", "dormant", "wished"}),
				"note": benchSentences(rng, 1, 3),
			}, false, staff); err != nil {
				return err
			}
		}
		for range loadObsPerTeam {
			if _, err := save(schema.Observations, map[string]any{
				"safari": safaris[rng.IntN(len(safaris))], "kind": benchPick(rng, benchKinds), "title": benchPick(rng, benchPlaces),
				"note":      benchSentences(rng, 2, 6),
				"location":  types.GeoPoint{Lon: 6.14 + rng.Float64()*0.06, Lat: 52.24 + rng.Float64()*0.04},
				"threshold": benchPick(rng, []string{"low", "medium", "high"}), "author_user": begs[rng.IntN(len(begs))],
			}, false, staff); err != nil {
				return err
			}
		}
		for range loadStepsPerTeam {
			if _, err := save(schema.GoalSteps, map[string]any{
				"goal": goals[rng.IntN(len(goals))], "description": benchPick(rng, benchNoteSentences),
				"carried_by": benchPick(rng, []string{"client", "network", "begeleider"}), "status": benchPick(rng, []string{"planned", "doing", "done"}),
			}, false, staff); err != nil {
				return err
			}
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
