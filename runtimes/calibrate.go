package runtimes

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/run"
)

// LauncherSource is a minimal C launcher (posix_spawn between a
// CLOCK_REALTIME reading and the program's main_start, printed in ns): the
// floor any launcher pays, against which rtwasm's native launch is judged.
//
//go:embed testdata/launcher.c
var LauncherSource []byte

// EmptyKernelSource is a kernel that does nothing; built with the harness it
// is the module whose launch → main_start is a path's floor.
var EmptyKernelSource = []byte("/* rtwasm calibration: a kernel that does nothing. */\n#include \"harness.h\"\nvoid kernel_init(void) {}\nvoid kernel_run(void) {}\nvoid kernel_dump(void) {}\n")

// CalibrationPath is one path to calibrate: a runtime and its empty module.
type CalibrationPath struct {
	Runtime Runtime
	Input   string // the empty kernel, built (and prepared) for the runtime
}

// Calibrate measures each path's launch → main_start of the empty module
// reps times, launched as ctx's Launch says (like the samples), and the
// minimal C launcher's when launcher is not "" (run pinned the same way;
// its own reading is the floor). Paths that fail are recorded with the error.
func Calibrate(ctx context.Context, paths []CalibrationPath, launcher, launcherInput string, reps int) run.Calibration {
	l := LaunchFrom(ctx)
	c := run.Calibration{Reps: reps, Launch: fmt.Sprintf("CPUs %s, stack %d bytes, sched %s", CPUList(l.CPUs), l.Stack, orOther(l.Sched))}
	if launcher != "" {
		c.Floors = append(c.Floors, floorOf("posix_spawn launcher", reps, func() (int64, error) {
			res := RunProcess(ctx, []string{launcher, launcherInput, "--iterations", "0"})
			if res.Err != nil {
				return 0, res.Err
			}
			return strconv.ParseInt(strings.TrimSpace(string(res.Stdout)), 10, 64)
		}))
	}
	for _, p := range paths {
		c.Floors = append(c.Floors, floorOf(run.Series(p.Runtime.ID(), p.Runtime.ColdStart()), reps, func() (int64, error) {
			res := p.Runtime.Run(ctx, p.Input, harness.Args(0, false))
			if res.Err != nil {
				return 0, res.Err
			}
			t, err := harness.ParseTimeline(res.Stdout)
			if err != nil {
				return 0, err
			}
			return t.MainStart - res.LaunchNS, nil
		}))
	}
	return c
}

func orOther(s string) string {
	if s == "" {
		return "other"
	}
	return s
}

// floorOf takes reps readings of one path; the first error ends it.
func floorOf(path string, reps int, read func() (int64, error)) run.Floor {
	f := run.Floor{Path: path}
	var ns []int64
	for range reps {
		v, err := read()
		if err != nil {
			f.Error = err.Error()
			return f
		}
		ns = append(ns, v)
	}
	if len(ns) == 0 {
		f.Error = "no readings"
		return f
	}
	slices.Sort(ns)
	f.MedianNS, f.MinNS, f.MaxNS = ns[len(ns)/2], ns[0], ns[len(ns)-1]
	return f
}
