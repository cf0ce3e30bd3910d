package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
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

const (
	maxErrorRows  = 200
	maxErrorRunes = 160
)

func (r *runData) errorsSection() section {
	c := section{ID: "errors", Heading: headingErrors}
	if len(r.errors) == 0 {
		c.Empty = "No sample failed."
		return c
	}
	c.Paragraphs = []string{fmt.Sprintf("%d sample(s) failed; they are left out of every figure and table.", len(r.errors))}
	t := table{Caption: "Failed samples", Header: []string{"Benchmark", "Series", "Experiment", "Rep", "Iteration", "Exit", "Error"}}
	for _, s := range r.errors[:min(len(r.errors), maxErrorRows)] {
		t.Rows = append(t.Rows, []string{s.Benchmark, s.Series(), s.Experiment, strconv.Itoa(int(s.Rep)),
			iterationText(s.Iteration), strconv.Itoa(int(s.ExitStatus)), truncate(s.Error, maxErrorRunes)})
	}
	if extra := len(r.errors) - maxErrorRows; extra > 0 {
		t.Note = fmt.Sprintf("%d more failed samples are not shown; see samples.parquet.", extra)
	}
	c.Tables = []table{t}
	return c
}

// iterationText is the prolonged iteration, or "–" for other experiments.
func iterationText(i int32) string {
	if i == 0 {
		return "–"
	}
	return strconv.Itoa(int(i))
}

// truncate puts text on one line and cuts it to at most n runes.
func truncate(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if runes := []rune(text); len(runes) > n {
		return string(runes[:n-1]) + "…"
	}
	return text
}

// unavailability is why one series could not run, and where it was seen.
type unavailability struct {
	series, target string
	reasons        []string
	inManifest     bool
	rows           int
}

func (r *runData) notMeasuredSection() section {
	c := section{ID: "not-measured", Heading: headingNotMeasured}
	list := r.unavailabilities()
	if len(list) == 0 {
		c.Empty = "Every series could run on this host."
		return c
	}
	c.Paragraphs = []string{fmt.Sprintf("%d series could not run on this host, so they are missing from the figures and analyses.", len(list))}
	t := table{Caption: "Unavailable series", Header: []string{"Series", "Target", "Reason", "Recorded in"}}
	for _, u := range list {
		t.Rows = append(t.Rows, []string{u.series, orDash(u.target), orDash(strings.Join(u.reasons, "; ")), u.source()})
	}
	c.Tables = []table{t}
	return c
}

// unavailabilities merges the manifest's unavailable runtimes with the
// unavailable sample rows, by series.
func (r *runData) unavailabilities() []unavailability {
	bySeries := map[string]*unavailability{}
	get := func(series, target string) *unavailability {
		if bySeries[series] == nil {
			bySeries[series] = &unavailability{series: series, target: target}
		}
		return bySeries[series]
	}
	for _, rt := range r.manifest.Runtimes {
		if !rt.Available {
			u := get(infoSeries(rt), rt.Target)
			u.inManifest = true
			u.reasons = appendUnique(u.reasons, rt.Reason)
		}
	}
	for _, s := range r.unavailable {
		u := get(s.Series(), s.Target)
		u.rows++
		u.reasons = appendUnique(u.reasons, s.Error)
	}
	var list []unavailability
	for _, u := range bySeries {
		list = append(list, *u)
	}
	slices.SortFunc(list, func(a, b unavailability) int { return cmp.Compare(a.series, b.series) })
	return list
}

func (u unavailability) source() string {
	var where []string
	if u.inManifest {
		where = append(where, "manifest")
	}
	if u.rows > 0 {
		where = append(where, fmt.Sprintf("%d sample row(s)", u.rows))
	}
	return strings.Join(where, ", ")
}

func appendUnique(list []string, s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
