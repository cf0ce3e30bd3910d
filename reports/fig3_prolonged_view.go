package reports

import (
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
)

const maxRepresentative = 3

// representatives picks up to maxRepresentative kernels for Fig. 3a: the
// paper's ones that are present, then the first others.
func representatives(measured []string) []string {
	var picked []string
	for _, b := range paper.Fig3Kernels {
		if slices.Contains(measured, b) {
			picked = append(picked, b)
		}
	}
	for _, b := range measured {
		if len(picked) < maxRepresentative && !slices.Contains(picked, b) {
			picked = append(picked, b)
		}
	}
	return picked[:min(len(picked), maxRepresentative)]
}

// trendFigure is Fig. 3a: per-iteration trends for the representative kernels.
func (r *runData) trendFigure() (*figure, error) {
	kernels := representatives(r.measuredBenchmarks(run.Prolonged))
	series := r.seriesByMedian(metrics[3])
	row := make([]*plot.Plot, len(kernels))
	for i, b := range kernels {
		p, err := r.trendPlot(b, series, "iteration")
		if err != nil {
			return nil, err
		}
		row[i] = p
	}
	width := max(5*vg.Inch, vg.Length(len(kernels))*3.3*vg.Inch)
	return r.newFigure("fig3_prolonged", "Fig. 3: Prolonged test, representative kernels",
		"Median time of each iteration of init+kernel rerun in one process, per series; log scale.",
		width, 3.3*vg.Inch, series, withAxisLabels("", "time per iteration (ms, log scale)", grid([][]*plot.Plot{row}))), nil
}

// trendGridFigure is Fig. 3b: small multiples of every benchmark's trend.
func (r *runData) trendGridFigure() (*figure, error) {
	benchmarks := r.measuredBenchmarks(run.Prolonged)
	series := r.seriesByMedian(metrics[3])
	plots, cols, rows, err := smallMultiples(len(benchmarks), func(n int, bottom bool) (*plot.Plot, error) {
		xLabel := ""
		if bottom {
			xLabel = "iteration"
		}
		p, err := r.trendPlot(benchmarks[n], series, xLabel)
		if err == nil {
			shrinkText(p)
		}
		return p, err
	})
	if err != nil {
		return nil, err
	}
	return r.newFigure("fig3_prolonged_all", "Fig. 3 (all benchmarks): Prolonged test",
		"Median time per iteration for every benchmark, one panel each; log scale.",
		vg.Length(cols)*1.6*vg.Inch, vg.Length(rows)*1.5*vg.Inch, series, withAxisLabels("", "time per iteration (ms, log scale)", grid(plots))), nil
}

// trendPlot draws one benchmark's median per-iteration time per series.
func (r *runData) trendPlot(benchmark string, series []string, xLabel string) (*plot.Plot, error) {
	p := newPlot(benchmark, xLabel, "")
	for _, id := range series {
		var pts plotter.XYs
		for i, ms := range r.trend(benchmark, id) {
			if ms > 0 && !math.IsNaN(ms) {
				pts = append(pts, plotter.XY{X: float64(i + 1), Y: ms})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		line.LineStyle = r.style(id).line()
		points.GlyphStyle = r.style(id).glyph()
		points.GlyphStyle.Radius = vg.Points(2)
		p.Add(line, points)
	}
	p.Add(horizontalGrid())
	useLogY(p)
	p.X.Tick.Marker = integerTicks{}
	return p, nil
}

// trendPaperFigure is Fig. 3 as the paper draws it: the representative kernels.
func (r *runData) trendPaperFigure() (*figure, error) {
	series := r.paperFigureSeries(metrics[3])
	if series == nil {
		return nil, nil
	}
	kernels := representatives(r.measuredBenchmarks(run.Prolonged))
	row := make([]*plot.Plot, len(kernels))
	for i, b := range kernels {
		p, err := r.trendPlot(b, series, "iteration")
		if err != nil {
			return nil, err
		}
		paperText(p)
		row[i] = p
	}
	return r.newPaperFigure("fig3_paper", "Fig. 3 (paper form): Prolonged test",
		"Median time of each iteration of init+kernel rerun in one process, paper's series and native:glibc; log scale.",
		2.3*vg.Inch, series, withAxisLabelsSized("", "per iteration (ms, log)", paperFont, grid([][]*plot.Plot{row}))), nil
}
