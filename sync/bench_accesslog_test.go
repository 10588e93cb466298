package sync_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server/audit"
)

// BenchmarkAccessLog is what the access log costs (issue 12: a fresh pull
// and a push with the log on stay within 10% of their speed without it):
// the fresh pull of BenchmarkPull100k with the Go client, and the 10k goal
// creates of BenchmarkPush10k by sync push, each on a server with the log
// off and one with it on, turn about in one loop (benchPaired). With the
// log on, each op ends by reading the log through its API, which waits
// until every entry the op made is committed, so the writer's work is in
// the time.
//
//	go test ./sync/ -run '^$' -bench BenchmarkAccessLog -benchtime 5x -count 2 -timeout 60m
func BenchmarkAccessLog(b *testing.B) {
	d := benchDataOf(b, 100_000)
	modes := []string{"log-off", "log-on"}
	newEnvs := func(b *testing.B) map[string]*benchEnv {
		off := benchConfig()
		off.AccessLog.Off = true
		return map[string]*benchEnv{"log-off": newBenchEnvWith(b, d, off), "log-on": newBenchEnvWith(b, d, benchConfig())}
	}
	envs := newEnvs(b)
	for _, who := range []string{"coordinator", "begeleider"} {
		b.Run("pull-"+who, func(b *testing.B) {
			ops := map[string]benchOp{}
			for _, mode := range modes {
				env := envs[mode]
				person := env.coordinator
				if who == "begeleider" {
					person = env.begeleider
				}
				ops[mode], _ = benchPullClientOp(b, env, person, false, benchFlushLog(b, env, mode))
			}
			benchPaired(b, modes, ops)
			benchPairedRatio(b, "pull with access log vs without (target >= 0.91x)", "log-on", "log-off", 1/1.1)
		})
	}
	goals := benchPushGoals(d)
	b.Run("push", func(b *testing.B) {
		envs := newEnvs(b)
		ops, before := map[string]benchOp{}, map[string]int{}
		for _, mode := range modes {
			ops[mode] = benchPushSyncOp(b, envs[mode], goals, benchFlushLog(b, envs[mode], mode))
			before[mode] = benchCountGoals(b, envs[mode])
		}
		benchPaired(b, modes, ops)
		for _, mode := range modes {
			benchCheckGoals(b, envs[mode], before[mode], b.N)
		}
		benchPairedRatio(b, "push with access log vs without (target >= 0.91x)", "log-on", "log-off", 1/1.1)
	})
}

// benchFlushLog returns what ends each timed op: with the log on, a read
// of the log's API, which first commits everything queued. It reports the
// entries each op added (log-entries/op, by the newest entry's seq; the
// read itself adds one or two), the figure that decides the log's cost.
func benchFlushLog(b *testing.B, env *benchEnv, mode string) func() {
	if mode != "log-on" {
		return nil
	}
	token := servertest.Token(b, env.coordinator)
	newest := func() int64 {
		req, _ := http.NewRequest("GET", env.srv.URL+audit.EntriesPath+"?limit=1", nil)
		req.Header.Set("Authorization", token)
		res, err := env.http.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		var p audit.Page
		if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&p) != nil {
			b.Fatalf("read access log: %d", res.StatusCode)
		}
		if len(p.Entries) == 0 {
			return 0
		}
		return p.Entries[0].Seq
	}
	last := newest()
	return func() {
		seq := newest()
		b.ReportMetric(float64(seq-last), "log-entries/op")
		last = seq
	}
}
