//go:build mage

// rtwasm's tasks. Run `go tool mage -l` for this list, `go tool mage -h
// TARGET` for one target. Options are RTWASM_* environment variables:
//
//	RTWASM_PROFILE     smoke | quick | paper (default smoke)
//	RTWASM_BENCHMARKS  comma-separated kernels, or all
//	RTWASM_RUNTIMES    comma-separated engine:mode ids, or all
//	RTWASM_DATASET     MINI | SMALL | MEDIUM | LARGE | EXTRALARGE
//	RTWASM_REPS, RTWASM_PROLONGED_REPS, RTWASM_ITERATIONS, RTWASM_TIMEOUT, RTWASM_SEED
//	RTWASM_DATA        where runs go (default data/runs)
//	RTWASM_RUN         the run that report renders (default $RTWASM_DATA/latest)
//	RTWASM_BUILD, RTWASM_CACHE, RTWASM_REFERENCE
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/toolchain"
)

// state shared between targets of one mage invocation.
var (
	opts    pipeline.Options
	builds  *pipeline.Builds
	lastRun string
)

// Options reads the RTWASM_* variables; every target depends on it.
func Options() (err error) {
	opts, err = pipeline.LoadOptions()
	return err
}

// Toolchain finds (downloading or installing where it may) the WASI, glibc
// and musl C compilers and prints their provenance.
func Toolchain(ctx context.Context) error {
	mg.Deps(Options)
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
	return nil
}

// Build compiles the selected kernels for every target the selected
// runtimes need, plus the runner program; unchanged inputs compile nothing.
func Build(ctx context.Context) (err error) {
	mg.Deps(Options)
	builds, err = pipeline.Build(ctx, opts, os.Stdout)
	return err
}

// Startup measures cold-start time (launch → main) into a new run.
func Startup(ctx context.Context) error { return experiments(ctx, pipeline.Startup) }

// Total measures launch → end of main with one kernel run into a new run.
func Total(ctx context.Context) error { return experiments(ctx, pipeline.Total) }

// Prolonged reruns init+kernel RTWASM_ITERATIONS times per process into a new run.
func Prolonged(ctx context.Context) error { return experiments(ctx, pipeline.Prolonged) }

func experiments(ctx context.Context, exps ...string) (err error) {
	mg.Deps(Build)
	lastRun, err = pipeline.RunExperiments(ctx, opts, builds, exps, os.Stdout)
	if err == nil {
		fmt.Println("run written to", lastRun)
	}
	return err
}

// All is the main job: toolchain → build → startup, total and prolonged in
// one run → report.
func All(ctx context.Context) error {
	mg.SerialDeps(Toolchain, Build)
	if err := experiments(ctx, pipeline.AllExperiments...); err != nil {
		return err
	}
	return Report()
}

// Report renders the report of RTWASM_RUN (default: the run just made, else
// $RTWASM_DATA/latest) from its samples.parquet and manifest.json alone.
func Report() error {
	mg.Deps(Options)
	run := os.Getenv("RTWASM_RUN")
	if run == "" {
		run = lastRun
	}
	if run == "" {
		run = filepath.Join(opts.DataDir, "latest")
	}
	out, err := reports.Render(run)
	if err == nil {
		fmt.Println("report written to", filepath.Join(out, "index.html"))
	}
	return err
}

// Verify runs every kernel with its dump switch on every available runtime
// and compares the output with the reference dumps byte for byte.
func Verify(ctx context.Context) error {
	mg.Deps(Build)
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
	mg.Deps(Toolchain)
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout=40m", "./...")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}
