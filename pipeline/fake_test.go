package pipeline

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// fakeRuntime stands in for a real one in tests of the matrix and the
// journal: it answers in microseconds with a valid harness timeline, and
// fails where told, so these tests need no compiler and no process.
type fakeRuntime struct {
	id   string
	fail func(module string, args []string) error // nil: never
	// startup is the launch → main_start of the nth run (1-based); nil: 1 µs.
	startup func(n int) int64
	mu      sync.Mutex
	runs    int
}

func (f *fakeRuntime) ID() string               { return f.id }
func (f *fakeRuntime) Target() toolchain.Target { return toolchain.Wasm }
func (f *fakeRuntime) ColdStart() string        { return run.ColdProcess }
func (f *fakeRuntime) Probe(context.Context) runtimes.Probe {
	return runtimes.Probe{Available: true, Version: "fake 1"}
}
func (f *fakeRuntime) count() int { f.mu.Lock(); defer f.mu.Unlock(); return f.runs }
func (f *fakeRuntime) SetUp(_ context.Context, p runtimes.Probe) runtimes.Probe {
	p.Binary = "fake-bin"
	return p
}

func (f *fakeRuntime) Run(_ context.Context, module string, args []string) runtimes.Result {
	f.mu.Lock()
	f.runs++
	nth := f.runs
	f.mu.Unlock()
	launch := time.Now().UnixNano()
	if f.fail != nil {
		if err := f.fail(module, args); err != nil {
			return runtimes.Result{LaunchNS: launch, ExitStatus: 1, Err: err}
		}
	}
	n, _, err := harness.ParseArgs(args)
	if err != nil {
		return runtimes.Result{LaunchNS: launch, ExitStatus: 2, Err: err}
	}
	var out strings.Builder
	t := launch + 1000
	if f.startup != nil {
		t = launch + f.startup(nth)
	}
	fmt.Fprintf(&out, "rtwasm main_start %d\n", t)
	for i := 1; i <= n; i++ {
		t += 100
		fmt.Fprintf(&out, "rtwasm iteration %d %d\n", i, t)
	}
	fmt.Fprintf(&out, "rtwasm main_end %d\n", t+10)
	return runtimes.Result{LaunchNS: launch, Stdout: []byte(out.String())}
}

// fakeBuilds gives each benchmark a (never read) wasm artifact and selects
// the fake runtimes.
func fakeBuilds(benchmarks []string, rts ...runtimes.Runtime) *Builds {
	b := &Builds{Artifacts: map[string]toolchain.Artifact{}, Prepared: map[string]string{}, Failures: map[string]error{},
		Runtimes: rts, probes: &probeCache{m: map[runtimes.Runtime]runtimes.Probe{}}}
	for _, name := range benchmarks {
		b.Artifacts[buildKey(name, toolchain.Wasm)] = toolchain.Artifact{Name: name, Path: "/fake/" + name + ".wasm"}
	}
	return b
}

// TestMatrixWithFakeRuntimes: every trial is taken exactly once, in the
// seeded order, into the right rows; a failing runtime becomes error rows
// and the matrix goes on; the probe and set-up run once.
func TestMatrixWithFakeRuntimes(t *testing.T) {
	good := &fakeRuntime{id: "fake:good"}
	bad := &fakeRuntime{id: "fake:bad", fail: func(module string, _ []string) error {
		if strings.Contains(module, "gemm") {
			return fmt.Errorf("trap: unreachable")
		}
		return nil
	}}
	b := fakeBuilds([]string{"gemm", "atax"}, good, bad)
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations = []string{"gemm", "atax"}, 3, 2, 4
	dir, err := RunExperiments(context.Background(), o, b, run.AllExperiments, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Per runtime and benchmark: 3 startup + 3 total + 2 prolonged processes.
	if got, want := good.count()+bad.count(), 2*2*(3+3+2); got != want {
		t.Errorf("%d launches, want %d", got, want)
	}
	count := map[string]int{}
	for _, s := range rows {
		count[s.Runtime+" "+s.Benchmark+" "+s.Experiment+" "+s.Status]++
		if s.Status == run.StatusOK && s.StartupNS != 1000 {
			t.Errorf("startup %d ns, want the fake's 1000", s.StartupNS)
		}
		if s.Binary != "fake-bin" {
			t.Errorf("row binary %q, want the set-up's", s.Binary)
		}
	}
	for key, want := range map[string]int{
		"fake:good gemm startup ok": 3, "fake:good atax total ok": 3, "fake:good gemm prolonged ok": 2 * 4,
		"fake:bad gemm startup error": 3, "fake:bad gemm prolonged error": 2, "fake:bad atax prolonged ok": 2 * 4,
	} {
		if count[key] != want {
			t.Errorf("%s: %d rows, want %d", key, count[key], want)
		}
	}
	for _, ri := range m.Runtimes {
		if !ri.Available || ri.Binary != "fake-bin" {
			t.Errorf("manifest runtime %+v, want available with the set-up's binary", ri)
		}
	}
}
