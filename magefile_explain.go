//go:build mage

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/explain"
	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/run"
)

// Explain says why a series is faster or slower than native for the kernels
// RTWASM_BENCHMARKS names (default: those where a WASM series beat native in
// the prolonged test) of the run RTWASM_RUN=<run-id> (default latest):
// per series the steady-state time and page faults per job and peak RSS from
// the run, and one job's instruction count under valgrind's callgrind
// (native and every runtime that runs under valgrind). It writes
// explain.csv into the run directory (the report's "Why" section) and prints it.
func Explain(ctx context.Context) error {
	mg.Deps(loadOptions)
	dir, err := runDir()
	if err != nil {
		return err
	}
	m, err := run.ReadManifest(dir)
	if err != nil {
		return err
	}
	samples, err := run.ReadSamples(filepath.Join(dir, run.SamplesFile))
	if err != nil {
		return err
	}
	all := explain.Steady(samples)
	benchmarks := opts.Benchmarks
	if os.Getenv("RTWASM_BENCHMARKS") == "" {
		if benchmarks = explain.WasmFaster(all); len(benchmarks) == 0 {
			return errors.New("explain: in no kernel of this run did a WASM series beat native in the prolonged test; name kernels with RTWASM_BENCHMARKS")
		}
	}
	rows := explain.Select(all, benchmarks, explain.Natives...)
	if len(rows) == 0 {
		return fmt.Errorf("explain: the run %s has none of %v", dir, benchmarks)
	}

	// Wrappers for the runtimes that look their program up on PATH go in
	// before the build step probes them.
	cg, err := explain.NewCallgrind(filepath.Join(opts.BuildDir, "explain"))
	if err != nil {
		return err
	}
	var programs []string
	for _, p := range explain.PathPrograms {
		programs = append(programs, p)
	}
	if err := cg.WrapPath(programs...); err != nil {
		return err
	}
	o := opts
	o.Dataset, o.Benchmarks, o.ColdStarts = m.Options.Dataset, benchmarks, []string{run.ColdProcess}
	o.Runtimes = nil
	for _, r := range rows {
		id, _, _ := strings.Cut(r.Series, " (")
		if !slices.Contains(o.Runtimes, id) && slices.Contains(pipeline.RuntimeIDs(), id) {
			o.Runtimes = append(o.Runtimes, id)
		}
	}
	b, err := pipeline.Build(ctx, o, os.Stdout)
	if err != nil {
		return err
	}
	cg.Measure(ctx, rows, explain.Build{Runtimes: b.Runtimes, Env: b.Env, Input: b.Input, Probe: b.Probe}, os.Stdout)
	explain.Explain(rows)
	// Kernels explained before keep their rows.
	old, err := explain.ReadCSV(filepath.Join(dir, explain.FileName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := explain.WriteCSV(filepath.Join(dir, explain.FileName), explain.Merge(old, rows)); err != nil {
		return err
	}
	fmt.Printf("\nWhy (run %s, %s):\n", m.RunID, m.Options.Dataset)
	explain.Print(os.Stdout, rows)
	fmt.Println("\nwritten to", filepath.Join(dir, explain.FileName), "— `go tool mage report` puts it in the report's Why section")
	return nil
}
