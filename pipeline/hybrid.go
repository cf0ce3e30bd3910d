package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/tetratelabs/wazero"
)

// The hybrid tier-up executor: the first job starts at once on a fast tier
// while an optimizing compile runs concurrently; at the first job boundary
// after the optimized module is ready, the remaining jobs run on it. A job
// is one init+kernel run in a fresh instance (PolyBench re-initialises its
// data every run, so switching between jobs is exact).
//
//	hybrid:interp+compiler    wazero interpreter, then wazero's compiler
//	hybrid:pulley+cranelift   Wasmtime's Pulley, then Cranelift (runner with Wasmtime)
//	hybrid:interp+cranelift   wazero's interpreter, then Wasmtime's Cranelift (runner with Wasmtime)
//
// Besides the harness protocol, the executor reports "rtwasm tier <job>
// fast|opt", "rtwasm hybrid_switch <job>" (0: never switched),
// "rtwasm hybrid_compile_ns <ns>" and, when the optimizing compile failed,
// "rtwasm hybrid_note <text>".
func init() {
	engineFactories["hybrid:interp+compiler"] = func(string) Engine {
		return hybridEngine{version: "wazero " + moduleVersion("github.com/tetratelabs/wazero") + " interpreter → compiler",
			fast: wazeroTierWith(wazero.NewRuntimeConfigInterpreter), opt: wazeroTierWith(wazero.NewRuntimeConfigCompiler)}
	}
	register(40, func(env Env) []Runtime {
		return runnerRuntimes(env, "hybrid:interp+compiler", "hybrid:pulley+cranelift", "hybrid:interp+cranelift")
	})
}

// tier is a compiled module that runs jobs, each in a fresh instance.
type tier interface {
	runJob(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error)
	close(ctx context.Context)
}

type tierCompiler func(ctx context.Context, wasm []byte) (tier, error)

func wazeroTierWith(config func() wazero.RuntimeConfig) tierCompiler {
	return func(ctx context.Context, wasm []byte) (tier, error) {
		return newWazeroTier(ctx, wazero.NewRuntimeWithConfig(ctx, config()), wasm)
	}
}

type hybridEngine struct {
	version   string
	fast, opt tierCompiler
}

func (h hybridEngine) Version() string { return h.version }

// optimized is the outcome of the concurrent optimizing compile.
type optimized struct {
	tier    tier
	err     error
	elapsed time.Duration
}

func (h hybridEngine) Run(ctx context.Context, module string, args []string, stdout, stderr io.Writer) (int, error) {
	wasm, err := os.ReadFile(module)
	if err != nil {
		return 0, err
	}
	iterations, dump, err := harnessArgs(args)
	if err != nil {
		return 2, err
	}
	ready := make(chan optimized, 1)
	if iterations == 0 {
		ready <- optimized{err: errStartupOnly} // start-up alone: nothing to tier up to
	} else {
		go func() {
			start := time.Now()
			t, err := h.opt(ctx, wasm)
			ready <- optimized{t, err, time.Since(start)}
		}()
	}
	fast, err := h.fast(ctx, wasm)
	if err != nil {
		<-ready
		return 0, err
	}
	defer fast.close(ctx)
	run := hybridRun{current: fast, ready: ready, out: stdout}
	status, err := run.jobs(ctx, iterations, dump, stderr)
	run.finish(ctx)
	return status, err
}

// hybridRun is one execution: which tier is current, and what it reported.
type hybridRun struct {
	current  tier
	ready    chan optimized
	opt      *optimized // set once the compile has finished
	switched int        // job that first ran optimized; 0: none
	lastEnd  int64      // main_end of the last job
	out      io.Writer
}

// jobs runs max(iterations, 1) jobs (one start-up-only job for 0) and
// writes the combined protocol.
func (h *hybridRun) jobs(ctx context.Context, iterations int, dump bool, stderr io.Writer) (int, error) {
	for job := 1; job <= max(iterations, 1); job++ {
		h.tierUp(job)
		jobArgs := []string{"--iterations", strconv.Itoa(min(iterations, 1))}
		if dump && job == max(iterations, 1) {
			jobArgs = append(jobArgs, "--dump")
		}
		var out bytes.Buffer
		status, err := h.current.runJob(ctx, jobArgs, &out, stderr)
		if err != nil || status != 0 {
			h.out.Write(out.Bytes())
			return status, err
		}
		t, err := ParseTimeline(out.Bytes())
		if err != nil {
			return 0, fmt.Errorf("job %d: %w", job, err)
		}
		h.report(job, iterations, t)
	}
	return 0, nil
}

// tierUp switches to the optimized tier if its compile has finished.
func (h *hybridRun) tierUp(job int) {
	if h.opt != nil {
		return
	}
	select {
	case o := <-h.ready:
		h.opt = &o
		if o.err == nil {
			h.current, h.switched = o.tier, job
		}
	default:
	}
}

func (h *hybridRun) report(job, iterations int, t Timeline) {
	if job == 1 {
		fmt.Fprintf(h.out, "rtwasm main_start %d\nrtwasm clock_resolution %d\n", t.MainStart, t.ClockRes)
	}
	tierName := "fast"
	if h.switched > 0 {
		tierName = "opt"
	}
	fmt.Fprintf(h.out, "rtwasm tier %d %s\n", job, tierName)
	if iterations > 0 {
		fmt.Fprintf(h.out, "rtwasm iteration %d %d\n", job, t.IterationEnds[0])
	}
	if job == max(iterations, 1) {
		h.lastEnd = t.MainEnd
	}
}

// finish waits for the optimizing compile (so none outlives the request),
// reports the switch, and closes the optimized tier.
func (h *hybridRun) finish(ctx context.Context) {
	if h.opt == nil {
		o := <-h.ready
		h.opt = &o
	}
	fmt.Fprintf(h.out, "rtwasm hybrid_switch %d\nrtwasm hybrid_compile_ns %d\n", h.switched, h.opt.elapsed.Nanoseconds())
	if errors.Is(h.opt.err, errStartupOnly) {
		// no optimizing compile was started
	} else if h.opt.err != nil {
		fmt.Fprintf(h.out, "rtwasm hybrid_note optimizing compile failed, all jobs ran on the fast tier: %v\n", h.opt.err)
	} else {
		h.opt.tier.close(ctx)
	}
	if h.lastEnd != 0 {
		fmt.Fprintf(h.out, "rtwasm main_end %d\n", h.lastEnd)
	}
}

// errStartupOnly marks a run with no jobs, where no optimizing compile starts.
var errStartupOnly = errors.New("start-up only")

// harnessArgs reads the harness options the executor must split into jobs.
func harnessArgs(args []string) (iterations int, dump bool, err error) {
	iterations = 1
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "--dump":
			dump = true
		case args[i] == "--iterations" && i+1 < len(args):
			i++
			if iterations, err = strconv.Atoi(args[i]); err != nil || iterations < 0 {
				return 0, false, fmt.Errorf("bad --iterations %q", args[i])
			}
		default:
			return 0, false, fmt.Errorf("unknown harness argument %q", args[i])
		}
	}
	return iterations, dump, nil
}
