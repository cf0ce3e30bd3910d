//go:build mage

// rtwasm's tasks: `go tool mage -l` lists them, `go tool mage -h TARGET`
// explains one. Options are RTWASM_* environment variables (RTWASM_PROFILE,
// RTWASM_BENCHMARKS, RTWASM_RUNTIMES, RTWASM_DATASET, …); `go tool mage
// doctor` and the README list them all with their defaults.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/fleet"
	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes/container"
	"github.com/rtwasm/rtwasm/toolchain"
)

// state shared between targets of one mage invocation.
var (
	opts    run.Options
	builds  *pipeline.Builds
	lastRun string
)

// loadOptions reads the RTWASM_* variables; every target depends on it.
func loadOptions() (err error) {
	opts, err = pipeline.LoadOptions()
	return err
}

// checkDataDir refuses an RTWASM_DATA runs cannot be written to, before
// any toolchain or build step.
func checkDataDir() error {
	mg.Deps(loadOptions)
	return pipeline.CheckDataDir(opts.DataDir)
}

// Toolchain finds (downloading or installing where it may) the WASI, glibc
// and musl C compilers and prints their provenance, then builds the WAMR
// modes the selected runtimes need (see wamr) unless RTWASM_IWASM names builds.
func Toolchain(ctx context.Context) error {
	mg.Deps(loadOptions)
	set, err := toolchain.Resolve(ctx, toolchain.Config{CacheDir: opts.CacheDir, Log: os.Stdout}, toolchain.Targets...)
	if err != nil {
		return err
	}
	for _, p := range set.Provenances() {
		fmt.Printf("%-13s %s — %s\n              %s; flags %v\n", p.Target, p.Name, p.Version, p.Source, p.Flags)
		if p.Note != "" {
			fmt.Printf("              note: %s\n", p.Note)
		}
	}
	mg.CtxDeps(ctx, wamrForRuns) // magefile_wamr.go
	return nil
}

// Build compiles the selected kernels for every target the selected
// runtimes need, plus the runner program; unchanged inputs compile nothing.
func Build(ctx context.Context) (err error) {
	mg.Deps(loadOptions)
	mg.CtxDeps(ctx, wamrForRuns) // magefile_wamr.go
	builds, err = pipeline.Build(interruptible(ctx), opts, os.Stdout)
	return err
}

// Resume completes the interrupted run RTWASM_RESUME=<run-id> with the
// options it was started with, skipping every sample already taken, then
// renders its report.
func Resume(ctx context.Context) error {
	mg.Deps(loadOptions)
	if opts.Resume == "" {
		return fmt.Errorf("set RTWASM_RESUME to the id of the run to complete (a directory under %s); runs: %v", opts.DataDir, run.Runs(opts.DataDir))
	}
	o, exps, err := pipeline.ResumeOptions(opts)
	if err != nil {
		return err
	}
	opts = o
	return measureAndReport(ctx, exps...)
}

// stopSignals stop a run as mage's own SIGINT does: SIGTERM (kill, a
// scheduler) and SIGHUP (the terminal closed).
var stopSignals = []os.Signal{syscall.SIGTERM, syscall.SIGHUP}

// terminated is closed on the first stop signal. They are caught from the
// start, so one arriving before a run (during toolchain or build) never
// kills the process without cleanup.
var terminated = make(chan struct{})

func init() {
	term := make(chan os.Signal, 1)
	signal.Notify(term, stopSignals...)
	go func() {
		sig := <-term
		fmt.Fprintf(os.Stderr, "%s: stopping after cleanup; a second signal ends at once\n", signalName(sig))
		signal.Reset(stopSignals...)
		close(terminated)
	}()
}

func signalName(sig os.Signal) string {
	if s, ok := sig.(syscall.Signal); ok && s == syscall.SIGHUP {
		return "SIGHUP"
	}
	return "SIGTERM"
}

// interruptible adds the stop signals to what cancels mage's context (mage
// itself cancels on the first SIGINT and exits on the second): the first
// stops the run cleanly, a second one kills the process at once.
func interruptible(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-terminated:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx
}

// Doctor prints the profiles, the compilers and runtimes this host has (or
// why not), Docker's state, the CPU frequency state and a fixed-frequency verdict.
func Doctor(ctx context.Context) error {
	mg.Deps(loadOptions)
	return pipeline.Doctor(ctx, opts, os.Stdout)
}

// FixHost fixes the CPU frequency where Linux allows it (root, cpufreq:
// performance governor, min = max = base frequency, turbo off) and the
// run-time-settable real-time settings for the sampled CPUs (RTWASM_CPUS):
// transparent hugepages never, RT throttling off, IRQs off the sampled
// CPUs. It prints each change and records the old values; fixhostrestore
// puts them back. (cpu_dma_latency is held by every run itself.)
func FixHost() error {
	mg.Deps(loadOptions)
	freqErr := host.Fix(os.Stdout)
	if freqErr != nil {
		fmt.Println("frequency:", freqErr)
	}
	changes, err := host.FixRealTime("/", opts.CPUs, os.Stdout)
	fmt.Printf("real-time settings: %d changed; restore with `go tool mage fixhostrestore`\n", len(changes))
	return errors.Join(freqErr, err)
}

// FixHostRestore restores the real-time settings fixhost changed (from
// /var/lib/rtwasm/fixhost-restore.json) and prints each.
func FixHostRestore() error {
	return host.RestoreRealTime("/", os.Stdout)
}

// Startup measures cold-start time (launch → main) into a new run.
func Startup(ctx context.Context) error { return experiments(ctx, run.Startup) }

// Total measures launch → end of main with one kernel run into a new run.
func Total(ctx context.Context) error { return experiments(ctx, run.Total) }

// Prolonged reruns init+kernel RTWASM_ITERATIONS times per process into a new run.
func Prolonged(ctx context.Context) error { return experiments(ctx, run.Prolonged) }

// executor is the executor RTWASM_EXECUTOR names (pipeline.NewExecutor):
// the targets below never branch on local vs Slurm themselves.
func executor() (pipeline.Executor, error) {
	checkout, err := os.Getwd() // where the Slurm jobs run shard and merge
	if err != nil {
		return nil, err
	}
	return pipeline.NewExecutor(opts, fleet.Slurm{}, checkout)
}

func experiments(ctx context.Context, exps ...string) (err error) {
	mg.SerialCtxDeps(ctx, checkDataDir, Build)
	ex, err := executor()
	if err != nil {
		return err
	}
	lastRun, err = ex.Run(interruptible(ctx), opts, builds, exps, os.Stdout)
	return err
}

// measureAndReport measures exps, then renders the report where the run
// is complete on return; a Slurm run's merge job renders its own.
func measureAndReport(ctx context.Context, exps ...string) error {
	ex, err := executor()
	if err != nil {
		return err
	}
	if err := experiments(ctx, exps...); err != nil || !ex.Completes() {
		return err
	}
	return Report()
}

// All is the main target: toolchain → build → startup, total and prolonged in
// one run → report. With RTWASM_EXECUTOR=slurm it lists the run's trials and
// submits them to RTWASM_SLURM_PARTITION; the merge job renders the report.
func All(ctx context.Context) error {
	// mage's context (canceled by SIGINT, SIGTERM, SIGHUP) reaches every step.
	ctx = interruptible(ctx)
	mg.SerialCtxDeps(ctx, checkDataDir, Toolchain, Build)
	ex, err := executor()
	if err != nil {
		return err
	}
	if ex.Completes() { // the estimate before starting (magefile_plan.go)
		if err := printPlan(ctx); err != nil {
			return err
		}
	}
	return measureAndReport(ctx, run.AllExperiments...)
}

// Report renders the report of the run RTWASM_RUN=<run-id> (or latest;
// default: the run just made, else latest) from its samples.parquet and
// manifest.json alone. An interrupted run renders from its journal under a
// "partial run" banner.
func Report() error {
	mg.Deps(loadOptions)
	dir := lastRun
	if os.Getenv(run.RunVar) != "" || dir == "" {
		var err error
		if dir, err = runDir(); err != nil {
			return err
		}
	}
	out, err := reports.Render(dir)
	if err != nil {
		return err
	}
	fmt.Println("report written to", filepath.Join(out, "index.html"))
	if m, err := run.ReadManifest(dir); err == nil && m.Partial() {
		fmt.Printf("this is a PARTIAL run (%s): the report shows only the samples taken so far; complete it with %s\n", m.State, pipeline.ResumeCommand(opts.DataDir, m.RunID))
	}
	return nil
}

// runDir is the run RTWASM_RUN names (an id, or latest when unset): every
// target that reads a run resolves it here, so all accept the same ids and
// refuse paths alike.
func runDir() (string, error) {
	return run.ResolveRun(opts.DataDir, os.Getenv(run.RunVar))
}

// Hybrid measures the hybrid runtimes: the hybrids and the runtimes
// they are measured against — Cranelift, and WAMR's multi-tier and fast JIT
// where WAMR is built (RTWASM_WAMR_SRC) — run the startup and prolonged
// experiments (process model, all CPUs unless RTWASM_CPUS says otherwise),
// then it prints per kernel job-1 latency ÷ the fastest-start runtime's,
// steady state ÷ Cranelift's and both ÷ WAMR multi-tier's, with 95 %
// bootstrap CIs, and renders the run's report, whose hybrid section has the
// per-kernel figure. Use RTWASM_DATASET=SMALL or MEDIUM for the issue's
// targets. With RTWASM_RUN=<id> it measures nothing and prints and renders
// that run.
func Hybrid(ctx context.Context) error {
	mg.Deps(loadOptions)
	if os.Getenv("RTWASM_RUNTIMES") == "" {
		opts.Runtimes = []string{"hybrid:interp+compiler", "hybrid:pulley+cranelift", "hybrid:interp+cranelift",
			"wazero:interp", "wazero:compiler", "wasmtime:pulley", "wasmtime:cranelift", "wamr:multi-tier", "wamr:fast-jit"}
	}
	if os.Getenv("RTWASM_CPUS") == "" {
		opts.CPUs = nil
	}
	opts.ColdStarts = []string{run.ColdProcess}
	dir := lastRun
	if os.Getenv(run.RunVar) != "" {
		var err error
		if dir, err = runDir(); err != nil {
			return err
		}
	} else if ex, err := executor(); err != nil {
		return err
	} else if !ex.Completes() {
		return fmt.Errorf("hybrid prints a finished run's ratios: measure with RTWASM_EXECUTOR=%s, or name a merged fleet run with RTWASM_RUN", pipeline.ExecutorLocal)
	} else if err := experiments(ctx, run.Startup, run.Prolonged); err != nil {
		return err
	} else {
		dir = lastRun
	}
	rows, err := run.ReadSamples(filepath.Join(dir, run.SamplesFile))
	if err != nil {
		return err
	}
	reports.PrintHybridRatios(os.Stdout, reports.HybridRatios(rows))
	out, err := reports.Render(dir)
	if err != nil {
		return err
	}
	fmt.Println("report written to", filepath.Join(out, "index.html"), "(hybrid figure: figures/hybrid.svg)")
	return nil
}

// Clean removes every container rtwasm left behind and its cached kernel
// images (labelled rtwasm=1), the temporary directories and unfinished
// toolchain builds of killed runs, and the build directory. It refuses while
// a run is being written.
func Clean(ctx context.Context) error {
	mg.Deps(loadOptions)
	if err := pipeline.CleanLeftovers(opts, os.Stdout); err != nil {
		return err
	}
	if err := container.Cleanup(ctx, true, os.Stdout); err != nil {
		return err
	}
	return os.RemoveAll(opts.BuildDir)
}

// Verify runs every kernel with its dump switch on every available runtime
// and compares the output byte for byte with the reference dumps, or with
// RTWASM_VERIFY=cross with native:glibc's dump (any dataset).
func Verify(ctx context.Context) error {
	mg.Deps(loadOptions)
	if opts.Verify == pipeline.VerifyCross && !slices.Contains(opts.Runtimes, pipeline.CrossReference) {
		opts.Runtimes = append(opts.Runtimes, pipeline.CrossReference)
	}
	mg.CtxDeps(ctx, Build)
	checks, err := pipeline.Verify(ctx, opts, builds)
	if err != nil {
		return err
	}
	if n := pipeline.PrintChecks(os.Stdout, checks); n > 0 {
		return fmt.Errorf("verify: %d of %d checks failed", n, len(checks))
	}
	return nil
}

// Test installs what the tests need (the compilers), then runs go test ./...
func Test(ctx context.Context) error {
	mg.CtxDeps(ctx, Toolchain)
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout=40m", "./...")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}
