package reports

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// The tail analysis is for runs made to feed it (RTWASM_PROFILE=tail): per
// metric × benchmark × series × stress condition with at least
// tailMinSamples samples, the samples in run order must pass the MBPTA
// gates before anything is fitted: Ljung–Box with 20 lags (independence)
// and KS between the two halves of the run (identical distribution). A cell
// that fails a gate is not fitted and the failing gates are named. A cell
// that passes is fitted twice: block maxima of ⌊√n⌋ samples to a GEV
// (stats.FitGEV: Gumbel unless the shape is significant, Anderson–Darling
// checked), whose budget at a per-run exceedance probability p is the
// return level at the per-block probability 1 − (1−p)^b, with its CI; and
// MBPTA-CV (stats.FitCV: the tail's excesses must have a coefficient of
// variation of at most 1, i.e. be no heavier than exponential), whose
// bound is the exponential tail's level at p.
//
// Minimum counts: tailMinSamples (200) samples for a cell; stats.MinMaxima
// (10) block maxima for the GEV; stats.MinExceedances (50) excesses in the
// top 10% for MBPTA-CV, hence 500 samples. Ljung–Box on the block maxima is
// shown beside, not gated on: it says whether blocking alone would have
// made the maxima independent.
const (
	tailMinSamples      = 200 // fewer: the real-time view covers the cell
	tailGoFReplicates   = 100 // parametric bootstrap of the AD p-value
	tailRatioReplicates = 200 // bootstrap replicates of a ratio's CI
	tailQuantile        = 0.99
	pooledKernels       = "all kernels"
)

// jobMetric is one job of the prolonged test after the first (the first
// carries the warm-up; startup covers the cold path).
var jobMetric = metric{run.Prolonged, "job", "one job of the prolonged test (init+kernel), iterations ≥ 2", jobMS}

func jobMS(s run.Sample) (float64, bool) {
	if s.Iteration < 2 {
		return 0, false
	}
	return iterationMS(s), true
}

var tailMetrics = []metric{startupMetric, jobMetric}

// interval is an estimate with its confidence interval.
type interval struct{ V, Low, High float64 }

// tailCell is the tail of one metric × benchmark × series × condition.
type tailCell struct {
	Metric                    metric
	Benchmark, Series, Stress string
	N, Block                  int
	Max, P99, P999, Median    float64
	RawLBP, MaximaLBP, KSP    float64
	Gates                     []string // the MBPTA gates failed; none: fitted
	Fit                       stats.GEVFit
	Status                    string
	Budget                    []interval // at exceedanceProbabilities, when fitted
	CV                        stats.CVFit
	CVStatus                  string
	CVBound                   []float64 // MBPTA-CV's bound at exceedanceProbabilities, when its check passed
	values, maxima            []float64 // in run order
}

func (c tailCell) fitted() bool { return len(c.Budget) > 0 }

// stressOf is a row's condition; rows from before the column say none.
func stressOf(s run.Sample) string {
	if s.Stress == "" {
		return "none"
	}
	return s.Stress
}

// conditions lists the stress conditions of the ok rows, none first.
func (r *runData) conditions() []string {
	var list []string
	for _, s := range r.ok {
		if !slices.Contains(list, stressOf(s)) {
			list = append(list, stressOf(s))
		}
	}
	rank := func(s string) int {
		if s == "none" {
			return 0
		}
		return 1
	}
	slices.SortFunc(list, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b)) })
	return list
}

// tailValues are the metric's values of one condition in run order; an
// empty benchmark pools all benchmarks.
func (r *runData) tailValues(m metric, benchmark, series, stress string) []float64 {
	var rows []run.Sample
	for _, s := range r.samples(m.Experiment, benchmark, series) {
		if stressOf(s) == stress {
			rows = append(rows, s)
		}
	}
	slices.SortStableFunc(rows, func(a, b run.Sample) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Iteration, b.Iteration))
	})
	var v []float64
	for _, s := range rows {
		if x, ok := m.value(s); ok {
			v = append(v, x)
		}
	}
	return v
}

// tailCells analyses every cell with enough samples: startup pooled per
// series first (start-up does no kernel work), then per kernel.
func (r *runData) tailCells() []tailCell {
	var list []tailCell
	add := func(m metric, benchmark, label, series, stress string) {
		if v := r.tailValues(m, benchmark, series, stress); len(v) >= tailMinSamples {
			c := analyseTail(v, seedFor(m.Name, label, series, stress))
			c.Metric, c.Benchmark, c.Series, c.Stress = m, label, series, stress
			list = append(list, c)
		}
	}
	for _, m := range tailMetrics {
		for _, stress := range r.conditions() {
			for _, series := range r.measuredSeries(m.Experiment) {
				if m.Name == startupMetric.Name && len(r.measuredBenchmarks(m.Experiment)) > 1 {
					add(m, "", pooledKernels, series, stress)
				}
				for _, b := range r.measuredBenchmarks(m.Experiment) {
					add(m, b, b, series, stress)
				}
			}
		}
	}
	return list
}

// analyseTail gates and fits values given in run order.
func analyseTail(values []float64, seed uint64) tailCell {
	c := tailCell{N: len(values), Max: slices.Max(values), P99: stats.Quantile(values, tailQuantile),
		P999: stats.Quantile(values, 0.999), Median: stats.Quantile(values, 0.5), Block: stats.BlockSize(len(values), evtMinBlock), values: values}
	c.maxima = stats.BlockMaxima(values, c.Block)
	check := stats.CheckIID(values, evtAlpha)
	c.RawLBP, c.KSP = check.LjungBoxP, check.KSP
	c.MaximaLBP = stats.LjungBox(c.maxima, stats.LagsFor(len(c.maxima)))
	c.Gates = iidFailures(check)
	if len(c.Gates) > 0 {
		c.Status = "not fitted: fails " + strings.Join(c.Gates, " and ") + "; observed max only"
		c.CVStatus = "not fitted (gates)"
		return c
	}
	c.CV = stats.FitCV(values, evtAlpha)
	c.CVStatus = cvStatus(c.CV)
	if c.CV.OK {
		for _, p := range exceedanceProbabilities {
			c.CVBound = append(c.CVBound, c.CV.Bound(p))
		}
	}
	c.Fit = stats.FitGEV(c.maxima, stats.GEVOptions{Bootstrap: tailGoFReplicates, Seed: seed})
	if c.Fit.Status != stats.Fitted {
		c.Status = c.Fit.Status.String() + "; observed max only"
		return c
	}
	c.Status = "fitted (" + familyOf(c.Fit) + ")"
	for _, p := range exceedanceProbabilities {
		v, lo, hi := c.Fit.ReturnLevel(stats.PerBlock(p, c.Block))
		c.Budget = append(c.Budget, interval{v, lo, hi})
	}
	return c
}

func cvStatus(f stats.CVFit) string {
	if !f.OK {
		verdict := "rejected: "
		if f.K == 0 { // too few samples: the check was not made
			verdict = "not applied: "
		}
		return verdict + strings.TrimPrefix(f.Err.Error(), "stats: ")
	}
	return fmt.Sprintf("exponential tail (CV = %.2f ≤ 1 + %.2f, top %d)", f.CV, f.Band, f.K)
}

func familyOf(f stats.GEVFit) string {
	if f.Gumbel {
		return "Gumbel"
	}
	return fmt.Sprintf("GEV, ξ = %.2f", f.Model.Xi)
}

// perRunExceedance is the fitted probability that one run exceeds x.
func (c tailCell) perRunExceedance(x float64) float64 {
	return stats.PerRun(c.Fit.Model.Survival(x), c.Block)
}

// tailRatio compares one cell under interference with the same cell
// without: ratios of p99 and of the budget at 1e-6, with percentile
// bootstrap CIs (samples resampled for p99; block maxima resampled and
// refitted for the budget).
type tailRatio struct {
	Metric                    metric
	Benchmark, Series, Stress string
	Base, Loaded              tailCell
	P99, Budget               interval // Budget NaN unless both cells are fitted
}

// budgetIndex is the probability the interference ratio uses: 1e-6.
const budgetIndex = 1

func (r *runData) tailRatios(cells []tailCell) []tailRatio {
	var list []tailRatio
	for _, loaded := range cells {
		if loaded.Stress == "none" {
			continue
		}
		i := slices.IndexFunc(cells, func(c tailCell) bool {
			return c.Stress == "none" && c.Metric.Name == loaded.Metric.Name && c.Benchmark == loaded.Benchmark && c.Series == loaded.Series
		})
		if i < 0 {
			continue
		}
		base := cells[i]
		rng := rand.New(rand.NewPCG(seedFor("ratio", loaded.Metric.Name, loaded.Benchmark, loaded.Series, loaded.Stress), 7))
		t := tailRatio{Metric: loaded.Metric, Benchmark: loaded.Benchmark, Series: loaded.Series, Stress: loaded.Stress, Base: base, Loaded: loaded,
			P99:    bootstrapRatio(rng, base.values, loaded.values, func(v []float64) float64 { return stats.Quantile(v, tailQuantile) }),
			Budget: interval{math.NaN(), math.NaN(), math.NaN()}}
		if base.fitted() && loaded.fitted() {
			p := exceedanceProbabilities[budgetIndex]
			ci := bootstrapRatioOf(rng, base.maxima, loaded.maxima, refitLevel(base, p), refitLevel(loaded, p))
			t.Budget = interval{loaded.Budget[budgetIndex].V / base.Budget[budgetIndex].V, ci.Low, ci.High}
		}
		list = append(list, t)
	}
	return list
}

// refitLevel returns the function that refits resampled block maxima in
// the family the cell's own fit chose (Gumbel by ML, or the full GEV) and
// gives the per-run level at p. Opinion: re-running the Gumbel-or-GEV
// choice on every resample mixes two models and turns a 1e-6 level into
// noise; the CI is conditional on the chosen family.
func refitLevel(c tailCell, p float64) func([]float64) float64 {
	pb := stats.PerBlock(p, c.Block)
	if c.Fit.Gumbel {
		return func(maxima []float64) float64 {
			g, err := stats.FitGumbel(maxima)
			if err != nil {
				return math.NaN()
			}
			return g.ReturnLevel(pb)
		}
	}
	return func(maxima []float64) float64 {
		f := stats.FitGEV(maxima, stats.GEVOptions{Bootstrap: 1})
		if f.Status == stats.NotConverged || f.Status == stats.TooFew {
			return math.NaN()
		}
		return f.Full.ReturnLevel(pb)
	}
}

func bootstrapRatio(rng *rand.Rand, base, loaded []float64, stat func([]float64) float64) interval {
	ci := bootstrapRatioOf(rng, base, loaded, stat, stat)
	ci.V = stat(loaded) / stat(base)
	return ci
}

// bootstrapRatioOf is the 95% percentile CI of statL(loaded*)/statB(base*).
func bootstrapRatioOf(rng *rand.Rand, base, loaded []float64, statB, statL func([]float64) float64) interval {
	lo, hi := stats.BootstrapRatioCI(rng, base, loaded, statB, statL, 0.95, tailRatioReplicates)
	return interval{math.NaN(), lo, hi}
}

var tailHeader = []string{"metric", "benchmark", "series", "stress", "n", "observed_max_ms", "p99_ms", "block_size",
	"ljung_box_raw_p", "ljung_box_maxima_p", "two_half_ks_p", "gates_failed", "status",
	"budget_1e-3_ms", "budget_1e-3_low", "budget_1e-3_high", "budget_1e-6_ms", "budget_1e-6_low", "budget_1e-6_high",
	"budget_1e-9_ms", "budget_1e-9_low", "budget_1e-9_high",
	"mbpta_cv_status", "mbpta_cv", "mbpta_cv_tail", "mbpta_cv_1e-3_ms", "mbpta_cv_1e-6_ms", "mbpta_cv_1e-9_ms"}

func (c tailCell) fields() []string {
	f := []string{c.Metric.Name, c.Benchmark, c.Series, c.Stress, strconv.Itoa(c.N), formatMS(c.Max), formatMS(c.P99),
		strconv.Itoa(c.Block), formatP(c.RawLBP), formatP(c.MaximaLBP), formatP(c.KSP), strings.Join(c.Gates, "; "), c.Status}
	for i := range exceedanceProbabilities {
		if !c.fitted() {
			f = append(f, "", "", "")
			continue
		}
		f = append(f, formatMS(c.Budget[i].V), formatMS(c.Budget[i].Low), formatMS(c.Budget[i].High))
	}
	f = append(f, c.CVStatus, "", "")
	if c.CV.K > 0 {
		f[len(f)-2], f[len(f)-1] = strconv.FormatFloat(c.CV.CV, 'f', 3, 64), strconv.Itoa(c.CV.K)
	}
	for i := range exceedanceProbabilities {
		if c.CVBound == nil {
			f = append(f, "")
			continue
		}
		f = append(f, formatMS(c.CVBound[i]))
	}
	return f
}

var ratioHeader = []string{"metric", "benchmark", "series", "stress", "p99_none_ms", "p99_stress_ms", "p99_ratio", "p99_ratio_low", "p99_ratio_high",
	"budget_1e-6_none_ms", "budget_1e-6_stress_ms", "budget_ratio", "budget_ratio_low", "budget_ratio_high"}

func (t tailRatio) fields() []string {
	budget := func(c tailCell) string {
		if !c.fitted() {
			return ""
		}
		return formatMS(c.Budget[budgetIndex].V)
	}
	return []string{t.Metric.Name, t.Benchmark, t.Series, t.Stress, formatMS(t.Base.P99), formatMS(t.Loaded.P99),
		formatRatio(t.P99.V), formatRatio(t.P99.Low), formatRatio(t.P99.High),
		budget(t.Base), budget(t.Loaded), formatRatio(t.Budget.V), formatRatio(t.Budget.Low), formatRatio(t.Budget.High)}
}
