package sync_test

// The sync benchmarks of issue 3, all on the same generated data
// (bench_data_test.go): one team of ~100k records (1,000 clients, 250
// safaris, ~39k goals, ~30k network contacts, ~30k observations with Dutch
// texts of field-note length) that both its begeleider and the coordinator
// see. Every sync path is measured against a baseline in the same run, and
// each benchmark ends with a summary of ratios (medians over -count runs so
// far), in wall time and in CPU time of the process (client and server
// together), which load from other programs disturbs much less. Run the
// whole suite with
//
//	go test ./sync/ -run '^$' -bench . -benchtime 3x -count 3 -timeout 150m
//
// (about 20 min on 2 shared cores, most of it in the REST baselines; building
// the 100k records takes 1.5 to 3 min of that). One part:
// -bench 'Pull100k/coordinator'. Profiles of the timed part only (go test's
// -cpuprofile also covers the data setup):
//
//	SAMENSPEL_BENCH_CPUPROFILE=/tmp/prof go test ./sync/ -run '^$' -bench ...
//	go tool pprof -top /tmp/prof/BenchmarkPull100k_coordinator_sync-inprocess.prof
//
//   - BenchmarkPull100k: a fresh pull of everything, with the Go client
//     (limit 5,000, with and without gzip), as raw HTTP pages decoded only
//     as far as the cursor, and in-process (Service.Pull, no HTTP); against
//     paging PocketBase's REST list API (perPage=1000, sort=updated,id,
//     skipTotal=1, each listed collection, as the same person, with an
//     (updated, id) index) and against the physical limit here, SELECT *
//     scanned into Go values and encoded with encoding/json.
//   - BenchmarkPush10k: 10k goal creates by the begeleider, via sync push in
//     batches of 500, via REST one by one, via /api/batch of 500.
//   - BenchmarkPullIncremental: a pull with an up-to-date cursor at 1k, 10k
//     and 100k records; its cost must not grow with the database.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/servertest"
	fieldsync "github.com/samenspel/samenspel/sync"
	"github.com/samenspel/samenspel/sync/client"
)

const (
	benchPullLimit  = 5000 // the protocol's maximum page
	benchRestPage   = 1000 // PocketBase's maximum perPage
	benchPushCount  = 10_000
	benchBatchSize  = 500
	benchIncRepeats = 200 // pulls per op of BenchmarkPullIncremental
)

func BenchmarkPull100k(b *testing.B) {
	d := benchDataOf(b, 100_000)
	env := newBenchEnv(b, d)
	b.Run("sqlite-scan-json", func(b *testing.B) { benchScanJSON(b, env) })
	for _, who := range []struct {
		name   string
		person *core.Record
	}{{"coordinator", env.coordinator}, {"begeleider", env.begeleider}} {
		b.Run(who.name, func(b *testing.B) {
			b.Run("sync-inprocess", func(b *testing.B) { benchPullInProcess(b, env, who.person) })
			b.Run("sync-client", func(b *testing.B) { benchPullClient(b, env, who.person, false) })
			b.Run("sync-client-gzip", func(b *testing.B) { benchPullClient(b, env, who.person, true) })
			b.Run("sync-http-raw", func(b *testing.B) { benchPullHTTPRaw(b, env, who.person) })
			b.Run("rest", func(b *testing.B) { benchPullREST(b, env, who.person) })

			scan := "BenchmarkPull100k/sqlite-scan-json"
			me := b.Name() + "/"
			benchRatio(b, "sync client vs REST list (target 5x)", me+"sync-client", me+"rest", 5)
			benchRatio(b, "sync client gzip vs REST list (target 5x)", me+"sync-client-gzip", me+"rest", 5)
			benchRatio(b, "sync client vs scan+json (target 0.5x)", me+"sync-client", scan, 0.5)
			benchRatio(b, "sync in-process vs scan+json (target 0.5x)", me+"sync-inprocess", scan, 0.5)
			benchRatio(b, "sync raw HTTP vs scan+json", me+"sync-http-raw", scan, 0)
		})
	}
}

func BenchmarkPush10k(b *testing.B) {
	d := benchDataOf(b, 100_000)
	goals := benchPushGoals(d)
	b.Run("sync", func(b *testing.B) { benchPushSync(b, newBenchEnv(b, d), goals) })
	b.Run("rest-batch", func(b *testing.B) { benchPushBatch(b, newBenchEnv(b, d), goals) })
	b.Run("rest-single", func(b *testing.B) { benchPushSingle(b, newBenchEnv(b, d), goals) })
	me := b.Name() + "/"
	benchRatio(b, "sync push vs REST creates one by one (target 3x)", me+"sync", me+"rest-single", 3)
	benchRatio(b, "sync push vs /api/batch (target 1.5x)", me+"sync", me+"rest-batch", 1.5)
}

func BenchmarkPullIncremental(b *testing.B) {
	sizes := []struct {
		name string
		n    int
	}{{"records=1k", 1_000}, {"records=10k", 10_000}, {"records=100k", 100_000}}
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			env := newBenchEnv(b, benchDataOf(b, size.n))
			for _, who := range []struct {
				name   string
				person *core.Record
			}{{"coordinator", env.coordinator}, {"begeleider", env.begeleider}} {
				b.Run(who.name, func(b *testing.B) {
					b.Run("inprocess", func(b *testing.B) { benchIncrementalInProcess(b, env, who.person) })
					b.Run("http", func(b *testing.B) { benchIncrementalHTTP(b, env, who.person) })
				})
			}
		})
	}
	for _, who := range []string{"coordinator", "begeleider"} {
		for _, how := range []string{"inprocess", "http"} {
			name := func(size string) string { return fmt.Sprintf("%s/%s/%s/%s", b.Name(), size, who, how) }
			per := func(size string, cpu bool) string {
				v, _ := benchMedian(name(size), cpu)
				return benchHuman(v / benchIncRepeats)
			}
			small, n1 := benchMedian(name("records=1k"), false)
			large, n2 := benchMedian(name("records=100k"), false)
			smallCPU, _ := benchMedian(name("records=1k"), true)
			largeCPU, _ := benchMedian(name("records=100k"), true)
			if n1 == 0 || n2 == 0 {
				continue
			}
			fmt.Printf("summary %s: %-22s per pull wall 1k %s, 10k %s, 100k %s; cpu 1k %s, 10k %s, 100k %s; 100k/1k wall %.2fx, cpu %.2fx (target ~1x: no growth)\n",
				b.Name(), who+" "+how, per("records=1k", false), per("records=10k", false), per("records=100k", false),
				per("records=1k", true), per("records=10k", true), per("records=100k", true), large/small, largeCPU/smallCPU)
		}
	}
}

// benchScanJSON is the physical limit: every row of the listed
// collections scanned into Go values and encoded with encoding/json, in
// pages of a few MB, no HTTP.
func benchScanJSON(b *testing.B, env *benchEnv) {
	db := env.app.ConcurrentDB().(*dbx.DB).DB()
	var buf bytes.Buffer
	n := 0
	m := benchMeasure(b)
	for b.Loop() {
		n = 0
		for _, col := range benchListed {
			rows, err := db.Query("SELECT * FROM " + col)
			if err != nil {
				b.Fatal(err)
			}
			cols, err := rows.Columns()
			if err != nil {
				b.Fatal(err)
			}
			vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			enc := json.NewEncoder(&buf)
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					b.Fatal(err)
				}
				m := make(map[string]any, len(cols))
				for i, c := range cols {
					m[c] = vals[i]
				}
				if err := enc.Encode(m); err != nil {
					b.Fatal(err)
				}
				n++
				if buf.Len() > 4<<20 {
					buf.Reset()
				}
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
	}
	if n != env.data.total {
		b.Fatalf("scanned %d rows, want %d", n, env.data.total)
	}
	m.finish(n, 0)
}

// benchPullInProcess pulls everything with Service.Pull: the server's work
// without HTTP, authentication or gzip.
func benchPullInProcess(b *testing.B, env *benchEnv, person *core.Record) {
	svc := fieldsync.New(env.app, fieldsync.Config{})
	dev := benchInProcessDevice(b, svc, person, "bench-inproc-"+person.Id)
	var buf bytes.Buffer
	m := benchMeasure(b)
	for b.Loop() {
		n, _ := benchPullAll(b, svc, dev, "", &buf)
		if n != env.data.total {
			b.Fatalf("pulled %d records, want %d", n, env.data.total)
		}
	}
	m.finish(env.data.total, 0)
}

// benchPullClient pulls everything with the Go client, as a fresh device:
// HTTP, JSON decoding into the client's store included.
func benchPullClient(b *testing.B, env *benchEnv, person *core.Record, gzip bool) {
	ctx := context.Background()
	token := servertest.Token(b, person)
	var wire int64
	m := benchMeasure(b)
	for b.Loop() {
		b.StopTimer()
		c := client.New(env.srv.URL, "bench-client-"+person.Id)
		c.PullLimit = benchPullLimit
		c.HTTP, c.Gzip = env.http, gzip
		if err := c.Register(ctx, token); err != nil {
			b.Fatal(err)
		}
		w0 := env.wire.Load()
		b.StartTimer()
		if err := c.Pull(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		wire += env.wire.Load() - w0
		if got, want := c.Store().Len(), env.data.total; got != want {
			b.Fatalf("store holds %d records, want %d", got, want)
		}
		b.StartTimer()
	}
	m.finish(env.data.total, wire)
}

// benchPullHTTPRaw follows pull pages over HTTP, decoding each only as far
// as its cursor and its list of changes (left as raw JSON).
func benchPullHTTPRaw(b *testing.B, env *benchEnv, person *core.Record) {
	token := "Bearer " + benchRegisterDevice(b, env, person, "bench-raw-"+person.Id)
	var wire int64
	m := benchMeasure(b)
	for b.Loop() {
		w0 := env.wire.Load()
		n, cursor := 0, ""
		for {
			q := url.Values{"limit": {fmt.Sprint(benchPullLimit)}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			var page struct {
				Changes []json.RawMessage `json:"changes"`
				Cursor  string            `json:"cursor"`
				HasMore bool              `json:"has_more"`
			}
			benchGetJSON(b, env, "/api/sync/v1/pull?"+q.Encode(), token, &page)
			n += len(page.Changes)
			cursor = page.Cursor
			if !page.HasMore {
				break
			}
		}
		wire += env.wire.Load() - w0
		if n != env.data.total {
			b.Fatalf("pulled %d records, want %d", n, env.data.total)
		}
	}
	m.finish(env.data.total, wire)
}

// benchPullREST pages through every listed collection with PocketBase's
// REST list API as the person, as the JS SDK's getFullList does, decoded
// into maps and kept by id like the Go client's store.
func benchPullREST(b *testing.B, env *benchEnv, person *core.Record) {
	token := servertest.Token(b, person)
	var wire int64
	m := benchMeasure(b)
	for b.Loop() {
		w0 := env.wire.Load()
		n := 0
		store := map[string]map[string]map[string]any{}
		for _, col := range benchListed {
			store[col] = map[string]map[string]any{}
			for page := 1; ; page++ {
				path := fmt.Sprintf("/api/collections/%s/records?page=%d&perPage=%d&sort=updated,id&skipTotal=1", col, page, benchRestPage)
				var res struct {
					Items []map[string]any `json:"items"`
				}
				benchGetJSON(b, env, path, token, &res)
				for _, it := range res.Items {
					id, _ := it["id"].(string)
					store[col][id] = it
				}
				n += len(res.Items)
				if len(res.Items) < benchRestPage {
					break
				}
			}
		}
		wire += env.wire.Load() - w0
		if n != env.data.total {
			b.Fatalf("listed %d records, want %d", n, env.data.total)
		}
	}
	m.finish(env.data.total, wire)
}

// benchPushGoals are the 10k goals every push benchmark creates, for the
// begeleider's clients, with the same texts as the data set.
func benchPushGoals(d *benchData) []map[string]any {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([]map[string]any, benchPushCount)
	for i := range out {
		out[i] = map[string]any{
			"client": d.clients[i%len(d.clients)], "title": benchPick(rng, benchGoalTitles), "life_domain": benchPick(rng, benchLifeDomains),
			"why": benchSentences(rng, 1, 4), "status": "active", "progress": rng.IntN(11),
		}
	}
	return out
}

func benchPushSync(b *testing.B, env *benchEnv, goals []map[string]any) {
	ctx := context.Background()
	defer func(old int) { client.BatchSize = old }(client.BatchSize)
	client.BatchSize = benchBatchSize
	c := client.New(env.srv.URL, "bench-push")
	c.HTTP = env.http
	if err := c.Register(ctx, servertest.Token(b, env.begeleider)); err != nil {
		b.Fatal(err)
	}
	before := benchCountGoals(b, env)
	m := benchMeasure(b)
	for b.Loop() {
		b.StopTimer()
		for _, g := range goals {
			c.Create(schema.Goals, "", g)
		}
		b.StartTimer()
		if err := c.Push(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if len(c.Rejected) > 0 || len(c.Pending()) > 0 || c.Conflicts > 0 {
			b.Fatalf("push: %d rejected (first: %+v), %d pending, %d conflicts", len(c.Rejected), c.Rejected, len(c.Pending()), c.Conflicts)
		}
		b.StartTimer()
	}
	benchCheckGoals(b, env, before)
	m.finish(benchPushCount, 0)
}

func benchPushSingle(b *testing.B, env *benchEnv, goals []map[string]any) {
	token := servertest.Token(b, env.begeleider)
	before := benchCountGoals(b, env)
	m := benchMeasure(b)
	for b.Loop() {
		for _, g := range goals {
			body := maps.Clone(g)
			body["id"] = client.NewID()
			benchPostJSON(b, env, "/api/collections/goals/records", token, body, nil)
		}
	}
	benchCheckGoals(b, env, before)
	m.finish(benchPushCount, 0)
}

func benchPushBatch(b *testing.B, env *benchEnv, goals []map[string]any) {
	token := servertest.Token(b, env.begeleider)
	before := benchCountGoals(b, env)
	m := benchMeasure(b)
	for b.Loop() {
		for i := 0; i < len(goals); i += benchBatchSize {
			reqs := make([]map[string]any, 0, benchBatchSize)
			for _, g := range goals[i:min(i+benchBatchSize, len(goals))] {
				body := maps.Clone(g)
				body["id"] = client.NewID()
				reqs = append(reqs, map[string]any{"method": "POST", "url": "/api/collections/goals/records", "body": body})
			}
			var res []struct {
				Status int `json:"status"`
				Body   any `json:"body"`
			}
			benchPostJSON(b, env, "/api/batch", token, map[string]any{"requests": reqs}, &res)
			for _, r := range res {
				if r.Status != http.StatusOK {
					b.Fatalf("batch item: %d %v", r.Status, r.Body)
				}
			}
		}
	}
	benchCheckGoals(b, env, before)
	m.finish(benchPushCount, 0)
}

func benchCountGoals(b *testing.B, env *benchEnv) int {
	var n int
	if err := env.app.DB().NewQuery("SELECT count(*) FROM goals").Row(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

func benchCheckGoals(b *testing.B, env *benchEnv, before int) {
	if got, want := benchCountGoals(b, env), before+b.N*benchPushCount; got != want {
		b.Fatalf("goals=%d, want %d", got, want)
	}
}

// benchIncrementalInProcess: Service.Pull with an up-to-date cursor.
func benchIncrementalInProcess(b *testing.B, env *benchEnv, person *core.Record) {
	ctx := context.Background()
	svc := fieldsync.New(env.app, fieldsync.Config{})
	dev := benchInProcessDevice(b, svc, person, "bench-inc-"+person.Id)
	var buf bytes.Buffer
	n, cursor := benchPullAll(b, svc, dev, "", &buf)
	if n != env.data.total {
		b.Fatalf("caught up with %d records, want %d", n, env.data.total)
	}
	m := benchMeasure(b)
	for b.Loop() {
		for range benchIncRepeats {
			buf.Reset()
			if err := svc.Pull(ctx, dev, fieldsync.PullRequest{Cursor: cursor, Limit: benchPullLimit}, &buf); err != nil {
				b.Fatal(err)
			}
			next, more, err := benchPageTail(buf.Bytes())
			if err != nil || more || bytes.Contains(buf.Bytes(), []byte(`"op":`)) {
				b.Fatalf("not an empty page (%v): %.300s", err, buf.Bytes())
			}
			cursor = next
		}
	}
	cpuOp := m.finish(0, 0)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchIncRepeats), "ns/pull")
	b.ReportMetric(cpuOp/benchIncRepeats, "cpu-ns/pull")
}

// benchIncrementalHTTP: the Go client's PullPage with an up-to-date cursor.
func benchIncrementalHTTP(b *testing.B, env *benchEnv, person *core.Record) {
	ctx := context.Background()
	c := client.New(env.srv.URL, "bench-inchttp-"+person.Id)
	c.PullLimit = benchPullLimit
	c.HTTP = env.http
	if err := c.Register(ctx, servertest.Token(b, person)); err != nil {
		b.Fatal(err)
	}
	if err := c.Pull(ctx); err != nil {
		b.Fatal(err)
	}
	if got, want := c.Store().Len(), env.data.total; got != want {
		b.Fatalf("caught up with %d records, want %d", got, want)
	}
	m := benchMeasure(b)
	for b.Loop() {
		for range benchIncRepeats {
			p, err := c.PullPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Changes) > 0 || p.HasMore {
				b.Fatalf("not an empty page: %d changes, has_more %v", len(p.Changes), p.HasMore)
			}
		}
	}
	cpuOp := m.finish(0, 0)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchIncRepeats), "ns/pull")
	b.ReportMetric(cpuOp/benchIncRepeats, "cpu-ns/pull")
}

// benchInProcessDevice registers a device for person directly with the service.
func benchInProcessDevice(tb testing.TB, svc *fieldsync.Service, person *core.Record, deviceID string) *fieldsync.Device {
	tb.Helper()
	one := 1
	reg, err := svc.Register(person, fieldsync.RegisterRequest{DeviceID: deviceID, Platform: "bench", AppVersion: "1", SchemaVersion: &one})
	if err != nil {
		tb.Fatalf("register: %v", err)
	}
	dev, err := svc.Authenticate(reg.Token, 1)
	if err != nil {
		tb.Fatalf("authenticate: %v", err)
	}
	return dev
}

// benchPullAll follows in-process pull pages from cursor until has_more is
// false; it returns the number of upserts and the last cursor.
func benchPullAll(tb testing.TB, svc *fieldsync.Service, dev *fieldsync.Device, cursor string, buf *bytes.Buffer) (int, string) {
	tb.Helper()
	n := 0
	for {
		buf.Reset()
		if err := svc.Pull(context.Background(), dev, fieldsync.PullRequest{Cursor: cursor, Limit: benchPullLimit}, buf); err != nil {
			tb.Fatalf("pull: %v", err)
		}
		n += bytes.Count(buf.Bytes(), []byte(`"op":"upsert"`))
		next, more, err := benchPageTail(buf.Bytes())
		if err != nil {
			tb.Fatal(err)
		}
		cursor = next
		if !more {
			return n, cursor
		}
	}
}

// benchPageTail reads cursor and has_more from the end of a pull page, which
// the server writes after the changes, without decoding the changes.
func benchPageTail(page []byte) (cursor string, hasMore bool, err error) {
	i := bytes.LastIndex(page, []byte(`"cursor":`))
	if i < 0 {
		return "", false, fmt.Errorf("no cursor in page: %.200s", page)
	}
	var tail struct {
		Cursor  string `json:"cursor"`
		HasMore bool   `json:"has_more"`
	}
	if err := json.Unmarshal(append([]byte("{"), page[i:]...), &tail); err != nil {
		return "", false, fmt.Errorf("page tail: %w", err)
	}
	return tail.Cursor, tail.HasMore, nil
}

// benchRegisterDevice registers a device over HTTP and returns its token.
func benchRegisterDevice(tb testing.TB, env *benchEnv, person *core.Record, deviceID string) string {
	tb.Helper()
	var res struct {
		Token string `json:"token"`
	}
	benchPostJSON(tb, env, "/api/sync/v1/devices", servertest.Token(tb, person),
		map[string]any{"device_id": deviceID, "platform": "bench", "app_version": "1", "schema_version": 1}, &res)
	return res.Token
}

func benchGetJSON(tb testing.TB, env *benchEnv, path, auth string, out any) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, env.srv.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("X-Schema-Version", "1")
	benchSend(tb, env, req, out)
}

func benchPostJSON(tb testing.TB, env *benchEnv, path, auth string, body, out any) {
	tb.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, env.srv.URL+path, bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	benchSend(tb, env, req, out)
}

func benchSend(tb testing.TB, env *benchEnv, req *http.Request, out any) {
	tb.Helper()
	res, err := env.http.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("%s %s: %d %.500s", req.Method, req.URL.Path, res.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.Fatalf("%s %s: decode: %v", req.Method, req.URL.Path, err)
		}
	}
}
