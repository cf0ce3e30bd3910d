package pipeline

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
)

// The tail profile feeds the real-time view: extreme value theory needs
// thousands of samples, so every cell gets 1,000 cold starts and 10
// processes × 101 jobs (1,000 after each process's warm-up job), spaced by
// a gap so that consecutive samples share less cache, frequency or
// scheduler state (the report's i.i.d. checks say whether it was enough).
var tailProfile = run.Options{Dataset: kernels.Medium, Reps: 1000, ProlongedReps: 10, Iterations: 101,
	Timeout: 10 * time.Minute, Gap: 5 * time.Millisecond, Cyclictest: tailCyclictest}

// tailCyclictest is the tail profile's host-latency measurement before and
// after the samples: 10 s is 10,000 wake-ups per sampled CPU, enough for a
// p99.9, and small beside a tail run's hours. Other profiles leave it off
// (RTWASM_CYCLICTEST turns it on): their medians do not need the floor.
const tailCyclictest = 10 * time.Second

// tailKernels are the tail profile's default kernels: a short, a medium and
// a long job at MEDIUM, where each job takes milliseconds, picked by
// native:musl's measured median job time on the 2-core development VM
// (tailJobMS), a factor of about 3 apart. Longer kernels (floyd-warshall
// 52 ms, seidel-2d 125 ms at MEDIUM) would make 1,000 jobs on an
// interpreter take hours per series.
var tailKernels = []string{"atax", "gemm", "2mm"}

// tailJobMS is the measured median native:musl job (init+kernel) time in ms
// at MEDIUM (total experiment, main_start → main_end); the estimate uses
// it, with jobFactor for the WASM series.
var tailJobMS = map[string]float64{"atax": 0.79, "gemm": 2.6, "2mm": 7.7, "jacobi-2d": 4.9, "mvt": 0.95, "floyd-warshall": 52}

// jobFactor is a rough job-time multiple of native per runtime id: an
// interpreter (wazero:interp ran atax at MEDIUM ~700× native:musl on the
// development VM) or compiled WASM.
func jobFactor(id string) float64 {
	switch {
	case strings.HasPrefix(id, "native:") || strings.HasPrefix(id, "runc:") || strings.HasPrefix(id, "docker:"):
		return 1
	case strings.Contains(id, "interp") || strings.Contains(id, "pulley") || strings.Contains(id, "fast-interp"):
		return tailInterpFactor
	}
	return tailWasmFactor
}

const (
	tailInterpFactor = 500.0
	tailWasmFactor   = 3.0
	tailLaunchMS     = 20.0 // a rough per-process launch cost over all series
	tailUnknownJobs  = 5.0  // ms per job of a kernel outside tailJobMS
)

// Stress conditions (RTWASM_STRESS).
const (
	StressNone   = "none"
	StressCPU    = "cpu"
	StressMemory = "memory"
	StressIO     = "io"
)

var stressKinds = []string{StressNone, StressCPU, StressMemory, StressIO}

// parseTailOptions reads RTWASM_STRESS, RTWASM_GAP and RTWASM_CYCLICTEST, and gives the tail
// profile its kernels unless RTWASM_BENCHMARKS chose others.
func parseTailOptions(getenv func(string) string, o *run.Options) error {
	if o.Profile == "tail" && getenv("RTWASM_BENCHMARKS") == "" {
		o.Benchmarks = slices.Clone(tailKernels)
	}
	if o.Stress = orDefault(getenv("RTWASM_STRESS"), StressNone); !slices.Contains(stressKinds, o.Stress) {
		return fmt.Errorf("unknown RTWASM_STRESS %q; valid: %s", o.Stress, strings.Join(stressKinds, ", "))
	}
	if v := getenv("RTWASM_GAP"); v != "" {
		gap, err := time.ParseDuration(v)
		if err != nil || gap < 0 {
			return fmt.Errorf("RTWASM_GAP=%q: want a Go duration ≥ 0 such as 5ms", v)
		}
		o.Gap = gap
	}
	switch v := getenv("RTWASM_CYCLICTEST"); v {
	case "":
	case "off":
		o.Cyclictest = 0
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return fmt.Errorf("RTWASM_CYCLICTEST=%q: want off or a Go duration ≥ 1s such as 10s", v)
		}
		o.Cyclictest = d
	}
	return nil
}

// CompareRun validates RTWASM_COMPARE, the id of a second run under
// o.DataDir (an id or latest, never a path, as RTWASM_RUN), and returns its
// directory.
func CompareRun(o run.Options, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("set RTWASM_COMPARE to the id of the run to compare with (a directory name under %s)", o.DataDir)
	}
	return run.ResolveID(o.DataDir, id, "RTWASM_COMPARE")
}

// conditionsOf is how many times each trial is made: twice under stress
// (plain and stressed blocks alternate), else once.
func conditionsOf(o run.Options) int {
	if StressOf(o) != StressNone {
		return 2
	}
	return 1
}

// StressOf is the stress condition of a run's rows: none when unset.
func StressOf(o run.Options) string { return orDefault(o.Stress, StressNone) }

// PrintTailEstimate prints how long the experiments will take with o: a
// rough figure from trial counts, the gap, a per-launch cost and the
// measured job times, so that a 1,000-sample run is not started blind.
// (A general `mage plan` supersedes this where it exists.)
func PrintTailEstimate(w io.Writer, o run.Options, exps []string) time.Duration {
	var total float64 // ms
	trials := 0
	for _, exp := range exps {
		for _, b := range o.Benchmarks {
			job, ok := tailJobMS[b]
			if !ok || o.Dataset != kernels.Medium {
				job = tailUnknownJobs
			}
			for _, id := range o.Runtimes {
				factor := jobFactor(id)
				n := repsFor(exp, o) * conditionsOf(o)
				per := tailLaunchMS + float64(o.Gap)/float64(time.Millisecond) + float64(iterationsFor(exp, o))*job*factor
				total += float64(n) * per
				trials += n
			}
		}
	}
	est := time.Duration(total * float64(time.Millisecond)).Round(time.Second)
	fmt.Fprintf(w, "estimate: %d trials (%s × %d kernels × %d series), gap %v, about %v — rough: %.0f ms per launch, "+
		"native job times measured at MEDIUM, compiled WASM ×%.0f, interpreters ×%.0f; embedded cold starts not counted\n",
		trials, strings.Join(exps, "+"), len(o.Benchmarks), len(o.Runtimes), o.Gap, est, tailLaunchMS, tailWasmFactor, tailInterpFactor)
	return est
}
