package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

func (r *runData) totalSection() (section, error) {
	c, ok, err := r.figureSection("total", headingTotal, run.Total, r.totalPaperFigure, r.totalFigure)
	if !ok {
		return c, err
	}
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
