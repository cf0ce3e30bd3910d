package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/stats"
)

// Pairwise comparisons: per metric and benchmark, every series against the
// best (lowest-median) series, judged by stats.CompareFamily in one of
// three words — tied (the ratio's CI inside the benchmark's equivalence
// margin), different (Mann–Whitney, Holm-corrected over the metric's
// table) or undecided (with the samples per side that would decide it).
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
	Ratio, RatioLow, RatioHigh float64 // stats.Median(series)/stats.Median(best) and its bootstrap 90% CI (TOST)
	Margin                     float64 // equivalence margin (fraction)
	U, P, PHolm                float64 // Mann–Whitney U of series vs best, raw and Holm-adjusted p
	Verdict                    stats.Verdict
	SamplesNeeded              int // per side, when undecided and estimable
}

// comparisons judges every metric's table as one Holm family, with the
// margins the noise floor sets per benchmark.
func (r *runData) comparisons(noise runNoise) []comparison {
	var list []comparison
	for _, m := range comparedMetrics {
		var family []comparison
		var pairs []stats.Pair
		for _, b := range r.measuredBenchmarks(m.Experiment) {
			for _, c := range r.compareBenchmark(m, b) {
				c.Margin = noise.jobMargin(b)
				family = append(family, c)
				pairs = append(pairs, stats.Pair{Name: m.Name + "\x00" + b + "\x00" + c.Series,
					A: r.values(m, b, c.Series), B: r.values(m, b, c.Best), Margin: c.Margin})
			}
		}
		for i, res := range stats.CompareFamily(pairs, statsOptions) {
			c := &family[i]
			c.Ratio, c.RatioLow, c.RatioHigh = res.Ratio, res.Low, res.High
			c.U, c.P, c.PHolm, c.Verdict, c.SamplesNeeded = res.U, res.P, res.PHolm, res.Verdict, res.SamplesNeeded
		}
		list = append(list, family...)
	}
	return list
}

// compareBenchmark lists every measured series against the one of lowest
// median (the first in series order on a tie); CompareFamily judges them.
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
	best := slices.MinFunc(measured, func(a, b string) int { return cmp.Compare(stats.Median(samples[a]), stats.Median(samples[b])) })
	var list []comparison
	for _, series := range measured {
		if series != best {
			list = append(list, comparison{Metric: m, Benchmark: benchmark, Series: series, Best: best,
				N: len(samples[series]), BestN: len(samples[best]), Median: stats.Median(samples[series]), BestMedian: stats.Median(samples[best])})
		}
	}
	return list
}

// Significant reports whether the comparison found a difference.
func (c comparison) Significant() bool { return c.Verdict == stats.Different }

// verdictText is the comparison's word, with the sample size an undecided
// one would need.
func verdictText(v stats.Verdict, needed int) string {
	if v == stats.Undecided && needed > 0 {
		return fmt.Sprintf("undecided (more samples needed: about %s)", formatCount(needed))
	}
	return v.String()
}

var comparisonHeader = []string{"metric", "benchmark", "series", "best_series", "n", "best_n", "median_ms", "best_median_ms",
	"ratio", "ratio_ci90_low", "ratio_ci90_high", "margin", "mann_whitney_u", "p_value", "p_holm", "verdict", "samples_needed"}

func (c comparison) fields() []string {
	needed := ""
	if c.SamplesNeeded > 0 {
		needed = strconv.Itoa(c.SamplesNeeded)
	}
	return []string{c.Metric.Name, c.Benchmark, c.Series, c.Best, strconv.Itoa(c.N), strconv.Itoa(c.BestN),
		formatMS(c.Median), formatMS(c.BestMedian), formatRatio(c.Ratio), formatRatio(c.RatioLow), formatRatio(c.RatioHigh),
		formatRatio(c.Margin), strconv.FormatFloat(c.U, 'f', 1, 64), formatP(c.P), formatP(c.PHolm), c.Verdict.String(), needed}
}

func pairwiseSection(list []comparison) section {
	c := section{ID: "pairwise", Heading: headingPairwise}
	if len(list) == 0 {
		c.Empty = "No benchmark has two series with startup or total samples to compare."
		return c
	}
	c.Paragraphs = []string{
		fmt.Sprintf("For startup and total time, each series is compared with the benchmark's best series (lowest median) "+
			"and judged in one of three words. Tied: the percentile bootstrap 90%% CI of the ratio of medians (%d resamples, "+
			"fixed seed) lies within ±max(noise floor, 5 %%) — two one-sided tests at 5 %%. Different: a two-sided Mann–Whitney U "+
			"test is significant at 5 %% after a Holm correction over the metric's table, and the pair is not tied. Otherwise "+
			"undecided, with the samples per side that would likely decide it. Also in pairwise.csv.", bootstrapResamples),
		pairwiseNarrative(list),
	}
	for _, m := range comparedMetrics {
		t := table{Caption: fmt.Sprintf("%s: each series vs the best series per benchmark", m.Experiment),
			Header: []string{"Benchmark", "Series", "n", "Median (ms)", "Best series", "Best median (ms)", "Ratio", "Ratio 90% CI",
				"Margin", "p (Holm)", "Verdict"}}
		for _, x := range list {
			if x.Metric.Name == m.Name {
				t.Rows = append(t.Rows, []string{x.Benchmark, x.Series, strconv.Itoa(x.N), formatMS(x.Median), x.Best, formatMS(x.BestMedian),
					formatRatio(x.Ratio), "[" + formatRatio(x.RatioLow) + ", " + formatRatio(x.RatioHigh) + "]",
					"±" + formatPercent(x.Margin), formatP(x.PHolm), verdictText(x.Verdict, x.SamplesNeeded)})
			}
		}
		if len(t.Rows) > 0 {
			c.Tables = append(c.Tables, t)
		}
	}
	return c
}

func pairwiseNarrative(list []comparison) string {
	count := map[stats.Verdict]int{}
	for _, c := range list {
		count[c.Verdict]++
	}
	return fmt.Sprintf("Of %d comparisons: %d different, %d tied, %d undecided.", len(list),
		count[stats.Different], count[stats.Tied], count[stats.Undecided])
}

// seedFor gives every bootstrap its own stream, independent of the order
// in which they are computed.
func seedFor(parts ...string) uint64 {
	return stats.SeedFor(bootstrapSeed, strings.Join(parts, "\x00")+"\x00")
}
