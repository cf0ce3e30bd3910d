package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// page is the report: a title and a sequence of notebook sections.
type page struct {
	Title    string
	Intro    string
	Sections []section
}

// section is one notebook section: a heading, a narrative generated from the data,
// then its figures and tables.
type section struct {
	ID         string
	Heading    string
	Paragraphs []string
	Warning    string // shown in a warning box when set
	Empty      string // shown instead of figures and tables when set
	Figures    []*figure
	Tables     []table
}

// table is a captioned table of text cells.
type table struct {
	Caption string
	Header  []string
	Rows    [][]string
	Note    string   // below the table, e.g. "12 more rows in summary.csv"
	Files   []string // files holding the full table, linked below it
}

// Section headings, in report order.
const (
	headingSetup       = "Setup"
	headingStartup     = "Fig. 1: Startup time"
	headingTotal       = "Fig. 2: Total time"
	headingProlonged   = "Fig. 3: Prolonged test"
	headingSummary     = "Summary tables"
	headingPairwise    = "Pairwise comparisons"
	headingRealTime    = "Real-time view: observed maxima and pWCET"
	headingBreakEven   = "Break-even guidance: which series for which task"
	headingHybrid      = "Hybrid tier-up executor"
	headingErrors      = "Errors"
	headingNotMeasured = "Not measured on this host"
)

const noSamples = "No samples for this experiment."

// buildPage assembles every section; figures are built but not yet saved.
func (r *runData) buildPage(a analysis) (page, error) {
	pg := page{
		Title: "rtwasm report: run " + orDash(r.manifest.RunID),
		Intro: "WebAssembly runtimes vs native code and containers on PolyBench/C kernels: " +
			"startup time, total time and a prolonged test, following Sect. IV of the paper; " +
			"then pairwise tests, a real-time (pWCET) view and break-even guidance.",
	}
	pg.Sections = append(pg.Sections, r.setupSection(a.noise), r.verdictSection(a.verdicts))
	builders := []func() (section, error){
		r.startupSection, r.totalSection, r.prolongedSection,
		func() (section, error) { return r.glanceSection(), nil },
		func() (section, error) { return summarySection(a.summary), nil },
		func() (section, error) { return r.appsSection(), nil },
		func() (section, error) { return pairwiseSection(a.comparisons), nil },
		func() (section, error) { return r.realTimeSection(a.evt) },
		func() (section, error) { return r.breakEvenSection(a.breakEven) },
		r.tailSection,
		r.hybridSection,
		func() (section, error) { return r.whySection(), nil },
		func() (section, error) { return r.hostsSection(), nil }, // hosts.go
	}
	for _, build := range builders {
		c, err := build()
		if err != nil {
			return pg, err
		}
		pg.Sections = append(pg.Sections, c)
	}
	pg.Sections = append(pg.Sections, r.errorsSection(), r.notMeasuredSection())
	for i := range pg.Sections {
		compactTables(&pg.Sections[i])
	}
	return pg, nil
}

// figures lists the page's figures in order.
func (pg page) figures() []*figure {
	var figs []*figure
	for _, c := range pg.Sections {
		figs = append(figs, c.Figures...)
	}
	return figs
}

func (r *runData) startupSection() (section, error) {
	c := section{ID: "startup", Heading: headingStartup}
	if !r.hasExperiment(run.Startup) {
		c.Empty = noSamples
		return c, nil
	}
	fig, err := r.startupFigure()
	if err != nil {
		return c, err
	}
	paper, err := r.startupPaperFigure()
	c.Figures = withPaper(paper, fig)
	c.Paragraphs = []string{r.startupNarrative(),
		"When a task is offloaded, its startup delays completion and so belongs in its WCET. " +
			"All benchmarks are pooled per series: the paper found startup nearly independent of the benchmark."}
	return c, err
}

// startupNarrative ranks the series by their pooled median startup time.
func (r *runData) startupNarrative() string {
	type ranked struct {
		id     string
		median float64
	}
	var rank []ranked
	for _, id := range r.measuredSeries(run.Startup) {
		rank = append(rank, ranked{id, stats.Median(r.values(startupMetric, "", id))})
	}
	slices.SortStableFunc(rank, func(a, b ranked) int { return cmp.Compare(a.median, b.median) })
	best := rank[0]
	text := fmt.Sprintf("%s had the lowest median startup time, %s.", best.id, formatTime(best.median))
	if len(rank) == 1 {
		return text
	}
	var others []string
	for _, o := range rank[1:] {
		others = append(others, fmt.Sprintf("%s %s (%s)", o.id, formatTime(o.median), formatFactor(o.median, best.median)))
	}
	return text + " The others, fastest first: " + strings.Join(others, ", ") + "."
}

func (r *runData) totalSection() (section, error) {
	c := section{ID: "total", Heading: headingTotal}
	if !r.hasExperiment(run.Total) {
		c.Empty = noSamples
		return c, nil
	}
	fig, err := r.totalFigure()
	if err != nil {
		return c, err
	}
	paper, err := r.totalPaperFigure()
	c.Figures = withPaper(paper, fig)
	c.Paragraphs = []string{r.winsNarrative(totalMetric, "median total time"),
		"Total time runs from starting the runtime or container to the end of main(), so it includes startup: " +
			"a slow start dominates short benchmarks."}
	return c, err
}

// winsNarrative counts, per series, the benchmarks where its median of m
// was the lowest.
func (r *runData) winsNarrative(m metric, what string) string {
	benchmarks := r.measuredBenchmarks(m.Experiment)
	wins := map[string]int{}
	contested := 0
	for _, b := range benchmarks {
		if id, ok := r.fastest(m, b); ok {
			wins[id]++
			contested++
		}
	}
	if contested == 0 {
		return "No benchmark has a " + what + " to compare."
	}
	type tally struct {
		id   string
		wins int
	}
	var tallies []tally
	for _, id := range r.series {
		if wins[id] > 0 {
			tallies = append(tallies, tally{id, wins[id]})
		}
	}
	slices.SortStableFunc(tallies, func(a, b tally) int { return cmp.Compare(b.wins, a.wins) })
	var parts []string
	for _, t := range tallies {
		parts = append(parts, fmt.Sprintf("%s in %d", t.id, t.wins))
	}
	return fmt.Sprintf("Lowest %s per benchmark, out of %d benchmarks: %s.", what, contested, strings.Join(parts, ", "))
}

// fastest returns the series with the lowest median of m for a benchmark.
func (r *runData) fastest(m metric, benchmark string) (string, bool) {
	best, bestMedian := "", 0.0
	for _, id := range r.measuredSeries(m.Experiment) {
		v := r.values(m, benchmark, id)
		if len(v) == 0 {
			continue
		}
		if med := stats.Median(v); best == "" || med < bestMedian {
			best, bestMedian = id, med
		}
	}
	return best, best != ""
}

func (r *runData) prolongedSection() (section, error) {
	c := section{ID: "prolonged", Heading: headingProlonged}
	if !r.hasExperiment(run.Prolonged) {
		c.Empty = noSamples
		return c, nil
	}
	trend, err := r.trendFigure()
	if err != nil {
		return c, err
	}
	all, err := r.trendGridFigure()
	if err != nil {
		return c, err
	}
	paper, err := r.trendPaperFigure()
	c.Figures = withPaper(paper, trend, all)
	c.Paragraphs = []string{
		"init+kernel is rerun in one process without restarting the runtime, as a periodic task would be. " +
			"The paper's first timestamp (startup plus iteration 1) is the \"first\" metric of the summary tables; " +
			"the lines below show each iteration alone.",
		r.winsNarrative(metrics[3], "median time at the last iteration"),
		r.representativeNarrative(),
	}
	return c, err
}

// representativeNarrative names, per representative kernel, the fastest
// series at the first and at the last iteration.
func (r *runData) representativeNarrative() string {
	var parts []string
	for _, b := range representatives(r.measuredBenchmarks(run.Prolonged)) {
		first, firstMS := r.fastestAt(b, func(t []float64) int { return 0 })
		last, lastMS := r.fastestAt(b, func(t []float64) int { return len(t) - 1 })
		if first == "" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %s fastest at iteration 1 (%s), %s at the last iteration (%s)",
			b, first, formatTime(firstMS), last, formatTime(lastMS)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Representative kernels — " + strings.Join(parts, "; ") + "."
}

// fastestAt returns the series with the lowest median trend value at the
// index pick chooses, and that value.
func (r *runData) fastestAt(benchmark string, pick func([]float64) int) (string, float64) {
	best, bestMS := "", 0.0
	for _, id := range r.measuredSeries(run.Prolonged) {
		t := r.trend(benchmark, id)
		if len(t) == 0 {
			continue
		}
		if ms := t[pick(t)]; !math.IsNaN(ms) && (best == "" || ms < bestMS) {
			best, bestMS = id, ms
		}
	}
	return best, bestMS
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// formatTime prints milliseconds with three significant digits.
func formatTime(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "–"
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms >= 1:
		return fmt.Sprintf("%.2f ms", ms)
	default:
		return fmt.Sprintf("%.3g ms", ms)
	}
}

// formatFactor says how many times slower value is than base.
func formatFactor(value, base float64) string {
	if base <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.3g× the lowest", value/base)
}
