package engine

import (
	"context"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestAtBoundary(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		b      boundary
		record string
	}{
		{boundary{Job: 2, Jobs: 7, FastJob: 100 * ms, Remaining: 80 * ms}, "2:wait:job"},                 // would outlast the compile
		{boundary{Job: 2, Jobs: 7, FastJob: 10 * ms, Remaining: 80 * ms}, "2:run:short"},                 // ends first, the compile has its CPU
		{boundary{Job: 3, Jobs: 6, FastJob: 50 * ms, Remaining: 80 * ms, Shared: true}, "3:wait:job"},    // 80+5 ≤ 2·50
		{boundary{Job: 2, Jobs: 7, FastJob: 30 * ms, Remaining: 80 * ms, Shared: true}, "2:wait:steady"}, // 80+3 > 60, later jobs pay
		{boundary{Job: 8, Jobs: 1, FastJob: 30 * ms, Remaining: 80 * ms, Shared: true}, "8:run:last"},
		{boundary{Job: 8, Jobs: 1, FastJob: 80 * ms, Remaining: 80 * ms, Shared: true}, "8:wait:job"},
	} {
		if got := c.b.record(atBoundary(c.b)); got != c.record {
			t.Errorf("%+v: %s, want %s", c.b, got, c.record)
		}
	}
}

func TestRemainingCompile(t *testing.T) {
	if got := remainingCompile(80*time.Millisecond, 30*time.Millisecond); got != 50*time.Millisecond {
		t.Errorf("within the expectation: %v, want 50ms", got)
	}
	if got := remainingCompile(80*time.Millisecond, 120*time.Millisecond); got != 120*time.Millisecond {
		t.Errorf("past the expectation: %v, want as long again (120ms)", got)
	}
}

// TestBoundaryWaits: one CPU; job 1 is short, so the compile starts after
// it; job 2 would share the CPU with it, so it waits (steady) and both jobs
// after job 1 run optimized.
func TestBoundaryWaits(t *testing.T) {
	var jobs []string
	h := hybridEngine{cpus: 1, compileNSPerByte: float64(time.Second) / 4, // 1 s budget and expected compile
		fast: func(context.Context, []byte) (tier, error) { return policyTier{"fast", &jobs, nil, nil}, nil },
		opt: func(context.Context, []byte) (tier, error) {
			time.Sleep(20 * time.Millisecond)
			return policyTier{"opt", &jobs, nil, nil}, nil
		},
	}
	tiers, policy := runPolicy(t, h, 3)
	if got := strings.Join(jobs, ","); got != "fast,opt,opt" || tiers != "fast,opt,opt" {
		t.Fatalf("jobs %s, tiers %s, want fast,opt,opt", got, tiers)
	}
	if !strings.Contains(policy, " compile_cpu=shared ") || !strings.HasSuffix(policy, " boundary=2:wait:steady") ||
		!strings.Contains(policy, " compile_clock=thread ") && !strings.Contains(policy, " compile_clock=wall ") {
		t.Fatalf("policy %q", policy)
	}
}

// TestBoundaryWaitsOnOwnCPU: two CPUs; job 1 ran longer than the compile has
// used of its CPU (and its expectation), so job 2 would outlast the compile
// and waits for it (job).
func TestBoundaryWaitsOnOwnCPU(t *testing.T) {
	var jobs []string
	started, job1 := make(chan struct{}), make(chan struct{})
	h := hybridEngine{cpus: 2, compileNSPerByte: 1, // expected 4 ns: the prediction is the compile's own CPU time
		fast: func(context.Context, []byte) (tier, error) {
			return fakeTier{"fast", &jobs, func(job int) {
				if job == 1 {
					<-started
					time.Sleep(5 * time.Millisecond) // job 1 runs 5 ms of wall time; the compile sleeps meanwhile
					close(job1)
				}
			}}, nil
		},
		opt: func(context.Context, []byte) (tier, error) {
			close(started)
			<-job1
			time.Sleep(50 * time.Millisecond)
			return fakeTier{"opt", &jobs, nil}, nil
		},
	}
	tiers, policy := runPolicy(t, h, 3)
	if got := strings.Join(jobs, ","); got != "fast,opt,opt" || tiers != "fast,opt,opt" {
		t.Fatalf("jobs %s, tiers %s, want fast,opt,opt", got, tiers)
	}
	if !strings.HasSuffix(policy, " compile_clock=thread boundary=2:wait:job") || strings.Contains(policy, "compile_cpu=shared") {
		t.Fatalf("policy %q", policy)
	}
}

// TestThreadCPUTime: a thread's CPU clock counts its own running only: a
// spinning thread's reaches 10 ms, and never exceeds its wall time.
func TestThreadCPUTime(t *testing.T) {
	type result struct {
		cpu, wall time.Duration
		err       error
	}
	done := make(chan result)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid := syscall.Gettid()
		before, err := threadCPUTime(tid) // the thread may have run before
		if err != nil {
			done <- result{err: err}
			return
		}
		start := time.Now()
		for deadline := start.Add(10 * time.Second); time.Now().Before(deadline); {
			cpu, err := threadCPUTime(tid)
			if err != nil || cpu-before >= 10*time.Millisecond {
				done <- result{cpu - before, time.Since(start), err}
				return
			}
		}
		done <- result{}
	}()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.cpu < 10*time.Millisecond || r.cpu > r.wall+time.Millisecond {
		t.Fatalf("thread CPU time %v after %v of wall time", r.cpu, r.wall)
	}
	if _, err := threadCPUTime(1 << 30); err == nil {
		t.Error("no error for a thread that does not exist")
	}
}

func TestParseSchedstat(t *testing.T) {
	if d, err := parseSchedstat("160229461 211309237 139\n"); err != nil || d != 160229461 {
		t.Errorf("%v, %v", d, err)
	}
	for _, bad := range []string{"", "1 2", "x 2 3"} {
		if _, err := parseSchedstat(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestCompileCPU: with one CPU the compile shares it; with more, it is pinned
// to an allowed CPU, and only there.
func TestCompileCPU(t *testing.T) {
	if got := compileCPU(1); got != cpuShared {
		t.Errorf("one CPU: %d, want cpuShared", got)
	}
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil || allowed.Count() < 2 {
		t.Skipf("needs two allowed CPUs (%d, %v)", allowed.Count(), err)
	}
	cpu := compileCPU(allowed.Count())
	if cpu < 0 || !allowed.IsSet(cpu) {
		t.Fatalf("compile CPU %d, not one of the allowed", cpu)
	}
	got := make(chan unix.CPUSet)
	go func() {
		runtime.LockOSThread() // never unlocked: the pinned thread ends with the goroutine
		var set unix.CPUSet
		if pinThread(cpu) == cpu {
			_ = unix.SchedGetaffinity(0, &set)
		}
		got <- set
	}()
	if set := <-got; set.Count() != 1 || !set.IsSet(cpu) {
		t.Fatalf("pinned thread may run on %d CPUs, want only %d", set.Count(), cpu)
	}
}
