//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/run"
)

// Plan prints, for the current options, the trials and samples per
// experiment and series and the estimated wall time, from earlier runs on
// this host; what they lack is first measured by a short calibration run
// (under $RTWASM_DATA/calibration). The claims profile prints the cells it
// fits to RTWASM_BUDGET.
func Plan(ctx context.Context) error {
	mg.SerialCtxDeps(ctx, Toolchain, Build)
	if opts.Profile != pipeline.ProfileClaims { // claims calibrates its candidate kernels only
		if _, err := pipeline.Calibrate(ctx, opts, builds, run.AllExperiments, os.Stdout); err != nil {
			return err
		}
	}
	return printPlan(ctx)
}

// printPlan prints the estimate of a run of opts (all experiments); the
// claims profile is first fitted to its budget, and opts keep the fit.
func printPlan(ctx context.Context) (err error) {
	if opts, err = pipeline.FitBudget(ctx, opts, builds, run.AllExperiments, os.Stdout); err != nil {
		return err
	}
	pipeline.MakePlan(ctx, opts, builds, run.AllExperiments).Print(os.Stdout, opts)
	return nil
}
