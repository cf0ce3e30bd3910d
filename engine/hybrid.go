package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/rtwasm/rtwasm/harness"
)

// The hybrid runtimes (tier-up): the first job starts at once on a fast tier
// while an optimizing compile is pending; at the first job boundary after the
// optimized module is ready, the remaining jobs run on it. The adaptive
// policy (policy.go) may abandon a fast job that has run longer than the
// compile and restart it on the optimized tier. Each tier's instance runs the
// harness's _start once (start-up only), then one rtwasm_job call per job, so
// jobs rerun in the same instance as the prolonged test's iterations do;
// PolyBench re-initialises its data every job, so switching instances between
// jobs, or restarting an abandoned job, is exact.
//
//	hybrid:interp+compiler    wazero interpreter, then wazero's compiler
//	hybrid:pulley+cranelift   Wasmtime's Pulley, then Cranelift (runner with Wasmtime)
//	hybrid:interp+cranelift   wazero's interpreter, then Wasmtime's Cranelift (runner with Wasmtime)
//
// Besides the harness protocol, the executor reports "rtwasm tier <job>
// fast|opt", "rtwasm hybrid_switch <job>" (0: never switched),
// "rtwasm hybrid_compile_ns <ns>", "rtwasm hybrid_policy <mode> cpus=<n>
// budget_ns=<n> abandoned_job=<job> …" (tierPolicy.line) and, when the
// optimizing compile failed,
// "rtwasm hybrid_note <text>". main_start comes from the guest; iteration and
// main_end times are taken by the host on the same clock after each call.
func hybridInterpCompiler(string) Engine {
	return hybridEngine{version: "wazero " + moduleVersion("github.com/tetratelabs/wazero") + " interpreter → compiler",
		fast: wazeroTierWith(abandonableInterpreter), opt: wazeroTierWith(wazero.NewRuntimeConfigCompiler),
		compileNSPerByte: wazeroCompilerNSPerByte}
}

// Expected optimizing compile rates on one core, ns per code-section byte:
// rough rates for PolyBench modules (tens of KB of code) on a 2020s x86-64
// core, for the one-CPU probe budget only; each process records its budget
// and the compile's real wall time, so the rate can be checked per run.
const (
	wazeroCompilerNSPerByte = 500
	craneliftNSPerByte      = 2000
)

// abandonableInterpreter is wazero's interpreter whose calls end when their
// context is cancelled, so the policy can abandon a fast job.
func abandonableInterpreter() wazero.RuntimeConfig {
	return wazero.NewRuntimeConfigInterpreter().WithCloseOnContextDone(true)
}

type tierCompiler func(ctx context.Context, wasm []byte) (tier, error)

func wazeroTierWith(config func() wazero.RuntimeConfig) tierCompiler {
	return func(ctx context.Context, wasm []byte) (tier, error) {
		return newWazeroTier(ctx, wazero.NewRuntimeWithConfig(ctx, config()), wasm)
	}
}

type hybridEngine struct {
	version          string
	fast, opt        tierCompiler
	compileNSPerByte float64 // the optimizing tier's expected rate (one core)
	cpus             int     // CPUs allowed; 0: runtime.NumCPU (the affinity at start)
}

func (h hybridEngine) Version() string { return h.version }

// optimized is the outcome of the optimizing compile.
type optimized struct {
	tier    tier
	err     error
	elapsed time.Duration
	cpuTime time.Duration // the compile thread's CPU time; 0: unknown
	cpu     int           // where the compile ran (compileCPU, cpuNone)
}

func (h hybridEngine) Run(ctx context.Context, module string, args []string, stdout, stderr io.Writer) (int, error) {
	wasm, err := os.ReadFile(module)
	if err != nil {
		return 0, err
	}
	iterations, dump, err := harness.ParseArgs(args)
	if err != nil {
		return 2, err
	}
	cpus := h.cpus
	if cpus == 0 {
		cpus = runtime.NumCPU()
	}
	expected := expectedCompile(wasm, h.compileNSPerByte)
	run := &hybridRun{policy: decidePolicy(cpus, expected), expected: expected, jobs: iterations,
		compiled: make(chan struct{}), compileOpt: func() (tier, error) { return h.opt(ctx, wasm) },
		out: stdout, stderr: stderr}
	if iterations > 0 && run.policy.Mode == policyRace {
		run.startCompile()
	}
	defer run.finish(ctx)
	if run.fast, err = h.fast(ctx, wasm); err != nil {
		return 0, err
	}
	if err := run.startOn(ctx, run.fast); err != nil {
		return 0, err
	}
	for job := 1; job <= iterations; job++ {
		if err := run.job(ctx, job); err != nil {
			return 0, err
		}
	}
	if dump && iterations > 0 {
		return 0, run.current.call(ctx, "rtwasm_dump")
	}
	return 0, nil
}

// hybridRun is one execution: the current instance, and the optimized tier
// once its compile has finished.
type hybridRun struct {
	policy     tierPolicy
	expected   time.Duration // the optimizing compile's expected CPU time
	jobs       int
	lastFast   time.Duration // the last fast job's wall time; 0: none yet
	boundaries []string      // the boundary decisions (boundary.record)
	clock      string        // what they measured the compile's progress by
	compileAt  time.Time
	tid        atomic.Int64 // the compile's OS thread; 0 until it runs
	fast       tier
	current    instance
	compileOpt func() (tier, error)
	compiling  bool
	compiled   chan struct{} // closed when opt is set
	opt        *optimized
	switched   int  // job that first ran optimized; 0: none
	abandoned  int  // fast job abandoned for the optimized tier; 0: none
	niced      bool // the compile thread's priority was lowered (written before compiled closes)
	note       string
	out        io.Writer
	stderr     io.Writer
}

// startCompile runs the optimizing compile on its own goroutine, on an OS
// thread of lower priority (compileNice), so that on a loaded host the
// scheduler gives the CPU to the job first and the compile takes what is idle,
// pinned to a CPU the job is not on when more than one is allowed (pin.go).
// Both engines compile on the calling thread (wazero; Cranelift serially), so
// that thread's CPU time is the compile's progress.
func (h *hybridRun) startCompile() {
	h.compiling = true
	h.compileAt = time.Now()
	want := compileCPU(h.policy.CPUs) // called on the job's thread
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine, its priority and affinity with it
		tid := syscall.Gettid()
		cpu := pinThread(want)
		h.niced = syscall.Setpriority(syscall.PRIO_PROCESS, tid, compileNice) == nil
		h.tid.Store(int64(tid))
		t, err := h.compileOpt()
		cpuTime, _ := threadCPUTime(tid) // 0 when unreadable
		h.opt = &optimized{t, err, time.Since(h.compileAt), cpuTime, cpu}
		close(h.compiled)
	}()
}

// compileSpent is the CPU time the pending compile has used, by its thread's
// CPU clock, or by the wall clock where that cannot be read; it sets h.clock
// to the clock used.
func (h *hybridRun) compileSpent() time.Duration {
	if tid := h.tid.Load(); tid != 0 {
		if spent, err := threadCPUTime(int(tid)); err == nil {
			h.clock = "thread"
			return spent
		}
	}
	h.clock = "wall"
	return time.Since(h.compileAt)
}

// boundaryWait decides, before a job while the compile is pending, whether
// to wait for the optimized tier (boundary.go), records the decision, and
// waits and tiers up if so.
func (h *hybridRun) boundaryWait(ctx context.Context, job int) {
	if h.switched > 0 || !h.compiling || h.lastFast == 0 {
		return
	}
	if h.ready() { // ready since tierUp looked: switch now rather than abandon the job at once
		h.tierUp(ctx, job)
		return
	}
	b := boundary{Job: job, Jobs: h.jobs - job + 1, FastJob: h.lastFast,
		Remaining: remainingCompile(h.expected, h.compileSpent()), Shared: h.policy.CPUs < 2}
	wait, reason := atBoundary(b)
	h.boundaries = append(h.boundaries, b.record(wait, reason))
	if wait {
		<-h.compiled
		h.tierUp(ctx, job)
	}
}

func (h *hybridRun) ready() bool {
	select {
	case <-h.compiled:
		return true
	default:
		return false
	}
}

// startOn instantiates t and runs the harness start-up; the first call also
// reports main_start.
func (h *hybridRun) startOn(ctx context.Context, t tier) error {
	var out bytes.Buffer
	inst, err := t.start(ctx, harness.Args(0, false), &out, h.stderr)
	if err != nil {
		return err
	}
	if h.current == nil {
		tl, err := harness.ParseTimeline(out.Bytes())
		if err != nil {
			inst.close(ctx)
			return err
		}
		fmt.Fprintf(h.out, "rtwasm main_start %d\nrtwasm clock_resolution %d\n", tl.MainStart, tl.ClockRes)
	} else {
		h.current.close(ctx)
	}
	h.current = inst
	return nil
}

// job tiers up if it can, then runs one init+kernel and reports its end. A
// fast job the policy abandons is rerun on the optimized tier.
func (h *hybridRun) job(ctx context.Context, job int) error {
	h.tierUp(ctx, job)
	h.boundaryWait(ctx, job)
	if h.switched == 0 {
		done, err := h.fastJob(ctx, job)
		if err != nil || done {
			return err
		}
		if err := h.afterAbandon(ctx, job); err != nil {
			return err
		}
	}
	tierName := "fast"
	if h.switched > 0 {
		tierName = "opt"
	}
	if err := h.current.call(ctx, "rtwasm_job"); err != nil {
		return fmt.Errorf("job %d on the %s tier: %w", job, tierName, err)
	}
	h.reportJob(job, tierName)
	return nil
}

func (h *hybridRun) reportJob(job int, tierName string) {
	fmt.Fprintf(h.out, "rtwasm tier %d %s\nrtwasm iteration %d %d\n", job, tierName, job, time.Now().UnixNano())
}

// fastJob runs the job on the fast tier under the policy's watch: done is
// false when the policy abandoned it (the instance is then unusable).
func (h *hybridRun) fastJob(ctx context.Context, job int) (done bool, err error) {
	jobCtx, cancel := context.WithCancel(ctx)
	fired := make(chan bool, 1)
	go func() { fired <- h.watch(jobCtx, cancel) }()
	start := time.Now()
	err = h.current.call(jobCtx, "rtwasm_job")
	took := time.Since(start)
	cancel()
	if <-fired && ctx.Err() == nil && err != nil {
		h.abandoned = job
		return false, nil
	}
	if h.policy.Mode == policyProbe && !h.compiling {
		h.startCompile() // the probe was short: compile now, alone on the CPU
	}
	if err != nil {
		return false, fmt.Errorf("job %d on the fast tier: %w", job, err)
	}
	h.lastFast = took
	h.reportJob(job, "fast")
	return true, nil
}

// watch cancels the fast job when the policy abandons it and reports
// whether it did: once a compile that succeeded is ready, or, while none
// runs (probe), once the budget is spent. It returns when ctx ends.
func (h *hybridRun) watch(ctx context.Context, cancel context.CancelFunc) bool {
	var budget <-chan time.Time
	if !h.compiling {
		t := time.NewTimer(h.policy.Budget)
		defer t.Stop()
		budget = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-h.compiledIfStarted():
		if h.opt.err != nil || h.note != "" {
			<-ctx.Done()
			return false
		}
	case <-budget:
	}
	cancel()
	return true
}

func (h *hybridRun) compiledIfStarted() <-chan struct{} {
	if h.compiling {
		return h.compiled
	}
	return nil
}

// afterAbandon moves to the optimized tier after an abandoned fast job,
// compiling first if the probe had not; if that fails the job reruns on a
// fresh fast instance.
func (h *hybridRun) afterAbandon(ctx context.Context, job int) error {
	if !h.compiling {
		h.startCompile()
	}
	<-h.compiled
	if h.tierUp(ctx, job); h.switched > 0 {
		return nil
	}
	return h.startOn(ctx, h.fast)
}

// tierUp moves to the optimized tier if its compile has finished.
func (h *hybridRun) tierUp(ctx context.Context, job int) {
	if h.switched > 0 || !h.compiling {
		return
	}
	select {
	case <-h.compiled:
		if h.opt.err != nil || h.note != "" {
			return // finish reports it
		}
		if err := h.startOn(ctx, h.opt.tier); err != nil {
			h.note = "optimized instance failed to start, all jobs ran on the fast tier: " + err.Error()
		} else {
			h.switched = job
		}
	default:
	}
}

// finish waits for the optimizing compile (so none outlives the request),
// reports the policy, the switch and main_end, and releases the instances.
func (h *hybridRun) finish(ctx context.Context) {
	if h.compiling {
		<-h.compiled
	} else {
		h.opt = &optimized{err: errStartupOnly, cpu: cpuNone}
	}
	if h.opt.err != nil && !errors.Is(h.opt.err, errStartupOnly) {
		h.note = "optimizing compile failed, all jobs ran on the fast tier: " + h.opt.err.Error()
	}
	fmt.Fprintf(h.out, "rtwasm hybrid_switch %d\nrtwasm hybrid_compile_ns %d\nrtwasm hybrid_policy %s\n",
		h.switched, h.opt.elapsed.Nanoseconds(), h.policy.line(h.decisions()))
	if h.note != "" {
		fmt.Fprintf(h.out, "rtwasm hybrid_note %s\n", h.note)
	}
	if h.current != nil {
		fmt.Fprintf(h.out, "rtwasm main_end %d\n", time.Now().UnixNano())
		h.current.close(ctx)
	}
	if h.fast != nil {
		h.fast.close(ctx)
	}
	if h.opt.err == nil {
		h.opt.tier.close(ctx)
	}
}

func (h *hybridRun) decisions() decisions {
	clock := h.clock
	if clock == "" {
		clock = "none"
	}
	return decisions{Abandoned: h.abandoned, Niced: h.niced, CPU: h.opt.cpu, CPUTime: h.opt.cpuTime,
		Clock: clock, Boundaries: h.boundaries}
}

// errStartupOnly marks a run with no jobs, where no optimizing compile starts.
var errStartupOnly = errors.New("start-up only")
