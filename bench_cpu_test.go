//go:build unix

package anzexian_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock measures the CPU time the process spends (every thread: the
// benchmark and the garbage collector), which, unlike wall time, does not
// grow when other processes compete for the cores. Benchmarks report it per
// operation as cpu-ns/op next to ns/op.
type cpuClock struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{processCPU()} }

func (c cpuClock) report(b *testing.B) {
	if d := processCPU() - c.start; d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
