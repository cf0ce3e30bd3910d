package runtimes

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

type cpusKey struct{}

// WithCPUs asks the runtimes to pin every sample to the given CPUs.
func WithCPUs(ctx context.Context, cpus []int) context.Context {
	return context.WithValue(ctx, cpusKey{}, cpus)
}

// CPUsFrom returns the CPUs samples are pinned to (none: not pinned).
func CPUsFrom(ctx context.Context) []int {
	cpus, _ := ctx.Value(cpusKey{}).([]int)
	return cpus
}

// CPUList formats CPUs as a cpuset list ("1,3"), as Docker and runc take it.
func CPUList(cpus []int) string {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}

// startPinned starts cmd with its CPU affinity set to cpus. The child
// inherits the affinity of the thread that forks it, so the calling thread
// is pinned for the moment of the start and restored after: no wrapper
// program (taskset) runs inside the measured launch.
func startPinned(cmd *exec.Cmd, cpus []int) error {
	if len(cpus) == 0 {
		return cmd.Start()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return err
	}
	for _, c := range cpus {
		set.Set(c)
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("pin to CPUs %s: %w (see RTWASM_CPUS)", CPUList(cpus), err)
	}
	defer unix.SchedSetaffinity(0, &old)
	return cmd.Start()
}
