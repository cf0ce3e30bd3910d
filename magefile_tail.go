//go:build mage

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/run"
)

// Tail runs the tail profile (RTWASM_PROFILE defaults to tail here): 1,000
// cold starts and 1,000 jobs per cell, spaced by RTWASM_GAP, under
// RTWASM_STRESS, into a new run, then its report. It prints a time estimate first.
func Tail(ctx context.Context) error {
	if os.Getenv("RTWASM_PROFILE") == "" {
		os.Setenv("RTWASM_PROFILE", "tail")
	}
	mg.SerialDeps(Toolchain, Build)
	return measureAndReport(ctx, run.Startup, run.Prolonged)
}

// Interference compares the tails of RTWASM_RUN=<run-id> (default latest)
// with those of the run RTWASM_COMPARE=<run-id> (another stress condition):
// ratios of p99 and pWCET per series × cell with bootstrap CIs, written to
// <run>/report/interference-<id>/.
func Interference() error {
	mg.Deps(loadOptions)
	base, err := runDir()
	if err != nil {
		return err
	}
	other, err := pipeline.CompareRun(opts, os.Getenv("RTWASM_COMPARE"))
	if err != nil {
		return err
	}
	out, err := reports.RenderInterference(base, other)
	if err == nil {
		fmt.Println("interference report written to", filepath.Join(out, "index.html"))
	}
	return err
}
