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

// Launch is how every sampled process is started; the pipeline sets it
// from the run's options for each trial (WithLaunch), and each runtime
// applies what it can and reports what it applied in its Result.
type Launch struct {
	CPUs      []int  // pinned to these (sched_setaffinity; cpuset in containers); empty: not pinned
	Stack     int64  // RLIMIT_STACK in bytes; 0: inherited
	Sched     string // "" or "other": inherited; "fifo:<prio>": SCHED_FIFO at that priority
	Mlock     bool   // lock the process's memory where the runtime can
	MaxOutput int64  // cap on captured stdout and stderr, each; 0: DefaultMaxOutput
}

type launchKey struct{}

// WithLaunch asks the runtimes to start every sample as l says.
func WithLaunch(ctx context.Context, l Launch) context.Context {
	return context.WithValue(ctx, launchKey{}, l)
}

// LaunchFrom returns the launch settings of ctx (zero: inherit everything).
func LaunchFrom(ctx context.Context) Launch {
	l, _ := ctx.Value(launchKey{}).(Launch)
	return l
}

// CPUsFrom returns the CPUs samples are pinned to (none: not pinned).
func CPUsFrom(ctx context.Context) []int { return LaunchFrom(ctx).CPUs }

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
