package pipeline

import (
	"context"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
)

// TestBudgetCalibrationBounded: the calibration goes cheapest first (every
// kernel at SMALL, then MEDIUM's short kernels, then its long ones) and
// starts no stage past its share of the budget; the stages not started
// are named as cut.
func TestBudgetCalibrationBounded(t *testing.T) {
	stages := calibrationStages([]string{"atax", "gemm", "mvt", "jacobi-2d"})
	want := []calibrationStage{{kernels.Small, []string{"atax", "gemm", "mvt", "jacobi-2d"}},
		{kernels.Medium, []string{"atax", "mvt"}}, {kernels.Medium, []string{"gemm", "jacobi-2d"}}}
	if len(stages) != len(want) {
		t.Fatalf("stages %v, want %v", stages, want)
	}
	for i := range want {
		if stages[i].dataset != want[i].dataset || !slices.Equal(stages[i].kernels, want[i].kernels) {
			t.Errorf("stage %d: %v, want %v", i, stages[i], want[i])
		}
	}
	// Each stage takes 60 % of the limit (a fake clock): the third is not started.
	limit, used := 100*time.Second, time.Duration(0)
	var ran []calibrationStage
	cut, err := runStages(stages, limit, func() time.Duration { return used }, func(s calibrationStage) error {
		ran, used = append(ran, s), used+60*time.Second
		return nil
	})
	if err != nil || len(ran) != 2 || len(cut) != 1 || !strings.Contains(cut[0], "[gemm jacobi-2d] at MEDIUM: not started") {
		t.Errorf("ran %v, cut %q, err %v", ran, cut, err)
	}
}

// TestBudgetPowerLaw: a cubic kernel's job time at LARGE is scaled from
// SMALL and MEDIUM with exponent 3; a fit outside [1, 4] is clamped; a
// kernel with one short point gets the steepest fitted (3); one measured at
// the run's dataset is left as measured.
func TestBudgetPowerLaw(t *testing.T) {
	o := testOptions(t)
	o.Dataset, o.Benchmarks = kernels.Large, []string{"gemm", "atax", "mvt", "lu"}
	h := history{job: map[jobKey][]float64{}, fixed: map[string][]float64{}}
	gemm, _ := kernels.Lookup("gemm")
	cube := func(d kernels.Dataset) float64 { return 1e-9 * math.Pow(problemSize(gemm, d), 3) }
	h.job[jobKey{seriesNativeRef, "SMALL", "gemm"}] = []float64{cube(kernels.Small)}
	h.job[jobKey{seriesNativeRef, "MEDIUM", "gemm"}] = []float64{cube(kernels.Medium)}
	h.job[jobKey{seriesNativeRef, "SMALL", "atax"}] = []float64{0.01} // faster at MEDIUM: timer noise
	h.job[jobKey{seriesNativeRef, "MEDIUM", "atax"}] = []float64{0.005}
	h.job[jobKey{seriesNativeRef, "MEDIUM", "mvt"}] = []float64{0.002}
	h.job[jobKey{seriesNativeRef, "LARGE", "lu"}] = []float64{7}
	exps := scaleToDataset(&h, o)
	if math.Abs(exps["gemm"]-3) > 1e-9 || exps["atax"] != minExponent || math.Abs(exps["mvt"]-3) > 1e-9 {
		t.Errorf("exponents %v", exps)
	}
	if got, want := h.job[jobKey{seriesNativeRef, "LARGE", "gemm"}][0], cube(kernels.Large); math.Abs(got-want) > 1e-9*want {
		t.Errorf("gemm at LARGE %g, want %g", got, want)
	}
	if _, ok := exps["lu"]; ok || h.job[jobKey{seriesNativeRef, "LARGE", "lu"}][0] != 7 {
		t.Errorf("lu was measured at LARGE but rescaled: %v", h.job[jobKey{seriesNativeRef, "LARGE", "lu"}])
	}
}

// TestBudgetTrialCap: a budgeted trial is capped at budget/60; a kernel
// whose slowest series cannot run two jobs in the cap is cut with the
// reason, and prolonged trials get the iterations that fit.
func TestBudgetTrialCap(t *testing.T) {
	o := testOptions(t)
	o.Dataset, o.Benchmarks, o.Budget, o.Timeout, o.Iterations = kernels.Large, []string{"atax", "gemm", "lu"}, 15*time.Minute, 30*time.Minute, 10
	if got := trialCap(o); got != 15*time.Second {
		t.Fatalf("trial cap %s, want 15s", got)
	}
	h := history{job: map[jobKey][]float64{}, fixed: map[string][]float64{seriesNativeRef: {0.1}}}
	h.job[jobKey{seriesNativeRef, "LARGE", "atax"}] = []float64{0.05}
	h.job[jobKey{seriesNativeRef, "LARGE", "gemm"}] = []float64{2}
	h.job[jobKey{seriesNativeRef, "LARGE", "lu"}] = []float64{9}
	keep, iterations, cut := underTrialCap(o, h)
	if !slices.Equal(keep, []string{"atax", "gemm"}) || len(cut) != 1 || !strings.HasPrefix(cut[0], "lu: ") {
		t.Errorf("kept %v, cut %q", keep, cut)
	}
	if iterations < 2 || float64(iterations)*2.05 > 15 {
		t.Errorf("%d iterations of a 2 s job do not fit a 15 s cap", iterations)
	}
}

// TestBudgetHardStop: a budgeted run stops taking trials at 90 % of its
// budget; the cells it cut say "budget" (never "failed", also those not
// started), and the run completes with the trials it took, none missing.
func TestBudgetHardStop(t *testing.T) {
	slow := &fakeRuntime{id: "fake:slow"}
	t0 := time.Now()
	clock = func() time.Time { return t0.Add(time.Duration(slow.count()) * time.Second) } // a trial takes a second
	defer func() { clock = time.Now }()
	b := fakeBuilds([]string{"gemm", "atax", "mvt"}, slow)
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Precision, o.MaxReps = []string{"gemm", "atax", "mvt"}, 20, 0.05, 40
	o.Budget, o.Started = 10*time.Second, t0 // the hard stop at 9 s: the trials starting at 0–9 s are taken
	dir, err := RunExperiments(context.Background(), o, b, []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.State != run.StateComplete || m.Planned != m.Taken || len(rows) != m.Taken || m.Taken != 10 {
		t.Errorf("state %s, planned %d, taken %d, %d rows of 60 in round 1", m.State, m.Planned, m.Taken, len(rows))
	}
	if len(m.Sampling) != 3 {
		t.Fatalf("sampling %+v", m.Sampling)
	}
	for _, s := range m.Sampling {
		if s.Stop != run.StopBudget {
			t.Errorf("cell %s stopped by %q, want budget", s.Cell, s.Stop)
		}
	}
}

// TestBudgetRoundVerdictFirst: a round that does not fit before the
// deadline keeps whole steps of the verdict's cells first.
func TestBudgetRoundVerdictFirst(t *testing.T) {
	verdict, other := &fakeRuntime{id: "native:glibc"}, &fakeRuntime{id: "fake:other"}
	gemm, _ := kernels.Lookup("gemm")
	templates := map[string]trial{
		"a": {exp: run.Total, kernel: gemm, rt: other},
		"b": {exp: run.Total, kernel: gemm, rt: verdict},
	}
	reps, next := map[string]int{"a": 5, "b": 5}, map[string]int{"a": 10, "b": 10}
	fitted := fitRound(templates, reps, next, time.Second, time.Now().Add(7*time.Second))
	if len(fitted) != 1 || fitted["b"] != 10 {
		t.Errorf("fitted %v, want the verdict cell b's whole step only", fitted)
	}
	if got := fitRound(templates, reps, next, time.Second, time.Now().Add(-time.Second)); len(got) != 0 {
		t.Errorf("past the deadline, fitted %v", got)
	}
}
