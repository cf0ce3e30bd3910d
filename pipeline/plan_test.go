package pipeline

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/run"
)

// planRows are three trials of a past run, 0.5 s apart: a start-up of
// native:glibc (0.01 s, then 0.49 s of bookkeeping), a total of
// native:glibc with a 0.2 s job, and a prolonged wazero trial of 4 jobs of
// 0.6 s; the run took 10 s in all.
func planRows() (run.Manifest, []run.Sample) {
	const t0 = int64(1_700_000_000_000_000_000)
	const s = int64(time.Second)
	m := run.Manifest{Started: time.Unix(0, t0-2*s), Finished: time.Unix(0, t0+8*s)}
	rows := []run.Sample{
		{Order: 0, Experiment: run.Startup, Benchmark: "gemm", Dataset: "MINI", Runtime: "native:glibc", Status: run.StatusOK,
			LaunchNS: t0, MainEndNS: t0 + s/100},
		{Order: 1, Experiment: run.Total, Benchmark: "gemm", Dataset: "MINI", Runtime: "native:glibc", Status: run.StatusOK,
			Iterations: 1, LaunchNS: t0 + s/2, ExecNS: s / 5, MainEndNS: t0 + s/2 + s/4},
	}
	for it := int32(1); it <= 4; it++ {
		rows = append(rows, run.Sample{Order: 2, Experiment: run.Prolonged, Benchmark: "gemm", Dataset: "MINI", Runtime: "wazero:interp",
			Status: run.StatusOK, Iteration: it, Iterations: 4, LaunchNS: t0 + s, IterationNS: 6 * s / 10,
			IterationEndNS: t0 + s + s/10 + int64(it)*6*s/10})
	}
	return m, rows
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %.4f; want %.4f", what, got, want)
	}
}

func TestHistoryCosts(t *testing.T) {
	h := history{fixed: map[string][]float64{}, job: map[jobKey][]float64{}}
	m, rows := planRows()
	h.add(m, rows)
	fixed, ok := h.fixedCost("native:glibc")
	// start-up: the 0.5 s gap to the next launch; total: 0.5 s gap − 0.2 s job.
	near(t, "native fixed", fixed, (0.5+0.3)/2)
	if !ok {
		t.Error("native:glibc fixed cost not known")
	}
	job, _ := h.jobCost("wazero:interp", "MINI", "gemm")
	near(t, "wazero job", job, 0.6)
	near(t, "wazero speed", h.speed("wazero:interp"), 3) // 0.6 s against native's 0.2 s
	// The last trial runs 0.1 s + 4 × 0.6 s; the run's other 10 − 1 − 2.5 s are set-up.
	near(t, "set-up", h.setup[0], 10-1-2.5)
	o := run.Options{Iterations: 10}
	wall, known := h.trialWall(run.Prolonged, "wazero:interp", "MINI", "gemm", o)
	near(t, "prolonged trial of 10 iterations", wall.Seconds(), 0.1+10*0.6)
	if !known {
		t.Error("wazero trial should be known")
	}
	// A kernel wazero never ran: native's job scaled by wazero's speed.
	h.job[jobKey{"native:glibc", "MINI", "atax"}] = []float64{0.05}
	job, known = h.jobCost("wazero:interp", "MINI", "atax")
	near(t, "scaled job", job, 0.15)
	if known {
		t.Error("a scaled job time must count as guessed")
	}
}

func TestPerExperimentCells(t *testing.T) {
	o := run.Options{Benchmarks: []string{"gemm", "atax"}, Reps: 5, ProlongedReps: 1,
		PerExperiment: map[string]run.ExperimentCells{run.Total: {Benchmarks: []string{"atax"}, Reps: 2, Series: []string{"native:glibc"}}}}
	if got := benchmarksFor(run.Total, o); len(got) != 1 || got[0] != "atax" {
		t.Errorf("total kernels %v; want [atax]", got)
	}
	if got := benchmarksFor(run.Startup, o); len(got) != 2 {
		t.Errorf("startup kernels %v; want the run's", got)
	}
	if repsFor(run.Total, o) != 2 || repsFor(run.Startup, o) != 5 {
		t.Errorf("reps %d/%d; want 2 for total, 5 for startup", repsFor(run.Total, o), repsFor(run.Startup, o))
	}
	if seriesIn(run.Total, o, "wazero:interp") || !seriesIn(run.Total, o, "native:glibc") || !seriesIn(run.Startup, o, "wazero:interp") {
		t.Error("seriesIn does not follow PerExperiment")
	}
}

// TestPlanAdaptive: with a precision target the plan shows the first
// round, the cap, and what the last adaptive run here needed.
func TestPlanAdaptive(t *testing.T) {
	b := fakeBuilds([]string{"gemm"}, &fakeRuntime{id: "fake:x"})
	o := run.Options{Benchmarks: []string{"gemm"}, Dataset: "MINI", Reps: 5, Precision: 0.05, Profile: "quick"}
	h := history{fixed: map[string][]float64{"fake:x": {1}}, job: map[jobKey][]float64{{"fake:x", "MINI", "gemm"}: {1}},
		reps: map[string]int{run.CellID(run.Total, "gemm", "fake:x") + "|MINI": 12}}
	p := makePlan(context.Background(), o, b, []string{run.Total}, h)
	if len(p.Lines) != 1 || p.Lines[0].Trials != 5 || p.Lines[0].CapTrials != 20 || p.Lines[0].ExpectedTrials != 7 {
		t.Fatalf("lines %+v; want 5 first, 20 at the cap, 7 more expected", p.Lines)
	}
	var out strings.Builder
	p.Print(&out, o)
	if !strings.Contains(out.String(), "at most 20 trials, 40s (every cell at its cap); expected from the last adaptive run here: 12 trials, 24s") {
		t.Errorf("plan output:\n%s", out.String())
	}
}
