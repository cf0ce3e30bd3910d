package reports

import (
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Fig. 1–3 in the paper's form: only the paper's series (where measured)
// plus native:glibc as the reference, 7 in wide with 8–9 pt text, for a
// two-column paper; saved like every figure as PNG, SVG and PDF.

const paperWidth = 7 * vg.Inch

var paperFont = vg.Points(8)

// paperText sets a plot's text to the paper's sizes.
func paperText(p *plot.Plot) {
	p.Title.TextStyle.Font.Size = vg.Points(9)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = paperFont
		a.Tick.Label.Font.Size = paperFont
	}
}

// newPaperFigure is a figure 7 in wide with an 8 pt key.
func (r *runData) newPaperFigure(name, title, caption string, bodyHeight vg.Length, series []string, body func(draw.Canvas)) *figure {
	entries := r.keyEntries(series)
	for i := range entries {
		entries[i].FontSize = paperFont
	}
	drawing, keyHeight := withKey(paperWidth, entries, body)
	return &figure{Name: name, Title: title, Caption: caption, Width: paperWidth, Height: bodyHeight + keyHeight, draw: drawing}
}

// paperFigureSeries are the paper's series measured in the experiment, and
// native:glibc, ordered by m's median; none unless a paper series was measured.
func (r *runData) paperFigureSeries(m metric) []string {
	want := append(r.paperSeries().all(), paper.Native)
	series := slices.DeleteFunc(r.seriesByMedian(m), func(id string) bool { return !slices.Contains(want, id) })
	if !slices.ContainsFunc(series, func(id string) bool { return id != paper.Native }) {
		return nil
	}
	return series
}

func (r *runData) startupPaperFigure() (*figure, error) {
	series := r.paperFigureSeries(startupMetric)
	if series == nil {
		return nil, nil
	}
	return r.startupFigureOf("fig1_paper", "Fig. 1 (paper form): Startup time", series, true)
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

// withPaper puts the paper-form figure (if any) before the full ones.
func withPaper(paper *figure, full ...*figure) []*figure {
	if paper == nil {
		return full
	}
	return append([]*figure{paper}, full...)
}
