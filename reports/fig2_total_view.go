package reports

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// totalFigure is Fig. 2 for every series: small multiples, one panel per
// benchmark, the series along x in order of their pooled median.
func (r *runData) totalFigure() (*figure, error) {
	benchmarks := r.measuredBenchmarks(run.Total)
	series := r.seriesByMedian(totalMetric)
	plots, cols, rows, err := smallMultiples(len(benchmarks), func(n int, _ bool) (*plot.Plot, error) {
		return r.totalPanel(benchmarks[n], series)
	})
	if err != nil {
		return nil, err
	}
	return r.newFigure("fig2_total", "Fig. 2: Total time", "Median total time (launch to the end of main), one panel per benchmark; "+
		"in each panel the series run left to right in order of their median over all benchmarks (colour and marker as in the key); "+
		"bars span the interquartile range; log scale.", vg.Length(cols)*1.6*vg.Inch, vg.Length(rows)*1.5*vg.Inch, series,
		withAxisLabels("", "total time (ms, log scale)", grid(plots))), nil
}

// totalPanel is one benchmark's panel of Fig. 2.
func (r *runData) totalPanel(benchmark string, series []string) (*plot.Plot, error) {
	p := newPlot(benchmark, "", "")
	for k, id := range series {
		s := stats.Describe(positive(r.values(totalMetric, benchmark, id)))
		if s.N == 0 {
			continue
		}
		pts := errorPoints{XYs: plotter.XYs{{X: float64(k), Y: s.Median}},
			YErrors: plotter.YErrors{{Low: s.Median - s.Q1, High: s.Q3 - s.Median}}}
		if err := r.addPointsWithErrors(p, id, pts); err != nil {
			return nil, err
		}
	}
	p.X.Min, p.X.Max = -0.7, float64(len(series))-0.3
	p.X.Tick.Marker = plot.ConstantTicks(nil)
	p.Add(horizontalGrid())
	useLogY(p)
	shrinkText(p)
	return p, nil
}

// totalPaperFigure is Fig. 2 as the paper draws it: every benchmark along
// x, the paper's series side by side.
func (r *runData) totalPaperFigure() (*figure, error) {
	series := r.paperFigureSeries(totalMetric)
	if series == nil {
		return nil, nil
	}
	benchmarks := r.measuredBenchmarks(run.Total)
	p := newPlot("", "", "")
	for k, id := range series {
		var pts errorPoints
		for i, b := range benchmarks {
			s := stats.Describe(positive(r.values(totalMetric, b, id)))
			if s.N == 0 {
				continue
			}
			pts.XYs = append(pts.XYs, plotter.XY{X: float64(i) + dodge(k, len(series)), Y: s.Median})
			pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{s.Median - s.Q1, s.Q3 - s.Median})
		}
		if err := r.addPointsWithErrors(p, id, pts); err != nil {
			return nil, err
		}
	}
	nominalX(p, benchmarks)
	p.Add(slotSeparators(len(benchmarks)))
	p.Add(horizontalGrid())
	useLogY(p)
	paperText(p)
	return r.newPaperFigure("fig2_paper", "Fig. 2 (paper form): Total time",
		"Median total time per benchmark for the paper's series and native:glibc; bars span the interquartile range; log scale.",
		3*vg.Inch, series, withAxisLabelsSized("", "total (ms, log)", paperFont, p.Draw)), nil
}
