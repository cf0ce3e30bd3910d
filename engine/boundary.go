package engine

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// At a job boundary while the optimizing compile is pending, the policy
// decides whether the next job starts on the fast tier or waits for the
// optimized tier. PolyBench's jobs are alike, so the last fast job's wall
// time T predicts the next; the optimized job is predicted S× shorter
// (speedupGap); the compile's remaining time W is predicted from its own
// thread's CPU time (compileProgress), so a compile slowed by a shared CPU is
// not taken for one that is nearly done.
//
// With the compile on a CPU of its own the job does not slow it: a job
// predicted to outlast the compile (T ≥ W) would be abandoned at readiness
// anyway, so it waits and spares the CPU; a shorter one runs ("short").
//
// On a shared CPU (one allowed) job and compile split it: a fast job of
// length T < W ends at 2T and delays the compile by T; waiting ends it at
// W + T/S. Waiting wins this job when W + T/S ≤ 2T ("job"). Otherwise running
// it still costs every later job T − T/S > 0 (they start later by T and would
// have run optimized), so with later jobs to come it waits ("steady"); only
// the last job runs fast ("last").
type boundary struct {
	Job       int           // the job about to start (≥ 2)
	Jobs      int           // jobs left, this one included
	FastJob   time.Duration // the last fast job's wall time
	Remaining time.Duration // the compile's predicted remaining CPU time
	Shared    bool          // the compile shares the job's CPU
}

// speedupGap is S, the optimized tier's predicted speedup over the fast tier
// (≥ 10 for an interpreter against an optimizing compiler on PolyBench).
const speedupGap = 10

// atBoundary says whether the next job waits for the optimized tier, and why.
func atBoundary(b boundary) (wait bool, reason string) {
	opt := b.FastJob / speedupGap
	switch {
	case !b.Shared && b.FastJob >= b.Remaining:
		return true, "job"
	case !b.Shared:
		return false, "short"
	case b.Remaining+opt <= 2*b.FastJob:
		return true, "job"
	case b.Jobs > 1:
		return true, "steady"
	}
	return false, "last"
}

// record is the decision's field in the policy line: <job>:<wait|run>:<reason>.
func (b boundary) record(wait bool, reason string) string {
	action := "run"
	if wait {
		action = "wait"
	}
	return fmt.Sprintf("%d:%s:%s", b.Job, action, reason)
}

// remainingCompile predicts the compile's remaining CPU time from what it has
// used (spent) and the module's expected compile time. A compile that has
// outrun its expectation is predicted to need as long again as it has used,
// the rule the race applies to a fast job that outlasts the compile.
func remainingCompile(expected, spent time.Duration) time.Duration {
	if spent < expected {
		return expected - spent
	}
	return spent
}

// threadCPUTime is the CPU time the thread tid of this process has run, from
// the first field of /proc/self/task/<tid>/schedstat (ns on the CPU). Under
// a shared CPU it grows slower than the wall clock, so progress measured by it
// is the compile's own.
func threadCPUTime(tid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/schedstat")
	if err != nil {
		return 0, err
	}
	return parseSchedstat(string(b))
}

func parseSchedstat(s string) (time.Duration, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return 0, fmt.Errorf("schedstat %q: want three fields", strings.TrimSpace(s))
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("schedstat %q: %v", strings.TrimSpace(s), err)
	}
	return time.Duration(ns), nil
}
