package reports

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/rtwasm/rtwasm/run"
)

// Measurement-based probabilistic timing analysis: per metric × benchmark ×
// series, the samples in run order are checked for independence (Ljung–Box)
// and identical distribution (two-half Kolmogorov–Smirnov), then split into
// blocks whose maxima are fitted to a Gumbel distribution by maximum
// likelihood. The pWCET at a per-run exceedance probability p is the x with
// 1 − G(x)^(1/b) = p for block size b.
const (
	evtMinSamples = 20
	evtMinBlocks  = 5
	evtMinBlock   = 5
	evtAlpha      = 0.05 // level of the i.i.d. checks
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
	Fit               distuv.GumbelRight // of the block maxima, when fitted
	PWCET             []float64          // at exceedanceProbabilities, when fitted
	values            []float64          // in run order
}

func (e evtResult) fitted() bool { return e.Status == evtFitted }

func (r *runData) evtResults() []evtResult {
	var list []evtResult
	for _, m := range evtMetrics {
		for _, b := range r.measuredBenchmarks(m.Experiment) {
			for _, series := range r.measuredSeries(m.Experiment) {
				if v := r.runOrderValues(m, b, series); len(v) > 0 {
					e := analyseEVT(v)
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

// blockSize is ⌊√n⌋, at least evtMinBlock.
func blockSize(n int) int { return max(evtMinBlock, int(math.Sqrt(float64(n)))) }

// analyseEVT checks and fits values given in run order.
func analyseEVT(values []float64) evtResult {
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
	e.Status = evtFitted
	e.Fit = fitGumbel(blockMaxima(values, e.Block))
	for _, p := range exceedanceProbabilities {
		e.PWCET = append(e.PWCET, pWCET(e.Fit, e.Block, p))
	}
	return e
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

// pWCET is the time exceeded with probability p per run: G(x) = (1−p)^b,
// written so that it stays exact for p far below machine epsilon.
func pWCET(g distuv.GumbelRight, b int, p float64) float64 {
	return g.Mu - g.Beta*math.Log(-float64(b)*math.Log1p(-p))
}

// exceedance is the fitted per-run probability of exceeding x.
func exceedance(g distuv.GumbelRight, b int, x float64) float64 {
	return -math.Expm1(math.Log(g.CDF(x)) / float64(b))
}

// fitGumbel fits a Gumbel (max) distribution by maximum likelihood: β
// solves β = x̄ − Σxᵢe^(−xᵢ/β) / Σe^(−xᵢ/β), found by bisection on
// (0, x̄ − min], then μ = −β·ln(mean(e^(−xᵢ/β))). Constant data give β = 0.
func fitGumbel(x []float64) distuv.GumbelRight {
	lo, mean := slices.Min(x), stat.Mean(x, nil)
	// weighted is Σxᵢwᵢ/Σwᵢ and the mean of wᵢ, with wᵢ = e^(−(xᵢ−lo)/β) to avoid underflow.
	weighted := func(beta float64) (wmean, wavg float64) {
		var sw, swx float64
		for _, v := range x {
			w := math.Exp(-(v - lo) / beta)
			sw += w
			swx += w * v
		}
		return swx / sw, sw / float64(len(x))
	}
	a, b := 0.0, mean-lo
	if b <= 0 {
		return distuv.GumbelRight{Mu: lo, Beta: 0}
	}
	for range 200 {
		mid := (a + b) / 2
		if wm, _ := weighted(mid); mid-mean+wm < 0 {
			a = mid
		} else {
			b = mid
		}
	}
	beta := (a + b) / 2
	_, wavg := weighted(beta)
	return distuv.GumbelRight{Mu: lo - beta*math.Log(wavg), Beta: beta}
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
	"ljung_box_p", "two_half_ks_p", "status", "gumbel_mu_ms", "gumbel_beta_ms", "pwcet_1e-3_ms", "pwcet_1e-6_ms", "pwcet_1e-9_ms"}

func (e evtResult) fields() []string {
	f := []string{e.Metric.Name, e.Benchmark, e.Series, strconv.Itoa(e.N), formatMS(e.Max), strconv.Itoa(e.Block),
		strconv.Itoa(e.Blocks), formatP(e.LjungBoxP), formatP(e.KSP), e.Status}
	if !e.fitted() {
		return append(f, "", "", "", "", "")
	}
	f = append(f, formatMS(e.Fit.Mu), formatMS(e.Fit.Beta))
	for _, x := range e.PWCET {
		f = append(f, formatMS(x))
	}
	return f
}
