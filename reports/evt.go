package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Measurement-based probabilistic timing analysis: per metric × benchmark ×
// series, the samples in run order are checked for independence (Ljung–Box)
// and identical distribution (two-half Kolmogorov–Smirnov), then split into
// blocks whose maxima are fitted by stats.FitGEV: the GEV by maximum
// likelihood, the Gumbel when the shape is not significant, tested by
// Anderson–Darling. The pWCET at a per-run exceedance probability p is the
// return level at the per-block probability 1 − (1−p)^b, with its CI. A
// fit that fails says so and gives the observed maximum only.
const (
	evtMinBlock   = 5
	evtMinBlocks  = stats.MinMaxima
	evtMinSamples = evtMinBlock * evtMinBlocks
	evtAlpha      = 0.05 // level of the i.i.d. checks
	// evtBootstrap is the parametric-bootstrap size of the fit's
	// goodness-of-fit p-value: each replicate is a refit, so it is kept
	// moderate for render time; its seed is fixed.
	evtBootstrap = 100
)

// exceedanceProbabilities are the per-run probabilities pWCET is given at.
var exceedanceProbabilities = []float64{1e-3, 1e-6, 1e-9}

// evtMetrics are the metrics of the real-time view: the whole job, then startup.
var evtMetrics = []metric{totalMetric, startupMetric}

// EVT outcomes.
const (
	evtFitted   = "fitted"
	evtTooFew   = "too few samples for EVT; observed max only"
	evtRejected = "rejected; observed max only"
)

// evtResult is the real-time view of one cell.
type evtResult struct {
	Metric            metric
	Benchmark, Series string
	N                 int
	Max               float64
	Block, Blocks     int     // block size and number of complete blocks
	LjungBoxP, KSP    float64 // NaN when not computed
	Status            string
	Fit               stats.GEVFit // of the block maxima, when the i.i.d. checks passed
	PWCET             []pwcet      // at exceedanceProbabilities, when fitted
	values            []float64    // in run order
}

// pwcet is one pWCET estimate and its CI (ms).
type pwcet struct{ Value, Low, High float64 }

func (e evtResult) fitted() bool { return e.Status == evtFitted }

func (r *runData) evtResults() []evtResult {
	var list []evtResult
	for _, m := range evtMetrics {
		for _, b := range r.measuredBenchmarks(m.Experiment) {
			for _, series := range r.measuredSeries(m.Experiment) {
				if v := r.runOrderValues(m, b, series); len(v) > 0 {
					e := analyseEVT(v, seedFor("evt", m.Name, b, series))
					e.Metric, e.Benchmark, e.Series = m, b, series
					list = append(list, e)
				}
			}
		}
	}
	return list
}

// runOrderValues returns a cell's values in the order they were measured.
func (r *runData) runOrderValues(m metric, benchmark, series string) []float64 {
	samples := slices.Clone(r.samples(m.Experiment, benchmark, series))
	slices.SortStableFunc(samples, func(a, b run.Sample) int { return cmp.Compare(a.Order, b.Order) })
	var v []float64
	for _, s := range samples {
		if x, ok := m.value(s); ok {
			v = append(v, x)
		}
	}
	return v
}

// blockSize is ⌊√n⌋, but small enough for MinMaxima blocks and at least
// evtMinBlock.
func blockSize(n int) int { return max(evtMinBlock, min(int(math.Sqrt(float64(n))), n/evtMinBlocks)) }

// analyseEVT checks and fits values given in run order.
func analyseEVT(values []float64, seed uint64) evtResult {
	e := evtResult{N: len(values), Max: slices.Max(values), Block: blockSize(len(values)),
		LjungBoxP: math.NaN(), KSP: math.NaN(), values: values}
	e.Blocks = e.N / e.Block
	if e.N < evtMinSamples || e.Blocks < evtMinBlocks {
		e.Status = evtTooFew
		return e
	}
	e.LjungBoxP = ljungBox(values, ljungBoxLags(e.N))
	e.KSP = twoHalfKS(values)
	var failed []string
	if e.LjungBoxP < evtAlpha {
		failed = append(failed, "independence (Ljung–Box p = "+formatP(e.LjungBoxP)+")")
	}
	if e.KSP < evtAlpha {
		failed = append(failed, "identical distribution (two-half KS p = "+formatP(e.KSP)+")")
	}
	if len(failed) > 0 {
		e.Status = strings.Join(failed, " and ") + " " + evtRejected
		return e
	}
	e.Fit = stats.FitGEV(blockMaxima(values, e.Block), stats.GEVOptions{Alpha: evtAlpha, Bootstrap: evtBootstrap, Seed: seed})
	if e.Fit.Status != stats.Fitted {
		e.Status = "fit " + e.Fit.Status.String() + "; observed max only"
		return e
	}
	e.Status = evtFitted
	for _, p := range exceedanceProbabilities {
		v, lo, hi := e.Fit.ReturnLevel(stats.PerBlock(p, e.Block))
		e.PWCET = append(e.PWCET, pwcet{v, lo, hi})
	}
	return e
}

// family names the fitted model: "GEV (ξ = 0.12)" or "Gumbel".
func (e evtResult) family() string {
	if e.Fit.Gumbel {
		return "Gumbel"
	}
	return fmt.Sprintf("GEV (ξ = %.3g)", e.Fit.Model.Xi)
}

// blockMaxima are the maxima of consecutive blocks of size b; a last
// incomplete block is dropped.
func blockMaxima(values []float64, b int) []float64 {
	var maxima []float64
	for i := 0; i+b <= len(values); i += b {
		maxima = append(maxima, slices.Max(values[i:i+b]))
	}
	return maxima
}

// ljungBoxLags is min(10, n/5).
func ljungBoxLags(n int) int { return max(1, min(10, n/5)) }

// ljungBox is the p-value of the Ljung–Box test of no autocorrelation up to
// lag h: Q = n(n+2)Σρₖ²/(n−k), χ² with h degrees of freedom.
func ljungBox(x []float64, h int) float64 {
	n := float64(len(x))
	mean := stat.Mean(x, nil)
	var denom float64
	for _, v := range x {
		denom += (v - mean) * (v - mean)
	}
	if denom == 0 {
		return 1
	}
	q := 0.0
	for k := 1; k <= h; k++ {
		var num float64
		for t := 0; t+k < len(x); t++ {
			num += (x[t] - mean) * (x[t+k] - mean)
		}
		rho := num / denom
		q += rho * rho / (n - float64(k))
	}
	q *= n * (n + 2)
	return distuv.ChiSquared{K: float64(h)}.Survival(q)
}

// twoHalfKS is the asymptotic p-value of the two-sample Kolmogorov–Smirnov
// test between the first and second half of x (run order).
func twoHalfKS(x []float64) float64 {
	first, second := slices.Clone(x[:len(x)/2]), slices.Clone(x[len(x)/2:])
	slices.Sort(first)
	slices.Sort(second)
	d := stat.KolmogorovSmirnov(first, nil, second, nil)
	n1, n2 := float64(len(first)), float64(len(second))
	ne := math.Sqrt(n1 * n2 / (n1 + n2))
	return kolmogorovQ((ne + 0.12 + 0.11/ne) * d)
}

// kolmogorovQ is the survival function of the Kolmogorov distribution,
// Q(λ) = 2Σ(−1)^(k−1)e^(−2k²λ²) (Stephens' small-sample correction is
// applied by the caller).
func kolmogorovQ(lambda float64) float64 {
	if lambda < 0.2 {
		return 1
	}
	sum := 0.0
	for k := 1; k <= 100; k++ {
		term := math.Exp(-2 * float64(k*k) * lambda * lambda)
		if k%2 == 0 {
			term = -term
		}
		sum += term
		if math.Abs(term) < 1e-12 {
			break
		}
	}
	return max(0, min(1, 2*sum))
}

var evtHeader = []string{"metric", "benchmark", "series", "n", "observed_max_ms", "block_size", "blocks",
	"ljung_box_p", "two_half_ks_p", "status", "model", "gev_mu_ms", "gev_sigma_ms", "gev_xi", "xi_zero_p", "anderson_darling_p",
	"pwcet_1e-3_ms", "pwcet_1e-3_ci_low_ms", "pwcet_1e-3_ci_high_ms", "pwcet_1e-6_ms", "pwcet_1e-6_ci_low_ms", "pwcet_1e-6_ci_high_ms",
	"pwcet_1e-9_ms", "pwcet_1e-9_ci_low_ms", "pwcet_1e-9_ci_high_ms"}

func (e evtResult) fields() []string {
	f := []string{e.Metric.Name, e.Benchmark, e.Series, strconv.Itoa(e.N), formatMS(e.Max), strconv.Itoa(e.Block),
		strconv.Itoa(e.Blocks), formatP(e.LjungBoxP), formatP(e.KSP), e.Status}
	if !e.fitted() {
		return append(f, make([]string, len(evtHeader)-len(f))...)
	}
	model := "GEV"
	if e.Fit.Gumbel {
		model = "Gumbel"
	}
	g := e.Fit.Model
	f = append(f, model, formatMS(g.Mu), formatMS(g.Sigma), strconv.FormatFloat(g.Xi, 'g', 4, 64), formatP(e.Fit.XiP), formatP(e.Fit.ADP))
	for _, x := range e.PWCET {
		f = append(f, formatMS(x.Value), formatMS(x.Low), formatMS(x.High))
	}
	return f
}
