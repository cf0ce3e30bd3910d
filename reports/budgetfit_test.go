package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
)

// TestSamplingSaysWhatTheBudgetCut: a budgeted run's sampling paragraph
// gives its calibration, the fit, the caps and every cut, and counts the
// cells the budget stopped; a run without a budget fit says none of it.
func TestSamplingSaysWhatTheBudgetCut(t *testing.T) {
	fit := &run.BudgetFit{Calibration: 97 * time.Second, Datasets: []kernels.Dataset{kernels.Small, kernels.Medium},
		Exponents: map[string]float64{"atax": 1.9, "gemm": 3.1}, TrialCap: 15 * time.Second, FirstRound: 5 * time.Minute,
		Cut: []string{"lu: a job of its slowest series takes about 9.0 s, two do not fit the 15s trial cap"}}
	m := run.Manifest{Options: run.Options{Reps: 5, Precision: 0.05, BudgetFit: fit}, Rounds: []run.Round{{}},
		Sampling: []run.CellStop{
			{Cell: run.CellID(run.Total, "gemm", "native:glibc"), Reps: 5, HalfWidth: 0.01, Stop: run.StopPrecision},
			{Cell: run.CellID(run.Total, "gemm", "wamr:fast-jit"), Reps: 3, HalfWidth: 0.2, Stop: run.StopBudget},
		}}
	text := samplingNarrative(m)
	for _, want := range []string{"1 stopped by the budget", "calibration took 1m37s at [SMALL MEDIUM]", "exponents 1.9–3.1 over 2 kernels",
		"capped at 15s", "first round fitted to 5m0s", "Cut: lu: a job"} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks %q:\n%s", want, text)
		}
	}
	m.Options.BudgetFit = nil
	if text := samplingNarrative(m); strings.Contains(text, "Budget:") {
		t.Errorf("no budget fit, but %q", text)
	}
}
