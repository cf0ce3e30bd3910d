package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/stats"
)

// summaryRow is one line of summary.csv.
type summaryRow struct {
	Metric    metric
	Benchmark string
	Series    string
	Stats     stats.Summary
}

// summaryRows summarises every metric per benchmark × series that has ok
// samples, in metric, benchmark and series order.
func (r *runData) summaryRows() []summaryRow {
	var rows []summaryRow
	for _, m := range metrics {
		for _, b := range r.measuredBenchmarks(m.Experiment) {
			for _, series := range r.measuredSeries(m.Experiment) {
				if v := r.values(m, b, series); len(v) > 0 {
					rows = append(rows, summaryRow{m, b, series, stats.Describe(v)})
				}
			}
		}
	}
	return rows
}

// summaryHeader names summary.csv's columns; times are in milliseconds.
var summaryHeader = []string{"experiment", "metric", "benchmark", "series", "n",
	"median_ms", "mean_ms", "ci95_low_ms", "ci95_high_ms", "cv", "max_ms", "p99_ms", "p999_ms"}

// fields returns the row's CSV fields, matching summaryHeader.
func (row summaryRow) fields() []string {
	s := row.Stats
	return []string{row.Metric.Experiment, row.Metric.Name, row.Benchmark, row.Series, strconv.Itoa(s.N),
		formatMS(s.Median), formatMS(s.Mean), formatMS(s.CILow), formatMS(s.CIHigh), formatRatio(s.CV),
		formatMS(s.Max), formatMS(s.P99), formatMS(s.P999)}
}

// summaryTeX renders the rows as a LaTeX tabular (booktabs-free, so it
// compiles with a bare \documentclass).
func summaryTeX(rows []summaryRow) []byte {
	var b strings.Builder
	b.WriteString("% Summary per experiment × benchmark × series; times in ms, CI = 95% CI of the mean (Student t).\n")
	b.WriteString("\\begin{tabular}{lllrrrrrrrr}\n\\hline\n")
	b.WriteString("Experiment & Benchmark & Series & $n$ & Median & Mean & 95\\% CI & CV & Max & P99 & P99.9 \\\\\n\\hline\n")
	for _, row := range rows {
		s := row.Stats
		fmt.Fprintf(&b, "%s & %s & %s & %d & %s & %s & %s & %s & %s & %s & %s \\\\\n",
			texEscape(row.Metric.title()), texEscape(row.Benchmark), texEscape(row.Series),
			s.N, formatMS(s.Median), formatMS(s.Mean), texEscape(ciText(s)), formatRatio(s.CV), formatMS(s.Max), formatMS(s.P99), formatMS(s.P999))
	}
	b.WriteString("\\hline\n\\end{tabular}\n")
	return []byte(b.String())
}

// title is the experiment, qualified by the metric when they differ.
func (m metric) title() string {
	if m.Name == m.Experiment {
		return m.Experiment
	}
	return m.Experiment + " (" + m.Name + ")"
}

// ciText is the confidence interval as "[low, high]", or "–" when undefined.
func ciText(s stats.Summary) string {
	if math.IsNaN(s.CILow) {
		return "–"
	}
	return "[" + formatMS(s.CILow) + ", " + formatMS(s.CIHigh) + "]"
}

var texReplacer = strings.NewReplacer(
	`\`, `\textbackslash{}`, `&`, `\&`, `%`, `\%`, `$`, `\$`, `#`, `\#`, `_`, `\_`,
	`{`, `\{`, `}`, `\}`, `~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`, `–`, `--`)

func texEscape(s string) string { return texReplacer.Replace(s) }
