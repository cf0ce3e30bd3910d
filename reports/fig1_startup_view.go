package reports

import (
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// startupFigure is Fig. 1: startup time per series over all benchmarks.
func (r *runData) startupFigure() (*figure, error) {
	return r.startupFigureOf("fig1_startup", "Fig. 1: Startup time", r.seriesByMedian(startupMetric), false)
}

// startupFigureOf draws the startup boxes of the given series; paper sizes
// it for a two-column paper.
func (r *runData) startupFigureOf(name, title string, series []string, paper bool) (*figure, error) {
	p := newPlot("Startup time per series (all benchmarks pooled)", "series (runtime, cold-start model)", "")
	if paper {
		p.Title.Text = ""
	}
	for i, id := range series {
		box, err := plotter.NewBoxPlot(vg.Points(12), float64(i), plotter.Values(positive(r.values(startupMetric, "", id))))
		if err != nil {
			return nil, err
		}
		box.FillColor = lighten(r.style(id).Color, 0.55)
		box.BoxStyle.Color = r.style(id).Color
		p.Add(box)
	}
	nominalX(p, series)
	p.Add(horizontalGrid())
	useLogY(p)
	caption := "Distribution of startup time (launch to the start of main) per series, ordered by median; " +
		"boxes show quartiles, whiskers 1.5 IQR, circles outliers; log scale."
	if paper {
		paperText(p)
		return r.newPaperFigure(name, title, caption, 2.6*vg.Inch, series, withAxisLabelsSized("", "startup (ms, log)", paperFont, p.Draw)), nil
	}
	width := max(5*vg.Inch, vg.Inch+vg.Length(len(series))*0.32*vg.Inch)
	return r.newFigure(name, title, caption, width, 4*vg.Inch, series,
		withAxisLabels("", "startup time (ms, log scale)", p.Draw)), nil
}

func (r *runData) startupPaperFigure() (*figure, error) {
	series := r.paperFigureSeries(startupMetric)
	if series == nil {
		return nil, nil
	}
	return r.startupFigureOf("fig1_paper", "Fig. 1 (paper form): Startup time", series, true)
}
