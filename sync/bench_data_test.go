package sync_test

// Data and plumbing for the benchmarks of bench_test.go: a generated
// neighbourhood team with realistic Dutch texts, built once per test binary
// and size into a template data dir, and a plain PocketBase app (no test
// event recorders) served over real loopback HTTP on a copy of it.

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	gosync "sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/sqlitecache"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server"
)

// benchListed are the collections a pull of the benchmark data returns, and the
// ones the REST baseline pages through, in that order.
var benchListed = []string{schema.Teams, schema.Clients, schema.Safaris, schema.Goals, schema.NetworkContacts, schema.Observations}

// benchData is one generated data set: one team whose begeleider and the
// coordinator both see every record of it.
type benchData struct {
	size        int
	dir         string         // template data dir; copy it, never open it
	counts      map[string]int // records per listed collection
	total       int            // records visible to both people
	feedRows    int
	team        string
	coordinator string // users ids
	begeleider  string
	clients     []string
	setup       time.Duration // the one big transaction of saves
}

var benchTemplates struct {
	mu   gosync.Mutex
	sets map[int]*benchData
}

// TestMain removes the benchmark data templates and the test harness's
// when the binary ends.
func TestMain(m *testing.M) {
	code := m.Run()
	servertest.Cleanup()
	benchTemplates.mu.Lock()
	for _, d := range benchTemplates.sets {
		os.RemoveAll(d.dir)
	}
	benchTemplates.mu.Unlock()
	if loadBinary.path != "" && *loadBin == "" {
		os.Remove(loadBinary.path) // built by BenchmarkLoadRIBW
	}
	os.Exit(code)
}

// benchDataOf returns the data set of about size records, building it on
// first use in this test binary.
func benchDataOf(tb testing.TB, size int) *benchData {
	tb.Helper()
	benchTemplates.mu.Lock()
	defer benchTemplates.mu.Unlock()
	if d := benchTemplates.sets[size]; d != nil {
		return d
	}
	d, err := buildBenchData(tb, size)
	if err != nil {
		tb.Fatalf("build %d records: %v", size, err)
	}
	if benchTemplates.sets == nil {
		benchTemplates.sets = map[int]*benchData{}
	}
	benchTemplates.sets[size] = d
	fmt.Fprintf(os.Stderr, "bench data: %d records (%s), %d feed rows, saved with hooks in one transaction in %s (%.0f records/s)\n",
		d.total, benchCountsString(d.counts), d.feedRows, d.setup.Round(time.Millisecond), float64(d.total)/d.setup.Seconds())
	return d
}

func benchCountsString(counts map[string]int) string {
	var parts []string
	for _, c := range benchListed {
		parts = append(parts, fmt.Sprintf("%s %d", c, counts[c]))
	}
	return strings.Join(parts, ", ")
}

// buildBenchData saves every record with app.Save, hooks on, in one big
// transaction: versions, authorship and sync_feed rows are exactly what
// production writes. No index is added: the REST baseline pages by id,
// which the primary key indexes (an (updated, id) index for paging by
// sort=updated,id was slower, see benchPullREST).
func buildBenchData(tb testing.TB, size int) (*benchData, error) {
	app := servertest.NewUncleanedApp(tb, benchConfig())
	ok := false
	defer func() {
		if !ok {
			app.Cleanup()
		}
	}()
	d := &benchData{size: size, counts: map[string]int{}}
	stop := benchCPUProfile(tb, fmt.Sprintf("setup-%d", size))
	start := time.Now()
	if err := app.RunInTransaction(func(tx core.App) error { return fillBenchData(tx, d) }); err != nil {
		return nil, err
	}
	d.setup = time.Since(start)
	stop()
	for _, n := range d.counts {
		d.total += n
	}
	if err := app.DB().NewQuery("SELECT count(*) FROM sync_feed").Row(&d.feedRows); err != nil {
		return nil, err
	}
	d.dir = app.DataDir()
	if err := app.ResetBootstrapState(); err != nil {
		return nil, err
	}
	ok = true
	return d, nil
}

// fillBenchData writes one team of size records: clients (1 %), safaris
// (0.25 %, three participants each) and, in a 4:3:3 mix, goals, network
// contacts and observations. Half of the goals are the client's own.
func fillBenchData(tx core.App, d *benchData) error {
	rng := rand.New(rand.NewPCG(uint64(d.size), 2026))
	save := func(collection, author string, fields map[string]any, prepare func(*core.Record)) (*core.Record, error) {
		c, err := tx.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			return nil, err
		}
		r := core.NewRecord(c)
		for k, v := range fields {
			r.Set(k, v)
		}
		if prepare != nil {
			prepare(r)
		}
		if author != "" {
			schema.SetAuthor(r, author)
		}
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("save %s: %w", collection, err)
		}
		d.counts[collection]++
		return r, nil
	}
	team, err := save(schema.Teams, "", map[string]any{"name": "Team Noord", "area": "Deventer-Noord, Knutselwijk en Keizerslanden"}, nil)
	if err != nil {
		return err
	}
	d.counts[schema.Teams] = 1
	d.team = team.Id
	password := func(r *core.Record) { r.SetPassword(servertest.Password) }
	coord, err := save(schema.Users, "", map[string]any{"email": "coordinator@example.nl", "name": "Carla de Vries", "role": schema.RoleCoordinator}, password)
	if err != nil {
		return err
	}
	beg, err := save(schema.Users, "", map[string]any{"email": "begeleider@example.nl", "name": "Anouk Jansen", "role": schema.RoleBegeleider, "teams": []string{team.Id}}, password)
	if err != nil {
		return err
	}
	delete(d.counts, schema.Users) // not synced
	d.coordinator, d.begeleider = coord.Id, beg.Id
	staff := schema.Users + ":" + beg.Id

	nClients, nSafaris := max(d.size/100, 5), max(d.size/400, 2)
	rest := d.size - 1 - nClients - nSafaris
	var hash string // bcrypt once; every client gets the same hash
	for i := range nClients {
		prepare := func(r *core.Record) { r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: hash}) }
		if i == 0 {
			prepare = password
		}
		name := benchPick(rng, benchFirstNames) + " " + benchPick(rng, benchLastNames)
		c, err := save(schema.Clients, staff, map[string]any{"name": name, "team": team.Id, "username": fmt.Sprintf("client%05d", i)}, prepare)
		if err != nil {
			return err
		}
		if i == 0 {
			hash = c.GetString(core.FieldNamePassword + ":hash")
		}
		d.clients = append(d.clients, c.Id)
	}
	var safaris []string
	for i := range nSafaris {
		participants := []string{d.clients[(3*i)%nClients], d.clients[(3*i+1)%nClients], d.clients[(3*i+2)%nClients]}
		s, err := save(schema.Safaris, staff, map[string]any{
			"team": team.Id, "title": benchPick(rng, benchSafariTitles), "area": benchPick(rng, benchAreas),
			"date":        time.Date(2025, time.Month(1+i%12), 1+i%28, 10, 0, 0, 0, time.UTC),
			"begeleiders": []string{beg.Id}, "clients": participants,
			"questions":  []string{benchPick(rng, benchQuestions), benchPick(rng, benchQuestions)},
			"reflection": benchSentences(rng, 2, 5), "status": "done",
		}, nil)
		if err != nil {
			return err
		}
		safaris = append(safaris, s.Id)
	}
	for i := range rest {
		client := d.clients[rng.IntN(nClients)]
		var err error
		switch i % 10 {
		case 0, 1, 2, 3:
			author, fields := staff, map[string]any{
				"client": client, "title": benchPick(rng, benchGoalTitles), "life_domain": benchPick(rng, benchLifeDomains),
				"why": benchSentences(rng, 1, 4), "status": benchPick(rng, benchGoalStatuses), "progress": rng.IntN(11),
			}
			if rng.IntN(2) == 0 { // the client's own goal, agreed
				author = schema.Clients + ":" + client
				fields["agreed_at"] = time.Date(2025, time.Month(1+i%12), 1+i%28, 14, 30, 0, 0, time.UTC)
			}
			_, err = save(schema.Goals, author, fields, nil)
		case 4, 5, 6:
			first := benchPick(rng, benchFirstNames)
			fields := map[string]any{
				"client": client, "name": benchPick(rng, benchContactPrefixes) + first, "relation": benchPick(rng, benchRelations),
				"formal": rng.IntN(5) == 0, "circle": 1 + rng.IntN(3), "support": benchPickN(rng, benchSupports, 1+rng.IntN(3)),
				"reciprocity": benchPick(rng, []string{"gives", "receives", "both"}), "status": benchPick(rng, []string{"active", "dormant", "wished"}),
				"note": benchSentences(rng, 1, 3),
			}
			if rng.IntN(3) == 0 {
				fields["involve_consent"] = true
				fields["phone"] = fmt.Sprintf("06-%08d", rng.IntN(100000000))
				fields["email"] = strings.ToLower(first) + fmt.Sprintf("%d@example.nl", i)
			}
			_, err = save(schema.NetworkContacts, staff, fields, nil)
		default:
			_, err = save(schema.Observations, staff, map[string]any{
				"safari": safaris[rng.IntN(nSafaris)], "kind": benchPick(rng, benchKinds), "title": benchPick(rng, benchPlaces),
				"note":      benchSentences(rng, 2, 6),
				"location":  types.GeoPoint{Lon: 6.14 + rng.Float64()*0.06, Lat: 52.24 + rng.Float64()*0.04},
				"threshold": benchPick(rng, []string{"low", "medium", "high"}), "author_user": beg.Id,
			}, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func benchConfig() *server.Config {
	cfg := server.DefaultConfig()
	cfg.Sync.RatePerSecond = 0 // the per-device limit would throttle a benchmark
	return cfg
}

// benchEnv is a plain PocketBase app (as in production, without the test
// app's event recorders; request logs off, as in tests) on a copy of a
// data set, with everything of ours registered and served on loopback.
type benchEnv struct {
	data        *benchData
	app         core.App
	srv         *httptest.Server
	http        *http.Client
	wire        atomic.Int64 // response bytes read from the server
	coordinator *core.Record
	begeleider  *core.Record
}

func newBenchEnv(tb testing.TB, d *benchData) *benchEnv {
	tb.Helper()
	cfg := benchConfig()
	cfg.AccessLog.Off = !*benchAccessLog
	return newBenchEnvWith(tb, d, cfg)
}

// benchAccessLog: the access log is on in production, on every path, and
// costs a REST list more than a pull (an entry per client per list page,
// against one per client per pull run): -bench.accesslog=false compares
// the pull and its baselines without it (BenchmarkAccessLog measures the
// log itself).
var benchAccessLog = flag.Bool("bench.accesslog", true, "sync benchmarks (not BenchmarkAccessLog): run with the access log on")

// newBenchEnvWith is newBenchEnv with a configuration of its own.
func newBenchEnvWith(tb testing.TB, d *benchData, cfg *server.Config) *benchEnv {
	tb.Helper()
	dir, err := tests.TempDirClone(d.dir)
	if err != nil {
		tb.Fatalf("copy data: %v", err)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: sqlitecache.Connect})
	tb.Cleanup(func() {
		// As the server stops (and tests.TestApp.Cleanup): OnTerminate
		// stops the server's background writers (device sync times,
		// checkpoints) before the database closes under them.
		_ = app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error {
			return e.App.ResetBootstrapState()
		})
		os.RemoveAll(dir)
	})
	if err := app.Bootstrap(); err != nil {
		tb.Fatalf("bootstrap: %v", err)
	}
	app.Settings().Logs.MaxDays = 0
	app.Settings().Batch.Enabled = true
	app.Settings().Batch.MaxRequests = 500
	app.Settings().Batch.Timeout = 300
	if err := server.Register(app, cfg); err != nil {
		tb.Fatalf("register: %v", err)
	}
	router, err := apis.NewRouter(app)
	if err != nil {
		tb.Fatalf("router: %v", err)
	}
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(*core.ServeEvent) error { return nil }); err != nil {
		tb.Fatalf("serve event: %v", err)
	}
	// The server turns on PocketBase's per-IP rate limits as it starts
	// (server/ratelimit_auth.go): 20 creates in 5 s and 3 batches a second
	// would stop a REST baseline, not measure it. Off on both sides; the
	// sync API's own limits per device are set by cfg.
	app.Settings().RateLimits.Enabled = false
	mux, err := router.BuildMux()
	if err != nil {
		tb.Fatalf("build mux: %v", err)
	}
	env := &benchEnv{data: d, app: app, srv: httptest.NewServer(mux)}
	tb.Cleanup(env.srv.Close)
	dialer := &net.Dialer{}
	env.http = &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{
		// Without this, Go's transport asks for gzip by itself and inflates
		// it silently: a "plain" pull would be gzipped on the wire.
		DisableCompression:  true,
		MaxIdleConnsPerHost: 4,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &benchCountingConn{Conn: c, n: &env.wire}, nil
		},
	}}
	if env.coordinator, err = app.FindRecordById(schema.Users, d.coordinator); err != nil {
		tb.Fatal(err)
	}
	if env.begeleider, err = app.FindRecordById(schema.Users, d.begeleider); err != nil {
		tb.Fatal(err)
	}
	return env
}

type benchCountingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *benchCountingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Results of this binary, per benchmark name, for the ratio summaries:
// wall and CPU nanoseconds per op of every run (-count).
var benchResults struct {
	mu   gosync.Mutex
	wall map[string][]float64
	cpu  map[string][]float64
}

// benchMeter measures the timed part of one benchmark: besides go test's
// wall time, the CPU time of the whole process (client and server alike),
// which other load on a shared machine disturbs far less than wall time.
type benchMeter struct {
	b           *testing.B
	cpu0        time.Duration
	stopProfile func()
}

// benchMeasure starts a meter; call it right before the b.Loop loop.
func benchMeasure(b *testing.B) *benchMeter {
	m := &benchMeter{b: b, stopProfile: benchCPUProfile(b, b.Name())}
	m.cpu0 = benchProcessCPU()
	return m
}

// finish reports records/s, CPU per op and per record, and wire bytes per
// record (when given), and keeps the result for the summaries. The CPU
// time includes the few timer-stopped steps inside the loop (registering
// a device), which are small. It returns the CPU nanoseconds per op.
func (m *benchMeter) finish(records int, wire int64) float64 {
	b := m.b
	cpu := benchProcessCPU() - m.cpu0
	m.stopProfile()
	if b.N == 0 {
		return 0
	}
	wallOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	cpuOp := float64(cpu.Nanoseconds()) / float64(b.N)
	b.ReportMetric(cpuOp/1e6, "cpu-ms/op")
	if records > 0 {
		b.ReportMetric(float64(records)/(wallOp/1e9), "records/s")
		b.ReportMetric(cpuOp/1e3/float64(records), "cpu-µs/record")
	}
	if wire > 0 && records > 0 {
		b.ReportMetric(float64(wire)/float64(b.N)/float64(records), "wireB/record")
	}
	benchRecord(b.Name(), wallOp, cpuOp)
	return cpuOp
}

// benchRecord keeps one result (wall and CPU ns per op) for the summaries.
func benchRecord(name string, wallOp, cpuOp float64) {
	benchResults.mu.Lock()
	defer benchResults.mu.Unlock()
	if benchResults.wall == nil {
		benchResults.wall, benchResults.cpu = map[string][]float64{}, map[string][]float64{}
	}
	benchResults.wall[name] = append(benchResults.wall[name], wallOp)
	benchResults.cpu[name] = append(benchResults.cpu[name], cpuOp)
}

// benchProcessCPU is the user and system CPU time of this process so far.
func benchProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchMedian is the median wall (or CPU) ns/op of a benchmark over the
// runs so far, and how many runs there were.
func benchMedian(name string, cpu bool) (float64, int) {
	benchResults.mu.Lock()
	defer benchResults.mu.Unlock()
	src := benchResults.wall
	if cpu {
		src = benchResults.cpu
	}
	v := append([]float64(nil), src[name]...)
	if len(v) == 0 {
		return 0, 0
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], len(v)
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, len(v)
}

// benchRatio prints how many times faster the benchmark named fast is than
// the one named slow (full names, medians so far), in wall time and in
// CPU time, against a target when target > 0.
func benchRatio(b *testing.B, what, fast, slow string, target float64) {
	b.Helper()
	f, nf := benchMedian(fast, false)
	s, ns := benchMedian(slow, false)
	fc, _ := benchMedian(fast, true)
	sc, _ := benchMedian(slow, true)
	if nf == 0 || ns == 0 {
		return
	}
	// Judged on both clocks: under load from other programs the wall
	// ratio moves much more than the CPU one.
	verdict := ""
	if target > 0 {
		word := map[bool]string{true: "met", false: "MISSED"}
		verdict = fmt.Sprintf("  target >= %.2fx: wall %s, cpu %s", target, word[s/f >= target], word[sc/fc >= target])
	}
	// Printed, not logged: go test shows the logs of a benchmark with
	// sub-benchmarks only with -v.
	fmt.Printf("summary %s: %-44s wall %6.2fx (%s vs %s), cpu %6.2fx (%s vs %s), medians of %d/%d runs;%s\n",
		b.Name(), what, s/f, benchHuman(f), benchHuman(s), sc/fc, benchHuman(fc), benchHuman(sc), nf, ns, verdict)
}

func benchHuman(ns float64) string {
	d := time.Duration(ns)
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(100 * time.Nanosecond).String()
}

// benchCPUProfile profiles the timed part of one benchmark (or the data
// setup) into <dir>/<name>.prof when SAMENSPEL_BENCH_CPUPROFILE names a
// directory; go test's -cpuprofile covers everything at once. It returns
// the function that stops it.
func benchCPUProfile(tb testing.TB, name string) func() {
	dir := os.Getenv("SAMENSPEL_BENCH_CPUPROFILE")
	if dir == "" {
		return func() {}
	}
	name = strings.NewReplacer("/", "_", "=", "").Replace(name)
	f, err := os.Create(fmt.Sprintf("%s/%s.prof", dir, name))
	if err != nil {
		tb.Fatalf("profile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		tb.Logf("no per-benchmark profile: %v", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func benchPick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

func benchPickN(rng *rand.Rand, from []string, n int) []string {
	out := make([]string, 0, n)
	for _, i := range rng.Perm(len(from))[:n] {
		out = append(out, from[i])
	}
	return out
}

// benchSentences joins between lo and hi sentences of field notes.
func benchSentences(rng *rand.Rand, lo, hi int) string {
	n := lo + rng.IntN(hi-lo+1)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = benchPick(rng, benchNoteSentences)
	}
	return strings.Join(parts, " ")
}

var (
	benchFirstNames = []string{"Jan", "Fatima", "Piet", "Anouk", "Mohamed", "Els", "Kees", "Samira", "Henk", "Ingrid",
		"Yusuf", "Marieke", "Bram", "Noor", "Willem", "Ayse", "Gerrit", "Sanne", "Ahmed", "Truus", "Dirk", "Lotte"}
	benchLastNames = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos",
		"Yilmaz", "El Amrani", "Hendriks", "van Dijk", "Kok", "Dekker", "van der Berg", "Brouwer", "Kaya"}
	benchContactPrefixes = []string{"", "", "Zus ", "Broer ", "Buurvrouw ", "Buurman ", "Tante ", "Neef ", "Vriendin ", "Oom "}
	benchRelations       = []string{"family", "partner", "friend", "neighbour", "volunteer", "informal_carer", "peer", "professional", "organisation", "other"}
	benchSupports        = []string{"practical", "emotional", "company", "advice", "care"}
	benchLifeDomains     = []string{"living", "daytime_activity", "finances", "relationships", "health", "leisure", "meaning", "other"}
	benchGoalStatuses    = []string{"idea", "active", "active", "active", "achieved", "paused", "stopped"}
	benchKinds           = []string{"place", "meeting_place", "facility", "initiative", "key_person", "barrier", "opportunity", "other"}
	benchGoalTitles      = []string{
		"Weer zelf boodschappen doen", "Vrijwilligerswerk vinden bij de voedselbank", "Mijn schulden op een rij krijgen",
		"Elke week een keer naar het buurthuis", "Weer contact hebben met mijn zus", "Een vaste dagbesteding vinden",
		"Zelfstandig met de bus naar de stad reizen", "Mijn huis op orde houden zonder hulp", "Beter slapen en minder piekeren",
		"Meedoen met de wandelgroep op dinsdagochtend", "Leren koken voor mezelf en mijn dochter", "Een cursus Nederlands afmaken",
		"Mijn post en administratie zelf bijhouden", "Nieuwe mensen leren kennen in de wijk", "Twee keer per week sporten met de buurtsportcoach",
		"Een maatje vinden om samen mee te fietsen", "Weer durven bellen met instanties", "Mijn tuin bijhouden met hulp van de buren",
	}
	benchSafariTitles = []string{"Rondje Knutselwijk", "Langs de IJssel", "Wat is er te doen in Keizerslanden?", "Ontmoetingsplekken rond het winkelcentrum",
		"Op zoek naar gratis koffie", "Sporten in de buurt", "Waar kan ik vrijwilligen?", "De route naar de bibliotheek"}
	benchAreas     = []string{"Knutselwijk", "Keizerslanden", "Rivierenwijk", "Colmschate", "Binnenstad", "Zandweerd", "Borgele"}
	benchQuestions = []string{"Waar kun je gratis koffie drinken?", "Waar voel je je welkom?", "Wie ken je hier al?", "Wat zou je hier willen doen?",
		"Welke plek vermijd je liever, en waarom?", "Waar kun je terecht met vragen over geld?", "Wie zou je hier om hulp durven vragen?"}
	benchPlaces = []string{"Buurthuis De Kei", "Bibliotheek aan de Brink", "Repair café in de Lebuïnuskerk", "Moestuin achter de flat",
		"Speeltuin aan de Brinkgreven", "Huiskamer van de wijk", "Kringloopwinkel De Ruil", "Bankje bij de vijver", "Buurtsportcoach bij het veld",
		"Inloop van het wijkteam", "Taalcafé op woensdag", "Gratis fietsenmaker op zaterdag", "Wijkboerderij", "Voedselbank uitgiftepunt"}
	benchNoteSentences = []string{
		"Jan vond het spannend om naar binnen te gaan, maar de gastvrouw maakte meteen een praatje.",
		"De koffie is gratis en er zit elke ochtend een vaste groep buurtbewoners aan de leestafel.",
		"Fatima wil hier graag vaker komen als er iemand is die haar de eerste keer op weg helpt.",
		"Het gebouw is slecht toegankelijk met een rollator: de drempel bij de ingang is hoog.",
		"Op dinsdag en donderdag is er een inloopspreekuur van de schuldhulpmaatje.",
		"We hebben afgesproken dat hij volgende week zelf belt om een afspraak te maken.",
		"De vrijwilligers zijn vriendelijk, maar de openingstijden staan nergens op internet.",
		"Ze vertelde dat ze vroeger graag tuinierde en daar weer tijd voor wil maken.",
		"Er hangt een prikbord met activiteiten in de wijk, vooral voor ouderen.",
		"Hij gaf aan dat hij zich hier minder alleen voelt dan thuis.",
		"De buurvrouw heeft aangeboden om samen boodschappen te doen op vrijdagochtend.",
		"Het is een rustige plek aan het water, met veel bankjes en weinig verkeer.",
		"We merkten dat de drempel om iets te vragen voor haar nog groot is.",
		"De wijkagent kwam langs en kende een aantal deelnemers bij naam.",
		"Volgende keer nemen we de bus in plaats van de auto, zodat ze de route leert.",
		"Hij heeft zelf een lijstje gemaakt met vragen voor de woningcorporatie.",
		"Het repair café zoekt nog mensen die kunnen helpen met kleine elektrische apparaten.",
		"Haar zoon komt elk weekend langs en wil graag meedenken over de stappen.",
		"De bibliotheek heeft een digicafé waar je hulp krijgt bij DigiD en formulieren.",
		"Er is behoefte aan een plek waar jongeren na school kunnen sporten.",
		"Ze was trots dat ze de weg terug zelf kon vinden.",
		"We hebben samen de folder van de taalcafé gelezen en zij wil het proberen.",
		"Het was druk en rumoerig, wat voor hem te veel prikkels gaf.",
		"De beheerder vertelde dat het buurthuis na de zomer misschien de deuren sluit.",
		"In overleg met de client hebben we het doel kleiner gemaakt en een eerste stap gekozen.",
	}
)
