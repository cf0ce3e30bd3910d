package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/rtwasm/rtwasm/run"
)

func (r *runData) prolongedSection() (section, error) {
	c, ok, err := r.figureSection("prolonged", headingProlonged, run.Prolonged, r.trendPaperFigure, r.trendFigure, r.trendGridFigure)
	if !ok {
		return c, err
	}
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
