package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/engine/wire"
	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// launchFloorReps is how many launches each path's floor takes.
const launchFloorReps = 5

// measureLaunchFloor measures the launch floor of the run's own paths — the minimal
// C launcher, each native series and each embedded engine in both models —
// with an empty kernel, launched as the samples will be (issue 11: every
// figure is the runtime's time; the floor says how much is the launch).
func measureLaunchFloor(ctx context.Context, o run.Options, b *Builds, probes []runtimes.Probe, log io.Writer) *run.Calibration {
	ctx = runtimes.WithLaunch(ctx, runtimes.Launch{CPUs: o.CPUs, Stack: o.Stack, Sched: o.Sched, Mlock: o.Mlock})
	dir := filepath.Join(o.BuildDir, "launch-floor")
	built := map[toolchain.Target]toolchain.Artifact{}
	var paths []runtimes.CalibrationPath
	var notes []string
	for i, r := range b.Runtimes {
		engine, _, _ := strings.Cut(r.ID(), ":")
		if !probes[i].Available || (engine != "native" && !slices.Contains(wire.IDs, r.ID())) {
			continue
		}
		input, err := emptyKernelFor(ctx, b, r, built, dir)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s: %v", run.Series(r.ID(), r.ColdStart()), err))
			continue
		}
		paths = append(paths, runtimes.CalibrationPath{Runtime: r, Input: input})
	}
	launcher, target := "", ""
	if a, err := buildTool(ctx, b, o.CacheDir, toolchain.Musl, "launcher", map[string][]byte{"launcher.c": runtimes.LauncherSource}, dir); err != nil {
		notes = append(notes, fmt.Sprintf("posix_spawn launcher: %v", err))
	} else if k, err := emptyKernel(ctx, b, toolchain.Musl, built, dir); err != nil {
		notes = append(notes, fmt.Sprintf("posix_spawn launcher: %v", err))
	} else {
		launcher, target = a.Path, k.Path
	}
	c := runtimes.Calibrate(ctx, paths, launcher, target, launchFloorReps)
	c.Note = strings.Join(notes, "; ")
	for _, f := range c.Floors {
		if f.Error != "" {
			fmt.Fprintf(log, "launch floor: %s: %s\n", f.Path, f.Error)
		}
	}
	return &c
}

// emptyKernelFor builds (and prepares, for runtimes with a build step) the
// empty kernel for r.
func emptyKernelFor(ctx context.Context, b *Builds, r runtimes.Runtime, built map[toolchain.Target]toolchain.Artifact, dir string) (string, error) {
	a, err := emptyKernel(ctx, b, r.Target(), built, dir)
	if err != nil {
		return "", err
	}
	p, ok := r.(runtimes.Preparer)
	if !ok {
		return a.Path, nil
	}
	prepared, err := p.Prepare(ctx, a, filepath.Join(dir, "prepared"))
	if err != nil || prepared == "" {
		return a.Path, err
	}
	return prepared, nil
}

// emptyKernel builds the harness with a kernel that does nothing.
func emptyKernel(ctx context.Context, b *Builds, t toolchain.Target, built map[toolchain.Target]toolchain.Artifact, dir string) (toolchain.Artifact, error) {
	if a, ok := built[t]; ok {
		return a, nil
	}
	k, err := kernels.Lookup(kernels.Names()[0])
	if err != nil {
		return toolchain.Artifact{}, err
	}
	srcs, err := k.SourceFiles()
	if err != nil {
		return toolchain.Artifact{}, err
	}
	delete(srcs, k.Name+".c")
	srcs["empty.c"] = runtimes.EmptyKernelSource
	a, err := buildTool(ctx, b, "", t, "empty", srcs, dir)
	if err == nil {
		built[t] = a
	}
	return a, err
}

func buildTool(ctx context.Context, b *Builds, cacheDir string, t toolchain.Target, name string, srcs map[string][]byte, dir string) (toolchain.Artifact, error) {
	c, ok := b.Compilers[t]
	if !ok { // the run's runtimes do not need this target: resolve it here
		set, err := toolchain.Resolve(ctx, toolchain.Config{CacheDir: cacheDir, Log: io.Discard}, t)
		if err != nil {
			return toolchain.Artifact{}, err
		}
		c = set[t]
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return toolchain.Artifact{}, err
	}
	return toolchain.Build(ctx, c, toolchain.Job{Name: name, Sources: srcs}, dir)
}
