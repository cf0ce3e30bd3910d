package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/stats"
)

// The notebook shows what a reader needs; per-cell tables (one row per
// benchmark × series) live in the CSV and LaTeX files and are linked, so
// report.md stays small (under 100 KB for a full smoke run).

// maxInlineRows is the longest table shown inline.
const maxInlineRows = 40

// sectionFiles are the files holding each section's full tables.
var sectionFiles = map[string][]string{
	"summary":   {"summary.csv", "summary.tex"},
	"pairwise":  {"pairwise.csv"},
	"realtime":  {"realtime.csv"},
	"breakeven": {"breakeven.csv"},
	"verdict":   {"verdict.csv"},
}

// compactTables replaces a section's long tables by a link to their files.
func compactTables(c *section) {
	files, ok := sectionFiles[c.ID]
	if !ok {
		return
	}
	for i, t := range c.Tables {
		if len(t.Rows) <= maxInlineRows {
			t.Files = files
			c.Tables[i] = t
			continue
		}
		t.Note = strings.TrimSpace(fmt.Sprintf("%d rows, one per cell: not shown here. %s", len(t.Rows), t.Note))
		t.Rows, t.Files = nil, files
		c.Tables[i] = t
	}
}

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
	sum, n := 0.0, 0
	for _, b := range r.measuredBenchmarks(m.Experiment) {
		if category != "" && r.category(b) != category {
			continue
		}
		if v := positive(r.values(m, b, series)); len(v) > 0 {
			sum += math.Log(stats.Median(v))
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return math.Exp(sum / float64(n))
}
