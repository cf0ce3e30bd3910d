package reports

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/rtwasm/rtwasm/stats"
)

const headingGlance = "At a glance: per series and category"

// glanceSection summarises every metric per series and benchmark category:
// the geometric mean of the per-benchmark medians, series fastest first.
func (r *runData) glanceSection() section {
	c := section{ID: "glance", Heading: headingGlance, Paragraphs: []string{
		"Each cell is the geometric mean, over the category's benchmarks, of the per-benchmark median (ms); " +
			"series are ordered by their median over all benchmarks. Per-benchmark values are in summary.csv."}}
	categories := r.categories()
	for _, m := range metrics {
		if !r.hasExperiment(m.Experiment) {
			continue
		}
		t := table{Caption: m.Experiment + ": " + m.Label + ", per category (ms)",
			Header: append(append([]string{"series"}, categories...), "all")}
		for _, id := range r.seriesByMedian(m) {
			row := []string{id}
			for _, cat := range append(slices.Clone(categories), "") {
				row = append(row, formatTime(r.categoryMean(m, id, cat)))
			}
			t.Rows = append(t.Rows, row)
		}
		c.Tables = append(c.Tables, t)
	}
	if len(c.Tables) == 0 {
		c.Empty = "No samples to summarise."
	}
	return c
}

// categories lists the benchmarks' categories in benchmark order.
func (r *runData) categories() []string {
	var list []string
	for _, b := range r.benchmarks {
		if cat := r.category(b); cat != "" && !slices.Contains(list, cat) {
			list = append(list, cat)
		}
	}
	return list
}

func (r *runData) category(benchmark string) string {
	for _, s := range r.ok {
		if s.Benchmark == benchmark {
			return s.Category
		}
	}
	return ""
}

// categoryMean is the geometric mean of a series' per-benchmark medians of m
// over a category ("" for all benchmarks); NaN when none.
func (r *runData) categoryMean(m metric, series, category string) float64 {
	var medians []float64
	for _, b := range r.measuredBenchmarks(m.Experiment) {
		if category != "" && r.category(b) != category {
			continue
		}
		if v := positive(r.values(m, b, series)); len(v) > 0 {
			medians = append(medians, stats.Median(v))
		}
	}
	if len(medians) == 0 {
		return math.NaN()
	}
	return stat.GeometricMean(medians, nil)
}
