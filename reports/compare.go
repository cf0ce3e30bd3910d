package reports

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Pairwise comparisons: per metric and benchmark, every series against the
// best (lowest-median) series, by a Mann–Whitney U test and the ratio of
// medians with a percentile bootstrap 95% CI.
const (
	bootstrapResamples = 1000
	bootstrapSeed      = 20240305 // fixed, so the report is reproducible
	significance       = 0.05
)

// comparedMetrics are the metrics compared pairwise.
var comparedMetrics = []metric{startupMetric, totalMetric}

// comparison is one series against its benchmark's best series.
type comparison struct {
	Metric                     metric
	Benchmark, Series, Best    string
	N, BestN                   int
	Median, BestMedian         float64
	Ratio, RatioLow, RatioHigh float64 // median(series)/median(best) and its bootstrap 95% CI
	U, P                       float64 // Mann–Whitney U of series vs best, two-sided p-value
	MinP                       float64 // smallest p-value these sample sizes allow
}

func (r *runData) comparisons() []comparison {
	var list []comparison
	for _, m := range comparedMetrics {
		for _, b := range r.measuredBenchmarks(m.Experiment) {
			list = append(list, r.compareBenchmark(m, b)...)
		}
	}
	return list
}

// compareBenchmark compares every measured series with the one of lowest
// median (the first in series order on a tie).
func (r *runData) compareBenchmark(m metric, benchmark string) []comparison {
	samples := map[string][]float64{}
	var measured []string
	for _, series := range r.measuredSeries(m.Experiment) {
		if v := r.values(m, benchmark, series); len(v) > 0 {
			samples[series] = v
			measured = append(measured, series)
		}
	}
	if len(measured) < 2 {
		return nil
	}
	best := slices.MinFunc(measured, func(a, b string) int { return cmp.Compare(median(samples[a]), median(samples[b])) })
	var list []comparison
	for _, series := range measured {
		if series == best {
			continue
		}
		x, y := samples[series], samples[best]
		c := comparison{Metric: m, Benchmark: benchmark, Series: series, Best: best, N: len(x), BestN: len(y),
			Median: median(x), BestMedian: median(y), MinP: minimumP(len(x), len(y))}
		c.Ratio = c.Median / c.BestMedian
		c.RatioLow, c.RatioHigh = bootstrapRatioCI(x, y, seedFor(m.Name, benchmark, series))
		c.U, c.P = mannWhitney(x, y)
		list = append(list, c)
	}
	return list
}

// Significant reports whether both the test and the CI show a difference.
func (c comparison) Significant() bool {
	return c.P < significance && (c.RatioLow > 1 || c.RatioHigh < 1)
}

// mannWhitney returns U of x against y (pairs with x > y, ties counting
// one half) and the two-sided p-value of the normal approximation with tie
// and continuity correction.
func mannWhitney(x, y []float64) (u, p float64) {
	n1, n2 := float64(len(x)), float64(len(y))
	all := append(slices.Clone(x), y...)
	ranks, tieTerm := midRanks(all)
	rankSumX := 0.0
	for i := range x {
		rankSumX += ranks[i]
	}
	u = rankSumX - n1*(n1+1)/2
	n := n1 + n2
	variance := n1 * n2 / 12 * ((n + 1) - tieTerm/(n*(n-1)))
	if variance <= 0 {
		return u, 1
	}
	z := max(0, math.Abs(u-n1*n2/2)-0.5) / math.Sqrt(variance)
	return u, min(1, 2*distuv.UnitNormal.Survival(z))
}

// midRanks ranks values from 1, ties sharing their mean rank, and returns
// Σ(t³−t) over groups of t tied values.
func midRanks(values []float64) (ranks []float64, tieTerm float64) {
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(values[a], values[b]) })
	ranks = make([]float64, len(values))
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && values[order[end]] == values[order[start]] {
			end++
		}
		for _, i := range order[start:end] {
			ranks[i] = float64(start+end+1) / 2
		}
		t := float64(end - start)
		tieTerm += t*t*t - t
		start = end
	}
	return ranks, tieTerm
}

// minimumP is the p-value of the most extreme outcome (U = 0, no ties):
// with few samples even a complete separation is not significant.
func minimumP(n1, n2 int) float64 {
	_, p := mannWhitney(sequence(0, n1), sequence(float64(n1), n2))
	return p
}

func sequence(from float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = from + float64(i)
	}
	return s
}

// bootstrapRatioCI is the percentile bootstrap 95% CI of median(x)/median(y),
// resampling x and y independently with a fixed seed.
func bootstrapRatioCI(x, y []float64, seed uint64) (low, high float64) {
	rng := rand.New(rand.NewPCG(bootstrapSeed, seed))
	ratios := make([]float64, 0, bootstrapResamples)
	bx, by := make([]float64, len(x)), make([]float64, len(y))
	for range bootstrapResamples {
		resample(rng, x, bx)
		resample(rng, y, by)
		if my := sortedMedian(by); my > 0 {
			ratios = append(ratios, sortedMedian(bx)/my)
		}
	}
	if len(ratios) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(ratios)
	return stat.Quantile(0.025, stat.LinInterp, ratios, nil), stat.Quantile(0.975, stat.LinInterp, ratios, nil)
}

// sortedMedian sorts v in place and returns its median.
func sortedMedian(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func resample(rng *rand.Rand, from, into []float64) {
	for i := range into {
		into[i] = from[rng.IntN(len(from))]
	}
}

// seedFor gives every comparison its own bootstrap stream, independent of
// the order in which comparisons are computed.
func seedFor(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

var comparisonHeader = []string{"metric", "benchmark", "series", "best_series", "n", "best_n", "median_ms", "best_median_ms",
	"ratio", "ratio_ci95_low", "ratio_ci95_high", "mann_whitney_u", "p_value", "min_attainable_p"}

func (c comparison) fields() []string {
	return []string{c.Metric.Name, c.Benchmark, c.Series, c.Best, strconv.Itoa(c.N), strconv.Itoa(c.BestN),
		formatMS(c.Median), formatMS(c.BestMedian), formatRatio(c.Ratio), formatRatio(c.RatioLow), formatRatio(c.RatioHigh),
		strconv.FormatFloat(c.U, 'f', 1, 64), formatP(c.P), formatP(c.MinP)}
}

func formatP(p float64) string {
	if math.IsNaN(p) {
		return ""
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}

func pairwiseSection(list []comparison) section {
	c := section{ID: "pairwise", Heading: headingPairwise}
	if len(list) == 0 {
		c.Empty = "No benchmark has two series with startup or total samples to compare."
		return c
	}
	c.Paragraphs = []string{
		fmt.Sprintf("For startup and total time, each series is compared with the benchmark's best series (lowest median): "+
			"a two-sided Mann–Whitney U test (normal approximation with tie and continuity correction) and the ratio of medians "+
			"with a percentile bootstrap 95%% CI (%d resamples, fixed seed). Also in pairwise.csv.", bootstrapResamples),
		pairwiseNarrative(list),
	}
	for _, m := range comparedMetrics {
		t := table{Caption: fmt.Sprintf("%s: each series vs the best series per benchmark", m.Experiment),
			Header: []string{"Benchmark", "Series", "n", "Median (ms)", "Best series", "Best median (ms)", "Ratio", "Ratio 95% CI", "U", "p", "Significant"}}
		for _, x := range list {
			if x.Metric.Name == m.Name {
				t.Rows = append(t.Rows, []string{x.Benchmark, x.Series, strconv.Itoa(x.N), formatMS(x.Median), x.Best, formatMS(x.BestMedian),
					formatRatio(x.Ratio), "[" + formatRatio(x.RatioLow) + ", " + formatRatio(x.RatioHigh) + "]",
					strconv.FormatFloat(x.U, 'f', 1, 64), formatP(x.P), significanceText(x)})
			}
		}
		if len(t.Rows) > 0 {
			c.Tables = append(c.Tables, t)
		}
	}
	return c
}

func significanceText(c comparison) string {
	switch {
	case c.MinP >= significance:
		return "too few samples"
	case c.Significant():
		return "yes"
	default:
		return "no"
	}
}

func pairwiseNarrative(list []comparison) string {
	significant, tooFew := 0, 0
	for _, c := range list {
		if c.Significant() {
			significant++
		}
		if c.MinP >= significance {
			tooFew++
		}
	}
	text := fmt.Sprintf("%d of %d comparisons differ at the 5%% level (p < 0.05 and a ratio CI that excludes 1); "+
		"p-values are not corrected for multiple comparisons.", significant, len(list))
	if tooFew > 0 {
		text += fmt.Sprintf(" In %d comparisons the samples are too few for any p-value below 0.05 (e.g. 3 against 3 samples "+
			"cannot go below %s), so only the ratio and its CI are informative there.", tooFew, formatP(minimumP(3, 3)))
	}
	return text
}
