//go:build mage

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/artifact"
	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/run"
)

// Aliases gives check-artifact its hyphenated name.
var Aliases = map[string]interface{}{"check-artifact": CheckArtifact}

// Artifact bundles the run RTWASM_RUN=<run-id> (default latest) for
// artifact evaluation into $RTWASM_DATA/../artifacts/rtwasm-artifact-<id>.tar.gz:
// the run, the source tree (git archive of HEAD; a checkout with
// uncommitted changes is refused), SHA256SUMS and ARTIFACT.md, which gives
// per claim of the verdict its evidence, the command that regenerates it,
// the claims-profile command that re-measures it and the plan's estimate
// here. The bundle is checked like check-artifact before it is written.
func Artifact(ctx context.Context) error {
	mg.Deps(loadOptions)
	dir, err := runDir()
	if err != nil {
		return err
	}
	start := time.Now()
	remeasure, err := claimEstimates(ctx)
	if err != nil {
		return err
	}
	planned := time.Since(start)
	src, err := os.Getwd()
	if err != nil {
		return err
	}
	start = time.Now()
	w, err := artifact.Write(artifact.Options{RunDir: dir, SourceDir: src, OutDir: artifactDir(), Remeasure: remeasure})
	if err != nil {
		return err
	}
	w.Check.Print(os.Stdout)
	fmt.Printf("bundle written to %s: %.1f MB (%d bytes; %d files, %.1f MB unpacked); estimates %s, bundle and check %s\n",
		w.Path, float64(w.Bytes)/1e6, w.Bytes, w.Files, float64(w.Unpacked)/1e6, planned.Round(time.Second), time.Since(start).Round(time.Second))
	fmt.Printf("check it elsewhere: RTWASM_ARTIFACT=%s go tool mage check-artifact\n", w.Path)
	return nil
}

// artifactDir is where bundles go: beside the runs directory.
func artifactDir() string {
	return filepath.Join(filepath.Dir(filepath.Clean(opts.DataDir)), "artifacts")
}

// claimEstimates asks the plan, from this host's history alone (nothing is
// measured), how long re-measuring each claim takes. The runtimes are
// built and probed once (the runner, no kernels).
func claimEstimates(ctx context.Context) (map[string]artifact.Remeasure, error) {
	all, err := claimOptions(map[string]string{"RTWASM_PROFILE": pipeline.ProfileClaims})
	if err != nil {
		return nil, err
	}
	probe := all
	probe.Benchmarks = nil
	b, err := pipeline.Build(ctx, probe, io.Discard)
	if err != nil {
		return nil, err
	}
	m := map[string]artifact.Remeasure{artifact.AllClaims: {
		Command:  "RTWASM_PROFILE=" + pipeline.ProfileClaims + " go tool mage all",
		Estimate: pipeline.Estimate(ctx, all, b, run.AllExperiments).Summary()}}
	for _, r := range pipeline.ClaimRemeasures() {
		o, err := claimOptions(r.Vars())
		if err != nil {
			return nil, fmt.Errorf("claim %s: %w", r.Claim, err)
		}
		m[r.Claim] = artifact.Remeasure{Command: r.Command(), Estimate: pipeline.Estimate(ctx, o, b, r.Experiments).Summary()}
	}
	return m, nil
}

// claimOptions are the options of a re-measuring command: its variables,
// and from this environment only where runs, builds and runtimes are.
func claimOptions(vars map[string]string) (run.Options, error) {
	inherited := []string{"RTWASM_DATA", "RTWASM_BUILD", "RTWASM_CACHE", "RTWASM_IWASM", "RTWASM_WAMRC", "RTWASM_WASMER", "RTWASM_WASMTIME"}
	return pipeline.ParseOptions(func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		if slices.Contains(inherited, k) {
			return os.Getenv(k)
		}
		return ""
	})
}

// CheckArtifact verifies the bundle RTWASM_ARTIFACT=<.tar.gz or directory>
// without writing to it: every file against SHA256SUMS (missing, extra and
// altered files named), then the report re-rendered from the bundled data
// in a temporary directory and compared byte for byte; it prints the ACM
// badge table (available, functional, results reproduced).
func CheckArtifact() error {
	mg.Deps(loadOptions)
	path := os.Getenv("RTWASM_ARTIFACT")
	if path == "" {
		found, _ := filepath.Glob(filepath.Join(artifactDir(), "*.tar.gz"))
		return fmt.Errorf("set RTWASM_ARTIFACT to a bundle (a .tar.gz of `go tool mage artifact`, or its unpacked directory); bundles here: %v", found)
	}
	r, err := artifact.Check(path)
	if err != nil {
		return err
	}
	r.Print(os.Stdout)
	if !r.Available() || !r.Functional() {
		return errors.New("check-artifact: the bundle does not verify (see above)")
	}
	return nil
}
