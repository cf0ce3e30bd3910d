package reports

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/run"
)

// How many samples each cell got, and why it stopped: with adaptive
// sampling (RTWASM_PRECISION) the manifest records every cell's end — the
// target met, the cap reached, the budget spent — and a cell stopped short
// of its target says so here rather than passing for a precise one.

// samplingNarrative says how the run's cells were sampled.
func samplingNarrative(m run.Manifest) string {
	o := m.Options
	if o.Precision <= 0 {
		return fmt.Sprintf("Sampling: fixed repetitions (%d per start-up and total cell, %d prolonged process(es)); no precision "+
			"target was set (RTWASM_PRECISION).", o.Reps, o.ProlongedReps)
	}
	if len(m.Sampling) == 0 {
		return fmt.Sprintf("Sampling: adaptive to ±%s (RTWASM_PRECISION), but the rounds did not finish: no cell's end is recorded.",
			formatPercent(o.Precision))
	}
	count := map[string]int{}
	for _, s := range m.Sampling {
		count[s.Stop]++
	}
	text := fmt.Sprintf("Sampling: adaptive, in %d rounds after a first of %d repetitions per cell: each cell was sampled until the "+
		"95 %% CI of its median (order statistics) lay within ±%s of it, or its cap. %d of %d cells met the target",
		len(m.Rounds)+1, o.Reps, formatPercent(o.Precision), count[run.StopPrecision], len(m.Sampling))
	for _, stop := range []struct{ word, text string }{{run.StopCap, "stopped at their cap"}, {run.StopBudget, "stopped by the budget"},
		{run.StopFailed, "had no successful trial"}} {
		if count[stop.word] > 0 {
			text += fmt.Sprintf("; %d %s", count[stop.word], stop.text)
		}
	}
	text += " (the cells short of the target are listed below; their figures are less precise than the rest)"
	if jobs := jobsPerProcess(m.Sampling); len(jobs) > 0 {
		text += fmt.Sprintf(". Prolonged cells of two or more processes are judged on their processes, not their pooled jobs "+
			"(Kalibera & Jones: the CI of the geometric mean over processes); the jobs per process their variance components make "+
			"optimal are %d–%d (median %d), against the %d measured after each process's first half — advice for RTWASM_ITERATIONS",
			slices.Min(jobs), slices.Max(jobs), jobs[len(jobs)/2], o.Iterations-o.Iterations/2)
	}
	return text + "." + budgetNarrative(o.BudgetFit)
}

// budgetNarrative says how a budgeted run was fitted to its budget and
// what the budget cut ("" without a budget fit).
func budgetNarrative(f *run.BudgetFit) string {
	if f == nil {
		return ""
	}
	var exps []float64
	for _, k := range slices.Sorted(maps.Keys(f.Exponents)) {
		exps = append(exps, f.Exponents[k])
	}
	text := fmt.Sprintf(" Budget: the calibration took %s at %v", f.Calibration.Round(time.Second), f.Datasets)
	if len(exps) > 0 {
		text += fmt.Sprintf(", and job times were scaled to the run's dataset by a power law in the problem size "+
			"(exponents %.1f–%.1f over %d kernels, clamped to 2–4)", slices.Min(exps), slices.Max(exps), len(exps))
	}
	text += fmt.Sprintf("; every trial was capped at %s, the first round fitted to %s, and sampling stopped at 90 %% of the budget.",
		f.TrialCap.Round(time.Second), f.FirstRound.Round(time.Second))
	if len(f.Cut) > 0 {
		text += " Cut: " + strings.Join(f.Cut, "; ") + "."
	}
	return text
}

// jobsPerProcess are the cells' Kalibera & Jones optima, sorted.
func jobsPerProcess(stops []run.CellStop) []int {
	var jobs []int
	for _, s := range stops {
		if s.JobsPerProcess > 0 {
			jobs = append(jobs, s.JobsPerProcess)
		}
	}
	slices.Sort(jobs)
	return jobs
}

// samplingTable lists the cells that stopped short of the target.
func samplingTable(m run.Manifest) (table, bool) {
	var short []run.CellStop
	for _, s := range m.Sampling {
		if s.Stop != run.StopPrecision {
			short = append(short, s)
		}
	}
	if len(short) == 0 {
		return table{}, false
	}
	slices.SortStableFunc(short, func(a, b run.CellStop) int { return cmp.Compare(b.HalfWidth, a.HalfWidth) })
	t := table{Caption: fmt.Sprintf("Cells short of the ±%s precision target, widest first", formatPercent(m.Options.Precision)),
		Header: []string{"Experiment", "Benchmark", "Series", "Repetitions", "CI half-width", "Stopped by"}}
	const shown = 25
	for i, s := range short {
		if i == shown {
			t.Note = fmt.Sprintf("%d more cells in manifest.json (sampling)", len(short)-shown)
			break
		}
		parts := strings.SplitN(s.Cell, "|", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		width := "no CI (too few samples)"
		if s.HalfWidth >= 0 {
			width = "±" + formatPercent(s.HalfWidth)
		}
		t.Rows = append(t.Rows, []string{parts[0], parts[1], parts[2], fmt.Sprint(s.Reps), width, s.Stop})
	}
	return t, true
}
