package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// The claims profile: the paper's matrix cut to the cells the reproduction
// verdict needs, fitted to RTWASM_BUDGET with the plan's estimates. Start-up
// needs no kernel work and gets the paper's 25 repetitions on every series;
// total and prolonged run the paper's series (plus native:glibc and the
// embedded Wasmtime) on kernels from both sides of the 1-second line, with as
// many repetitions as the budget leaves.

// ProfileClaims names the budgeted profile.
const ProfileClaims = "claims"

// DefaultBudget is the claims profile's budget on a 2-core host.
const DefaultBudget = 90 * time.Minute

const (
	startupShare  = 0.35 // of the budget, at most, for start-up
	budgetReserve = 0.15 // of the budget kept for estimate error
	claimsMinReps = 3
)

// FitBudget turns the claims profile into per-experiment cells that fit
// o.Budget; other options (and resumed runs, which carry their cells) pass
// unchanged.
func FitBudget(ctx context.Context, o run.Options, b *Builds, exps []string, log io.Writer) (run.Options, error) {
	if o.Profile != ProfileClaims || o.PerExperiment != nil || o.Budget <= 0 {
		return o, nil
	}
	fit, err := calibrateShort(ctx, o, b, log) // bounded, at short datasets (budget.go)
	if err != nil {
		return o, fmt.Errorf("claims profile: calibration: %w", err)
	}
	h := loadHistory(o.DataDir)
	fit.Exponents = scaleToDataset(&h, o)
	keep, iterations, cut := underTrialCap(o, h)
	fit.Cut = append(fit.Cut, cut...)
	narrowed := o
	narrowed.Benchmarks, narrowed.Iterations, narrowed.Timeout = keepOrder(o.Benchmarks, keep), iterations, fit.TrialCap
	// Round 1 gets half of what is left before the hard stop: the rounds
	// after it spend the rest where the CIs are widest.
	left := time.Duration(firstRoundShare * float64(time.Until(budgetDeadline(o))))
	if len(h.setup) > 0 {
		left -= time.Duration(meanOf(h.setup) * float64(time.Second))
	}
	fit.FirstRound = max(left, 0)
	fitted := fitCells(ctx, narrowed, b, exps, h, left)
	fitted.Benchmarks, fitted.BudgetFit = o.Benchmarks, fit
	fmt.Fprintf(log, "claims: budget %s; calibration %s at %v; trials capped at %s; round 1 fitted to %s; %s\n", o.Budget,
		fit.Calibration.Round(time.Second), fit.Datasets, fit.TrialCap, fit.FirstRound.Round(time.Second), describeCells(fitted))
	for _, c := range fit.Cut {
		fmt.Fprintf(log, "claims: cut: %s\n", c)
	}
	return fitted, nil
}

// cheapest is the first n of list (candidates come cheapest first).
func cheapest(list []string, n int) []string { return list[:min(n, len(list))] }

// candidates are the claims kernels among the selected ones.
func candidates(o run.Options) []string {
	var list []string
	for _, k := range slices.Concat(paper.ShortKernels, paper.LongKernels) {
		if slices.Contains(o.Benchmarks, k) {
			list = append(list, k)
		}
	}
	return list
}

// fitCells chooses the kernels and repetitions within left.
func fitCells(ctx context.Context, o run.Options, b *Builds, exps []string, h history, left time.Duration) run.Options {
	f := o
	f.PerExperiment = map[string]run.ExperimentCells{}
	cost := func(f run.Options, exp string) time.Duration {
		return makePlan(ctx, f, b, []string{exp}, h).Wall - makePlan(ctx, f, b, nil, h).Wall
	}
	// Start-up: 25 reps on every series, on as many kernels as its share
	// allows; two kernels (the independence claim) if they fit in 60 %.
	var startup []string
	for _, k := range o.Benchmarks {
		f.PerExperiment[run.Startup] = run.ExperimentCells{Benchmarks: append(slices.Clone(startup), k), Reps: o.Reps}
		c := cost(f, run.Startup)
		if len(startup) >= 1 && c > time.Duration(startupShare*float64(left)) && (len(startup) >= 2 || c > left*6/10) {
			break
		}
		startup = append(startup, k)
	}
	f.PerExperiment[run.Startup] = run.ExperimentCells{Benchmarks: startup, Reps: o.Reps}
	if !slices.Contains(exps, run.Startup) {
		delete(f.PerExperiment, run.Startup)
	}
	left -= cost(f, run.Startup)
	// Total and prolonged: short and long kernels in pairs, then repetitions.
	short, long := splitAtSecond(o, h)
	var kernels []string
	reps := 0
	for i := 0; i < max(len(short), len(long)); i++ {
		next := slices.Clone(kernels)
		if i < len(short) {
			next = append(next, short[i])
		}
		if i < len(long) {
			next = append(next, long[i])
		}
		r := fitReps(ctx, f, b, exps, h, next, left, cost)
		if r == 0 && len(kernels) == 0 && i < len(short) {
			next = []string{short[i]} // the long kernel does not fit even once: the short side only
			r = fitReps(ctx, f, b, exps, h, next, left, cost)
		}
		if r == 0 || (r < claimsMinReps && len(kernels) > 0) {
			break
		}
		kernels, reps = next, r
		if r < 10 || len(next) < 2*(i+1) {
			break // more kernels would cost repetitions
		}
	}
	if len(kernels) == 0 {
		for _, exp := range []string{run.Total, run.Prolonged} {
			// Nothing fits: no kernels (an empty, non-nil list), and said so.
			f.PerExperiment[exp] = run.ExperimentCells{Benchmarks: []string{}, Series: paper.Series}
		}
		return f
	}
	setWork(&f, exps, kernels, reps)
	return f
}

// fitReps is the most repetitions (≤ the profile's) of the kernels that fit.
func fitReps(ctx context.Context, f run.Options, b *Builds, exps []string, h history, kernels []string, left time.Duration,
	cost func(run.Options, string) time.Duration) int {
	for r := f.Reps; r >= 1; r-- {
		setWork(&f, exps, kernels, r)
		if cost(f, run.Total)+cost(f, run.Prolonged) <= left {
			return r
		}
	}
	return 0
}

// setWork sets the total and prolonged cells: r samples, and r/5 (at least
// one) prolonged processes.
func setWork(f *run.Options, exps, kernels []string, r int) {
	f.PerExperiment = cloneCells(f.PerExperiment)
	for _, exp := range []string{run.Total, run.Prolonged} {
		if !slices.Contains(exps, exp) {
			continue
		}
		reps := r
		if exp == run.Prolonged {
			reps = min(f.ProlongedReps, max(1, r/5))
		}
		f.PerExperiment[exp] = run.ExperimentCells{Benchmarks: kernels, Reps: reps, Series: paper.Series}
	}
}

func cloneCells(m map[string]run.ExperimentCells) map[string]run.ExperimentCells {
	c := make(map[string]run.ExperimentCells, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// splitAtSecond orders the candidates by native:glibc's job time at the
// dataset and splits them at 1 s.
func splitAtSecond(o run.Options, h history) (short, long []string) {
	for _, k := range candidates(o) {
		// Clear of the line on either side: the paper series run at about
		// native speed or slower, so a native job near 1 s may land on either.
		job, ok := h.jobCost(seriesNativeRef, string(o.Dataset), k)
		switch {
		case !ok && slices.Contains(paper.LongKernels, k), ok && job >= paper.LongCutS:
			long = append(long, k)
		case !ok || job < paper.ShortCutS:
			short = append(short, k)
		}
	}
	byJob := func(a, b string) int {
		ja, _ := h.jobCost(seriesNativeRef, string(o.Dataset), a)
		jb, _ := h.jobCost(seriesNativeRef, string(o.Dataset), b)
		return cmp.Compare(ja, jb)
	}
	slices.SortStableFunc(long, byJob)
	return short, long
}

// describeCells says what the claims profile measures (and so what it cut).
func describeCells(o run.Options) string {
	var parts []string
	for _, exp := range run.AllExperiments {
		e, ok := o.PerExperiment[exp]
		if !ok {
			continue
		}
		series := "every series"
		if len(e.Series) > 0 {
			series = "the paper's series + native:glibc"
		}
		parts = append(parts, fmt.Sprintf("%s: %d of %d kernels (%s) × %d reps, %s", exp, len(e.Benchmarks), len(o.Benchmarks),
			strings.Join(e.Benchmarks, ", "), e.Reps, series))
	}
	return strings.Join(parts, "; ")
}

// parseBudget reads RTWASM_BUDGET into o.Budget.
func parseBudget(value string, o *run.Options) error {
	if value == "" {
		return nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return fmt.Errorf("RTWASM_BUDGET=%q: want a positive Go duration such as 90m", value)
	}
	o.Budget = d
	return nil
}

// Remeasure is how to measure one claim of the verdict again with the
// claims profile: the kernels and runtimes its cells need and the
// experiments the command runs (fitted to RTWASM_BUDGET like every claims
// run); start-up claims need no kernel work and run `startup` alone.
type Remeasure struct {
	Claim       string // claim_id in verdict.csv
	Benchmarks  []string
	Runtimes    []string
	Experiments []string
}

// ClaimRemeasures lists a Remeasure for every claim of the verdict.
func ClaimRemeasures() []Remeasure {
	startup := []string{run.Startup}
	one, pair := paper.ShortKernels[:1], []string{paper.ShortKernels[0], paper.LongKernels[0]}
	return []Remeasure{
		{paper.StartupIndependent, pair, paper.Series, startup},
		{paper.FastJITsStartFirst, one, paper.Series, startup},
		{paper.WasmtimeNext, one, paper.Series, startup},
		{paper.LLVMSlowerStart, one, paper.Series, startup},
		{paper.ShortWorst, paper.ShortKernels[:2], paper.Series, run.AllExperiments},
		{paper.LongWin, paper.LongKernels[:2], paper.Series, run.AllExperiments},
		{paper.ProlongedWinners, pair, paper.Series, run.AllExperiments},
		{paper.WasmFasterNative, pair, paper.Series, run.AllExperiments},
		{paper.BinarySize, one, []string{paper.Container, paper.WasmtimeEmbedded}, startup},
	}
}

// Vars are the variables that narrow the claims profile to the claim.
func (r Remeasure) Vars() map[string]string {
	return map[string]string{"RTWASM_PROFILE": ProfileClaims, "RTWASM_BENCHMARKS": strings.Join(r.Benchmarks, ","),
		"RTWASM_RUNTIMES": strings.Join(r.Runtimes, ",")}
}

// Command is the shell command that re-measures the claim and renders the
// new run's report (its verdict.csv judges the claim again).
func (r Remeasure) Command() string {
	target := "all"
	if !slices.Equal(r.Experiments, run.AllExperiments) {
		target = strings.Join(r.Experiments, " ") + " report"
	}
	return fmt.Sprintf("RTWASM_PROFILE=%s RTWASM_BENCHMARKS=%s RTWASM_RUNTIMES=%s go tool mage %s",
		ProfileClaims, strings.Join(r.Benchmarks, ","), strings.Join(r.Runtimes, ","), target)
}

// Estimate is the plan of the run o's options make of the experiments,
// from this host's history alone: nothing is measured or calibrated. Only
// o's runtimes among b's count, and a claims run is first fitted to its
// budget as RunExperiments fits it (without its calibration).
func Estimate(ctx context.Context, o run.Options, b *Builds, exps []string) Plan {
	only := *b
	only.Runtimes = slices.DeleteFunc(slices.Clone(b.Runtimes), func(r runtimes.Runtime) bool {
		return !slices.Contains(o.Runtimes, r.ID()) || !slices.Contains(o.ColdStarts, r.ColdStart())
	})
	h := loadHistory(o.DataDir)
	if o.Profile == ProfileClaims && o.PerExperiment == nil && o.Budget > 0 {
		left := time.Duration(float64(o.Budget) * (1 - budgetReserve))
		if len(h.setup) > 0 {
			left -= time.Duration(meanOf(h.setup) * float64(time.Second))
		}
		o = fitCells(ctx, o, &only, exps, h, left)
	}
	return makePlan(ctx, o, &only, exps, h)
}
