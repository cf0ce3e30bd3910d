package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

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

// analyseEVT checks and fits values given in run order.
func analyseEVT(values []float64, seed uint64) evtResult {
	e := evtResult{N: len(values), Max: slices.Max(values), Block: stats.BlockSize(len(values), evtMinBlock),
		LjungBoxP: math.NaN(), KSP: math.NaN(), values: values}
	e.Blocks = e.N / e.Block
	if e.N < evtMinSamples || e.Blocks < evtMinBlocks {
		e.Status = evtTooFew
		return e
	}
	check := stats.CheckIID(values, evtAlpha)
	e.LjungBoxP, e.KSP = check.LjungBoxP, check.KSP
	if failed := iidFailures(check); len(failed) > 0 {
		e.Status = strings.Join(failed, " and ") + " " + evtRejected
		return e
	}
	e.Fit = stats.FitGEV(stats.BlockMaxima(values, e.Block), stats.GEVOptions{Alpha: evtAlpha, Bootstrap: evtBootstrap, Seed: seed})
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

// iidFailures names the i.i.d. checks values failed, with their p-values:
// the real-time view and the tail analysis gate on the same two checks.
func iidFailures(c stats.IIDCheck) []string {
	var failed []string
	if !c.Independent() {
		failed = append(failed, fmt.Sprintf("independence (Ljung–Box, %d lags, p = %s)", c.Lags, formatP(c.LjungBoxP)))
	}
	if !c.IdenticallyDistributed() {
		failed = append(failed, "identical distribution (two-half KS p = "+formatP(c.KSP)+")")
	}
	return failed
}

// family names the fitted model: "GEV (ξ = 0.12)" or "Gumbel".
func (e evtResult) family() string {
	if e.Fit.Gumbel {
		return "Gumbel"
	}
	return fmt.Sprintf("GEV (ξ = %.3g)", e.Fit.Model.Xi)
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
