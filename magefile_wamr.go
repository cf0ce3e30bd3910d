//go:build mage

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/toolchain"
)

// Wamr builds the paper's runtime, WAMR 2.4.5: iwasm in its four running
// modes (interp, fast-jit, llvm-jit, multi-tier; LLVM linked statically)
// and wamrc, from the source archives in RTWASM_WAMR_SRC or downloaded from
// GitHub, verified by SHA-256, into the toolchain cache (RTWASM_CACHE). An
// unchanged source, flag set and compiler build nothing.
func Wamr(ctx context.Context) error {
	mg.Deps(loadOptions)
	builds, err := pipeline.BuildWAMR(interruptible(ctx), opts, toolchain.WAMRModeNames(), os.Stdout)
	if err != nil {
		return err
	}
	pipeline.PrintWAMRBuilds(os.Stdout, builds)
	return nil
}

// wamrForRuns builds the WAMR modes the selected runtimes need when
// RTWASM_IWASM / RTWASM_WAMRC do not name builds. Without sources it says
// why and goes on: those modes are then unavailable, the rest runs.
func wamrForRuns(ctx context.Context) {
	mg.Deps(loadOptions)
	modes := pipeline.WAMRModesFor(opts)
	if len(modes) == 0 {
		return
	}
	if _, err := pipeline.BuildWAMR(interruptible(ctx), opts, modes, os.Stdout); err != nil {
		fmt.Printf("wamr: not built, its modes will be unavailable: %v\n", err)
	}
}
