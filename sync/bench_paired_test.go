package sync_test

import (
	"fmt"
	"testing"
	"time"
)

// benchOp is one timed operation of a benchmark: prepare runs with the
// timer stopped, run is timed, check (timer stopped) verifies what run did.
type benchOp struct {
	prepare func()
	run     func()
	check   func()
}

// benchLoop times op alone, b.N times (only run is timed), and returns
// the bytes it read from the server.
func benchLoop(b *testing.B, env *benchEnv, op benchOp) (wire int64) {
	b.Helper()
	for b.Loop() {
		b.StopTimer()
		op.prepare()
		w0 := env.wire.Load()
		b.StartTimer()
		op.run()
		b.StopTimer()
		wire += env.wire.Load() - w0
		op.check()
		b.StartTimer()
	}
	return wire
}

// benchPaired times one op per mode (the log off, the log on) turn about
// in one loop: every iteration runs each mode's op once, in an order that
// rotates from one iteration to the next, so that the process's age, its
// heap and the machine's other load fall on every mode alike. Run as
// sub-benchmarks one after the other, the mode that ran second was up to
// 20 % slower for that reason alone (BenchmarkAccessLog's push with the
// log on: 0.75-0.83x run second, 0.95x run first, same build).
//
// Each op's wall and CPU time go to the summaries as b.Name()+"/"+mode,
// one value per op, so benchRatio compares medians over every op of
// every run (-count); the medians are also reported as <mode>-ms/op and
// <mode>-cpu-ms/op. The ns/op go test prints is the time of one op of
// every mode together. With SAMENSPEL_BENCH_CPUPROFILE, each op writes
// its own CPU profile (<name>_<mode>_<iteration>.prof).
func benchPaired(b *testing.B, modes []string, ops map[string]benchOp) {
	b.Helper()
	iteration := 0
	for b.Loop() {
		b.StopTimer()
		for i := range modes {
			mode := modes[(iteration+i)%len(modes)]
			op := ops[mode]
			op.prepare()
			stopProfile := benchCPUProfile(b, fmt.Sprintf("%s_%s_%d", b.Name(), mode, iteration))
			cpu0, t0 := benchProcessCPU(), time.Now()
			b.StartTimer()
			op.run()
			b.StopTimer()
			stopProfile()
			benchRecord(b.Name()+"/"+mode, float64(time.Since(t0).Nanoseconds()), float64((benchProcessCPU() - cpu0).Nanoseconds()))
			op.check()
		}
		iteration++
		b.StartTimer()
	}
	for _, mode := range modes {
		wall, _ := benchMedian(b.Name()+"/"+mode, false)
		cpu, _ := benchMedian(b.Name()+"/"+mode, true)
		b.ReportMetric(wall/1e6, mode+"-ms/op")
		b.ReportMetric(cpu/1e6, mode+"-cpu-ms/op")
	}
}

// benchPairedRatio is benchRatio for two modes of benchPaired.
func benchPairedRatio(b *testing.B, what, fast, slow string, target float64) {
	b.Helper()
	benchRatio(b, what, fmt.Sprintf("%s/%s", b.Name(), fast), fmt.Sprintf("%s/%s", b.Name(), slow), target)
}
