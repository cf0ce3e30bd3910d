package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/stats"
	"github.com/rtwasm/rtwasm/toolchain"
)

// A budget that holds from a cold start (issue 27). A host with no history
// knows no job time at LARGE, and measuring one there can take minutes
// (hybrid jacobi-2d: over 4); so the calibration runs at short datasets,
// cheap kernels first, within a share of the budget, and each kernel's job
// time is scaled to the run's dataset by a power law in the problem size
// fitted to its two short points. Every trial gets a time cap so one slow
// cell cannot eat the budget; the first round gets half of what is left;
// sampling stops hard at 90 % of the budget, and what was cut is said.

const (
	calibrationShare = 0.15 // of the budget, at most, for calibration
	trialShare       = 60   // a budgeted trial gets at most budget/trialShare
	firstRoundShare  = 0.5  // of what is left before the hard stop, for round 1
	// Every claims kernel sweeps 2-D arrays, so its job time grows at
	// least as the square of its size (the geometric mean of its
	// parameters) and, for PolyBench, at most as the fourth power; a fit
	// below (the O(N²) initialisation hides an O(N³) kernel at SMALL: a
	// cold run fitted lu 2.1 and gemm 1.0, and every LARGE lu trial hit its
	// cap) or above is clamped, and a kernel without two points is given the
	// steepest fitted exponent (else the upper bound), so an unknown
	// kernel looks costly rather than cheap.
	minExponent, maxExponent = 2.0, 4.0
)

// shortDatasets are where a budgeted run calibrates, smallest first.
var shortDatasets = []kernels.Dataset{kernels.Small, kernels.Medium}

// errBudgetSpent ends measureTrials at the budget's hard stop: the trials
// not taken are cut, not interrupted (the run completes with what it has).
var errBudgetSpent = errors.New("budget spent")

// clock is the budget's time (a test's fake clock counts trials).
var clock = time.Now

// trialCap is the time limit of every trial of a budgeted run.
func trialCap(o run.Options) time.Duration {
	if o.Budget <= 0 {
		return o.Timeout
	}
	return min(o.Timeout, o.Budget/trialShare)
}

// budgetSpent reports whether a budgeted run is past its hard stop.
func budgetSpent(o run.Options) bool {
	d := budgetDeadline(o)
	return !d.IsZero() && clock().After(d)
}

// calibrationStage is one step of a budgeted calibration: one short
// dataset, some kernels.
type calibrationStage struct {
	dataset kernels.Dataset
	kernels []string
}

// calibrationStages are the budgeted calibration's steps, cheapest first:
// every candidate at the smallest short dataset, then the short kernels
// at the next, then the long ones.
func calibrationStages(candidates []string) []calibrationStage {
	var short, long []string
	for _, k := range candidates {
		if slices.Contains(paper.LongKernels, k) {
			long = append(long, k)
		} else {
			short = append(short, k)
		}
	}
	stages := []calibrationStage{{shortDatasets[0], candidates}}
	for _, d := range shortDatasets[1:] {
		for _, ks := range [][]string{short, long} {
			if len(ks) > 0 {
				stages = append(stages, calibrationStage{d, ks})
			}
		}
	}
	return stages
}

// runStages runs the stages in order until the calibration's share of the
// budget is spent (a stage is not started past it) and returns the cut.
func runStages(stages []calibrationStage, limit time.Duration, since func() time.Duration,
	step func(calibrationStage) error) (cut []string, err error) {
	for i, s := range stages {
		if used := since(); used >= limit {
			for _, c := range stages[i:] {
				cut = append(cut, fmt.Sprintf("calibration of %v at %s: not started, the calibration had used %s of its %s",
					c.kernels, c.dataset, used.Round(time.Second), limit.Round(time.Second)))
			}
			return cut, nil
		}
		if err := step(s); err != nil {
			return cut, err
		}
	}
	return nil, nil
}

// calibrateShort calibrates a budgeted run at the short datasets, within
// calibrationShare of its budget, and returns what it did.
func calibrateShort(ctx context.Context, o run.Options, b *Builds, log io.Writer) (*run.BudgetFit, error) {
	t0 := time.Now()
	fit := &run.BudgetFit{TrialCap: trialCap(o)}
	limit := time.Duration(calibrationShare * float64(o.Budget))
	step := func(s calibrationStage) error {
		sb, err := buildsAt(ctx, b, o, s.dataset, s.kernels, log)
		if err != nil {
			return err
		}
		probe := o
		probe.Dataset, probe.Benchmarks = s.dataset, s.kernels
		probe.Timeout = trialCap(o)
		probe.PerExperiment = map[string]run.ExperimentCells{
			run.Startup:   {Benchmarks: s.kernels[:1], Reps: 1},
			run.Total:     {Benchmarks: s.kernels, Reps: 1, Series: []string{seriesNativeRef}},
			run.Prolonged: {Benchmarks: cheapest(s.kernels, 2), Reps: 1, Series: paper.Series},
		}
		if _, err := Calibrate(ctx, probe, sb, []string{run.Startup, run.Total}, log); err != nil {
			return err
		}
		if !slices.Contains(fit.Datasets, s.dataset) {
			fit.Datasets = append(fit.Datasets, s.dataset)
		}
		return nil
	}
	cut, err := runStages(calibrationStages(candidates(o)), limit, func() time.Duration { return time.Since(t0) }, step)
	fit.Cut, fit.Calibration = cut, time.Since(t0)
	return fit, err
}

// buildsAt is b with kernels compiled (and prepared) at dataset d: the
// first two for every target b's runtimes need (start-up and speeds run
// every series on them), the rest for native:glibc only (its job times).
// The compilers, runtimes and probes are b's.
func buildsAt(ctx context.Context, b *Builds, o run.Options, d kernels.Dataset, benchmarks []string, log io.Writer) (*Builds, error) {
	if d == b.Dataset {
		return b, nil
	}
	s := &Builds{Dataset: d, Compilers: b.Compilers, Artifacts: map[string]toolchain.Artifact{}, Prepared: map[string]string{},
		Failures: map[string]error{}, Env: b.Env, Runtimes: b.Runtimes, probes: b.probes}
	var mu sync.Mutex
	var jobs []func()
	for _, t := range TargetsOf(b.Runtimes) {
		c, ok := b.Compilers[t]
		if !ok {
			continue
		}
		for i, name := range benchmarks {
			if i >= 2 && !isNativeRefTarget(b, t) {
				continue
			}
			jobs = append(jobs, func() {
				a, err := buildKernel(ctx, c, name, d, filepath.Join(o.BuildDir, "cache"), log)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					s.Failures[buildKey(name, t)] = err
					return
				}
				s.Artifacts[buildKey(name, t)] = a
			})
		}
	}
	runParallel(jobs)
	probes := map[runtimes.Runtime]runtimes.Probe{}
	for _, r := range b.Runtimes {
		probes[r] = b.Probe(ctx, r)
	}
	s.prepare(ctx, probes, cheapest(benchmarks, 2), filepath.Join(o.BuildDir, "prepared-"+string(d)), log)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return s, nil
}

// isNativeRefTarget reports whether t is native:glibc's target.
func isNativeRefTarget(b *Builds, t toolchain.Target) bool {
	return slices.ContainsFunc(b.Runtimes, func(r runtimes.Runtime) bool { return r.ID() == seriesNativeRef && r.Target() == t })
}

// scaleToDataset gives h a job time of native:glibc at o's dataset for
// every candidate kernel it lacks one for, scaled from the short datasets
// by a power law in the problem size, and returns the fitted exponents.
func scaleToDataset(h *history, o run.Options) map[string]float64 {
	exps := map[string]float64{}
	oneLeg := maxExponent // a kernel with one short point: the steepest fitted, else the bound
	if fitted := fittedExponents(*h, o); len(fitted) > 0 {
		oneLeg = slices.Max(fitted)
	}
	for _, k := range candidates(o) {
		if _, ok := h.job[jobKey{seriesNativeRef, string(o.Dataset), k}]; ok {
			continue // measured at the run's dataset: no need to scale
		}
		kernel, err := kernels.Lookup(k)
		if err != nil {
			continue
		}
		var sizes, jobs []float64
		for _, d := range shortDatasets {
			if v := h.job[jobKey{seriesNativeRef, string(d), k}]; len(v) > 0 {
				sizes, jobs = append(sizes, problemSize(kernel, d)), append(jobs, stats.Median(v))
			}
		}
		if len(jobs) == 0 {
			continue
		}
		e := oneLeg
		if len(jobs) >= 2 {
			e = fitExponent(sizes[0], jobs[0], sizes[len(sizes)-1], jobs[len(jobs)-1])
		}
		last := len(jobs) - 1
		h.job[jobKey{seriesNativeRef, string(o.Dataset), k}] = []float64{jobs[last] * math.Pow(problemSize(kernel, o.Dataset)/sizes[last], e)}
		exps[k] = e
	}
	return exps
}

// fitExponent is the power-law exponent through two (size, time) points,
// clamped to [minExponent, maxExponent].
func fitExponent(s1, t1, s2, t2 float64) float64 {
	if s1 <= 0 || s2 <= s1 || t1 <= 0 || t2 <= 0 {
		return maxExponent
	}
	return max(minExponent, min(maxExponent, math.Log(t2/t1)/math.Log(s2/s1)))
}

// problemSize is the geometric mean of a kernel's size parameters at d.
func problemSize(k kernels.Kernel, d kernels.Dataset) float64 {
	i := slices.Index(kernels.Datasets, d)
	if i < 0 || len(k.Sizes[i]) == 0 {
		return 0
	}
	logSum := 0.0
	for _, v := range k.Sizes[i] {
		logSum += math.Log(float64(max(v, 1)))
	}
	return math.Exp(logSum / float64(len(k.Sizes[i])))
}

// underTrialCap drops the candidates whose slowest claims series cannot
// run two jobs within the trial cap, and returns the iterations a
// prolonged trial of the rest can take within it (at most o's).
func underTrialCap(o run.Options, h history) (keep []string, iterations int, cut []string) {
	limit := trialCap(o).Seconds() * 0.8 // the estimate is a fit: keep a margin
	iterations = o.Iterations
	for _, k := range candidates(o) {
		slowest := 0.0
		for _, s := range paper.Series {
			job, _ := h.jobCost(s, string(o.Dataset), k)
			fixed, _ := h.fixedCost(s)
			slowest = max(slowest, job+fixed/2)
		}
		if slowest > 0 && 2*slowest > limit {
			cut = append(cut, fmt.Sprintf("%s: a job of its slowest series takes about %.1f s, two do not fit the %s trial cap",
				k, slowest, trialCap(o)))
			continue
		}
		if slowest > 0 {
			iterations = min(iterations, max(2, int(limit/slowest)))
		}
		keep = append(keep, k)
	}
	return keep, iterations, cut
}

// cutByBudget marks the cells the budget cut: those still short of their
// target, and those it stopped before any of their trials was taken
// (not failed: never run).
func cutByBudget(stops []run.CellStop, templates map[string]trial, reps map[string]int, done map[string][]run.Sample) []run.CellStop {
	stops = stoppedByBudget(stops)
	for i, s := range stops {
		if s.Stop != run.StopFailed {
			continue
		}
		c, taken := templates[s.Cell], false
		for c.rep = 1; c.rep <= reps[s.Cell] && !taken; c.rep++ {
			_, taken = done[c.key()]
		}
		if !taken {
			stops[i].Stop = run.StopBudget
		}
	}
	return stops
}

// fitRound trims a round to what fits before the deadline at pace per
// trial: the verdict's series first, then the rest, each in cell order;
// it returns the repetitions that fit (a cell either gets its whole step
// or none).
func fitRound(templates map[string]trial, reps, next map[string]int, pace time.Duration, deadline time.Time) map[string]int {
	left := deadline.Sub(clock())
	switch {
	case deadline.IsZero():
		return next
	case left <= 0:
		return map[string]int{}
	case pace <= 0:
		return next
	}
	var ids []string
	for id := range next {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		va, vb := verdictCell(templates[a]), verdictCell(templates[b])
		switch {
		case va && !vb:
			return -1
		case vb && !va:
			return 1
		}
		return cmp.Compare(a, b)
	})
	fitted := map[string]int{}
	for _, id := range ids {
		cost := pace * time.Duration(len(roundTrials(templates, reps, map[string]int{id: next[id]})))
		if cost <= left {
			fitted[id], left = next[id], left-cost
		}
	}
	return fitted
}

// verdictCell reports whether the verdict's claims compare the cell's
// series (start-up claims compare every series).
func verdictCell(c trial) bool {
	return c.exp == run.Startup || slices.Contains(paper.Series, run.Series(c.rt.ID(), c.rt.ColdStart()))
}

// keepOrder is the items of list that keep holds, in list's order, plus
// the non-candidate kernels (start-up runs on any).
func keepOrder(list, keep []string) []string {
	var out []string
	for _, k := range list {
		if slices.Contains(keep, k) || !slices.Contains(slices.Concat(paper.ShortKernels, paper.LongKernels), k) {
			out = append(out, k)
		}
	}
	return out
}

// unfitted marks the cells that were to go on but got no place in the
// round as stopped by the budget.
func unfitted(stops []run.CellStop, fitted map[string]int) []run.CellStop {
	for i, s := range stops {
		if _, ok := fitted[s.Cell]; !ok && s.Stop == "" {
			stops[i].Stop = run.StopBudget
		}
	}
	return stops
}

// fittedExponents are the exponents of the candidates with two short points.
func fittedExponents(h history, o run.Options) []float64 {
	var out []float64
	for _, k := range candidates(o) {
		kernel, err := kernels.Lookup(k)
		lo, hi := h.job[jobKey{seriesNativeRef, string(shortDatasets[0]), k}], h.job[jobKey{seriesNativeRef, string(shortDatasets[1]), k}]
		if err == nil && len(lo) > 0 && len(hi) > 0 {
			out = append(out, fitExponent(problemSize(kernel, shortDatasets[0]), stats.Median(lo), problemSize(kernel, shortDatasets[1]), stats.Median(hi)))
		}
	}
	return out
}
