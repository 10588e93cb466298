//go:build unix

package photo

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) this process has used, to
// report benchmarks per core on a machine others share.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
