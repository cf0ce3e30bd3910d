package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/rtwasm/rtwasm/harness"
)

// The hybrid tier-up executor: the first job starts at once on a fast tier
// while an optimizing compile runs concurrently; at the first job boundary
// after the optimized module is ready, the remaining jobs run on it. Each
// tier's instance runs the harness's _start once (start-up only), then one
// rtwasm_job call per job, so jobs rerun in the same instance as the
// prolonged test's iterations do; PolyBench re-initialises its data every
// job, so switching instances between jobs is exact.
//
//	hybrid:interp+compiler    wazero interpreter, then wazero's compiler
//	hybrid:pulley+cranelift   Wasmtime's Pulley, then Cranelift (runner with Wasmtime)
//	hybrid:interp+cranelift   wazero's interpreter, then Wasmtime's Cranelift (runner with Wasmtime)
//
// Besides the harness protocol, the executor reports "rtwasm tier <job>
// fast|opt", "rtwasm hybrid_switch <job>" (0: never switched),
// "rtwasm hybrid_compile_ns <ns>" and, when the optimizing compile failed,
// "rtwasm hybrid_note <text>". main_start comes from the guest; iteration and
// main_end times are taken by the host on the same clock after each call.
func hybridInterpCompiler(string) Engine {
	return hybridEngine{version: "wazero " + moduleVersion("github.com/tetratelabs/wazero") + " interpreter → compiler",
		fast: wazeroTierWith(wazero.NewRuntimeConfigInterpreter), opt: wazeroTierWith(wazero.NewRuntimeConfigCompiler)}
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
	iterations, dump, err := harness.ParseArgs(args)
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
	run := hybridRun{ready: ready, out: stdout, stderr: stderr}
	defer run.finish(ctx)
	if err := run.startOn(ctx, fast); err != nil {
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
	current  instance
	ready    chan optimized
	opt      *optimized // set once the compile has finished
	switched int        // job that first ran optimized; 0: none
	note     string
	out      io.Writer
	stderr   io.Writer
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

// job tiers up if it can, then runs one init+kernel and reports its end.
func (h *hybridRun) job(ctx context.Context, job int) error {
	h.tierUp(ctx, job)
	tierName := "fast"
	if h.switched > 0 {
		tierName = "opt"
	}
	if err := h.current.call(ctx, "rtwasm_job"); err != nil {
		return fmt.Errorf("job %d on the %s tier: %w", job, tierName, err)
	}
	fmt.Fprintf(h.out, "rtwasm tier %d %s\nrtwasm iteration %d %d\n", job, tierName, job, time.Now().UnixNano())
	return nil
}

// tierUp moves to the optimized tier if its compile has finished.
func (h *hybridRun) tierUp(ctx context.Context, job int) {
	if h.opt != nil {
		return
	}
	select {
	case o := <-h.ready:
		h.opt = &o
		if o.err != nil {
			return // finish reports it
		}
		if err := h.startOn(ctx, o.tier); err != nil {
			h.note = "optimized instance failed to start, all jobs ran on the fast tier: " + err.Error()
		} else {
			h.switched = job
		}
	default:
	}
}

// finish waits for the optimizing compile (so none outlives the request),
// reports the switch and main_end, and releases the instances.
func (h *hybridRun) finish(ctx context.Context) {
	if h.opt == nil {
		o := <-h.ready
		h.opt = &o
	}
	if h.opt.err != nil && !errors.Is(h.opt.err, errStartupOnly) {
		h.note = "optimizing compile failed, all jobs ran on the fast tier: " + h.opt.err.Error()
	}
	fmt.Fprintf(h.out, "rtwasm hybrid_switch %d\nrtwasm hybrid_compile_ns %d\n", h.switched, h.opt.elapsed.Nanoseconds())
	if h.note != "" {
		fmt.Fprintf(h.out, "rtwasm hybrid_note %s\n", h.note)
	}
	if h.current != nil {
		fmt.Fprintf(h.out, "rtwasm main_end %d\n", time.Now().UnixNano())
		h.current.close(ctx)
	}
	if h.opt.err == nil {
		h.opt.tier.close(ctx)
	}
}

// errStartupOnly marks a run with no jobs, where no optimizing compile starts.
var errStartupOnly = errors.New("start-up only")
