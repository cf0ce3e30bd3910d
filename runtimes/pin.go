package runtimes

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

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

// launchMu serialises starts: the stack limit is process-wide while a
// child is started.
var launchMu sync.Mutex

// startLaunch starts cmd as l says and returns what was applied and the
// launch time, read just before the fork, after the settings are in place
// (as a C launcher reads its clock just before posix_spawn). A child
// inherits the CPU affinity and scheduling policy of the thread that forks
// it and the process's RLIMIT_STACK, so the calling thread is set for the
// moment of the start and restored after: no wrapper program (taskset,
// chrt, prlimit) runs inside the measured launch. A refused policy is
// recorded in Applied.Sched, not fatal; a refused pin or stack limit is.
func startLaunch(cmd *exec.Cmd, l Launch) (Launch, int64, error) {
	applied := Launch{CPUs: l.CPUs, MaxOutput: l.MaxOutput}
	launchMu.Lock()
	defer launchMu.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if len(l.CPUs) > 0 {
		var old, set unix.CPUSet
		if err := unix.SchedGetaffinity(0, &old); err != nil {
			return applied, 0, err
		}
		for _, c := range l.CPUs {
			set.Set(c)
		}
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			return applied, 0, fmt.Errorf("pin to CPUs %s: %w (see RTWASM_CPUS)", CPUList(l.CPUs), err)
		}
		defer unix.SchedSetaffinity(0, &old)
	}
	sched, restore := setSched(l.Sched)
	defer restore()
	applied.Sched = sched
	stack, restoreStack, err := setStack(l.Stack)
	if err != nil {
		return applied, 0, err
	}
	defer restoreStack()
	applied.Stack = stack
	launch := time.Now().UnixNano()
	return applied, launch, cmd.Start()
}

// ParseSched checks a policy setting: "", "other" or "fifo:<1-99>".
func ParseSched(s string) (prio int, err error) {
	if s == "" || s == "other" {
		return 0, nil
	}
	p, ok := strings.CutPrefix(s, "fifo:")
	if n, err := strconv.Atoi(p); ok && err == nil && n >= 1 && n <= 99 {
		return n, nil
	}
	return 0, fmt.Errorf("scheduling policy %q: want other or fifo:<priority 1-99>", s)
}

// setSched gives the calling thread the policy s, returning the policy as
// applied ("other", "fifo:50", or "other (fifo:50 refused: …)") and how
// to restore the thread's own.
func setSched(s string) (string, func()) {
	prio, err := ParseSched(s)
	if err != nil {
		return fmt.Sprintf("other (%v)", err), func() {}
	}
	if prio == 0 {
		return "other", func() {}
	}
	old, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		return fmt.Sprintf("other (%s refused: %v)", s, err), func() {}
	}
	attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: uint32(prio)}
	if err := unix.SchedSetAttr(0, &attr, 0); err != nil {
		return fmt.Sprintf("other (%s refused: %v)", s, err), func() {}
	}
	return s, func() { unix.SchedSetAttr(0, old, 0) }
}

// setStack sets the process's soft RLIMIT_STACK (raising the hard limit
// if it must and may) and returns the soft limit in force, -1 for
// unlimited, and how to restore the old limits.
func setStack(bytes int64) (int64, func(), error) {
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_STACK, &old); err != nil {
		return 0, func() {}, err
	}
	if bytes <= 0 {
		return rlimitBytes(old.Cur), func() {}, nil
	}
	set := old
	set.Cur = uint64(bytes)
	if set.Max != unix.RLIM_INFINITY && set.Max < set.Cur {
		set.Max = set.Cur
	}
	if err := unix.Setrlimit(unix.RLIMIT_STACK, &set); err != nil {
		return 0, func() {}, fmt.Errorf("set the stack limit to %d bytes: %w (see RTWASM_STACK)", bytes, err)
	}
	return bytes, func() { unix.Setrlimit(unix.RLIMIT_STACK, &old) }, nil
}

func rlimitBytes(v uint64) int64 {
	if v == unix.RLIM_INFINITY {
		return -1
	}
	return int64(v)
}

// MemoryLocker is a runtime whose sampled program can lock its memory when
// Launch.Mlock asks (the C harness of native builds, rtwasm's runner).
type MemoryLocker interface {
	LocksMemory() bool
}

// MlockState is a sample's mlock column: "on" or "off" where rt can lock
// its memory, "n/a" where it cannot (Node.js, external CLIs, containers).
func MlockState(rt Runtime, applied Launch) string {
	if m, ok := rt.(MemoryLocker); !ok || !m.LocksMemory() {
		return "n/a"
	}
	if applied.Mlock {
		return "on"
	}
	return "off"
}

// SchedState is a sample's sched column: the policy as applied, "n/a"
// where the runtime does not start the process itself (Docker).
func SchedState(applied Launch) string {
	if applied.Sched == "" {
		return "n/a"
	}
	return applied.Sched
}
