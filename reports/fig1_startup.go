package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

func (r *runData) startupSection() (section, error) {
	c, ok, err := r.figureSection("startup", headingStartup, run.Startup, r.startupPaperFigure, r.startupFigure)
	if !ok {
		return c, err
	}
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
