package reports

import (
	"fmt"
	"math"
	"strconv"
)

func summarySection(rows []summaryRow) section {
	c := section{ID: "summary", Heading: headingSummary}
	if len(rows) == 0 {
		c.Empty = "No samples in any experiment, so there is nothing to summarise."
		return c
	}
	c.Paragraphs = []string{fmt.Sprintf("%d rows, one per experiment × benchmark × series, also in summary.csv and summary.tex. "+
		"Times are in ms; the CI is the 95%% confidence interval of the mean (Student t), CV the standard deviation over the mean; "+
		"P99 and P99.9 are empirical quantiles, so with fewer than 100 (1000) samples they equal the maximum.", len(rows)),
		noisiestNarrative(rows)}
	for _, m := range metrics {
		if t, ok := metricTable(m, rows); ok {
			c.Tables = append(c.Tables, t)
		}
	}
	return c
}

// noisiestNarrative names the row with the highest coefficient of
// variation, among rows with at least minN samples where there are any.
func noisiestNarrative(rows []summaryRow) string {
	worst := -1
	for _, minN := range []int{3, 2} {
		for i, row := range rows {
			if row.Stats.N >= minN && !math.IsNaN(row.Stats.CV) && (worst < 0 || row.Stats.CV > rows[worst].Stats.CV) {
				worst = i
			}
		}
		if worst >= 0 {
			break
		}
	}
	if worst < 0 {
		return "No cell has two samples or more, so no variation can be estimated."
	}
	w := rows[worst]
	return fmt.Sprintf("The most variable cell is %s × %s in the %s metric (CV %.2f, n = %d).",
		w.Benchmark, w.Series, w.Metric.Name, w.Stats.CV, w.Stats.N)
}

func metricTable(m metric, rows []summaryRow) (table, bool) {
	t := table{Caption: fmt.Sprintf("%s: %s (ms)", m.Experiment, m.Label),
		Header: []string{"Benchmark", "Series", "n", "Median", "Mean", "95% CI", "CV", "Max", "P99", "P99.9"}}
	for _, row := range rows {
		if row.Metric.Name != m.Name {
			continue
		}
		s := row.Stats
		t.Rows = append(t.Rows, []string{row.Benchmark, row.Series, strconv.Itoa(s.N), formatMS(s.Median), formatMS(s.Mean),
			ciText(s), formatRatio(s.CV), formatMS(s.Max), formatMS(s.P99), formatMS(s.P999)})
	}
	return t, len(t.Rows) > 0
}
