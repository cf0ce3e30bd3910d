package reports

import (
	"cmp"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Metrics by role, as plotted.
var (
	startupMetric = metrics[0]
	totalMetric   = metrics[1]
)

const maxRepresentative = 3

// newFigure wraps a body drawing with the series' colour key below it.
func (r *runData) newFigure(name, title, caption string, width, bodyHeight vg.Length, series []string, body func(draw.Canvas)) *figure {
	drawing, keyHeight := withKey(width, r.keyEntries(series), body)
	return &figure{Name: name, Title: title, Caption: caption, Width: width, Height: bodyHeight + keyHeight, draw: drawing}
}

func (r *runData) keyEntries(series []string) []keyEntry {
	var entries []keyEntry
	for _, id := range series {
		entries = append(entries, keyEntry{Name: id, Style: r.style(id)})
	}
	return entries
}

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

// totalFigure is Fig. 2 for every series: small multiples, one panel per
// benchmark, the series along x in order of their pooled median.
func (r *runData) totalFigure() (*figure, error) {
	benchmarks := r.measuredBenchmarks(run.Total)
	series := r.seriesByMedian(totalMetric)
	cols := min(5, len(benchmarks))
	rows := (len(benchmarks) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for j := range plots {
		plots[j] = make([]*plot.Plot, cols)
		for i := range plots[j] {
			if n := j*cols + i; n < len(benchmarks) {
				p, err := r.totalPanel(benchmarks[n], series)
				if err != nil {
					return nil, err
				}
				plots[j][i] = p
			}
		}
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

// seriesByMedian orders the measured series by their pooled median of m,
// fastest first (series without values last, in style order).
func (r *runData) seriesByMedian(m metric) []string {
	series := r.measuredSeries(m.Experiment)
	med := make(map[string]float64, len(series))
	for _, id := range series {
		med[id] = math.Inf(1)
		if v := r.values(m, "", id); len(v) > 0 {
			med[id] = stats.Median(v)
		}
	}
	slices.SortStableFunc(series, func(a, b string) int { return cmp.Compare(med[a], med[b]) })
	return series
}

// nominalX names the x positions 0..n-1, with half a slot of margin.
func nominalX(p *plot.Plot, names []string) {
	if len(names) == 0 {
		return
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	rotateXLabels(p)
}

// slotSeparators draws faint vertical lines between n nominal x slots.
type slotSeparators int

func (n slotSeparators) Plot(c draw.Canvas, p *plot.Plot) {
	toX, _ := p.Transforms(&c)
	style := draw.LineStyle{Color: color.Gray{0xe8}, Width: vg.Points(0.5)}
	for i := range int(n) - 1 {
		x := toX(float64(i) + 0.5)
		c.StrokeLine2(style, x, c.Min.Y, x, c.Max.Y)
	}
}

// errorPoints are points with vertical error bars.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

func (r *runData) addPointsWithErrors(p *plot.Plot, series string, pts errorPoints) error {
	if len(pts.XYs) == 0 {
		return nil
	}
	bars, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return err
	}
	bars.LineStyle = r.style(series).line()
	bars.CapWidth = vg.Points(4)
	points, err := plotter.NewScatter(pts.XYs)
	if err != nil {
		return err
	}
	points.GlyphStyle = r.style(series).glyph()
	p.Add(bars, points)
	return nil
}

// dodge is the x offset of the k-th of n series within a benchmark's slot.
func dodge(k, n int) float64 {
	const slot = 0.7
	return -slot/2 + slot*(float64(k)+0.5)/float64(n)
}

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
	cols := min(5, len(benchmarks))
	rows := (len(benchmarks) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for j := range plots {
		plots[j] = make([]*plot.Plot, cols)
		for i := range plots[j] {
			n := j*cols + i
			if n >= len(benchmarks) {
				continue
			}
			xLabel := ""
			if n+cols >= len(benchmarks) {
				xLabel = "iteration"
			}
			p, err := r.trendPlot(benchmarks[n], series, xLabel)
			if err != nil {
				return nil, err
			}
			shrinkText(p)
			plots[j][i] = p
		}
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

// shrinkText uses smaller labels for the small multiples, so that a rotated
// y label never outgrows its panel.
func shrinkText(p *plot.Plot) {
	p.Title.TextStyle.Font.Size = vg.Points(10)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(9)
		a.Tick.Label.Font.Size = vg.Points(8)
	}
}

// integerTicks labels whole iterations only.
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value == math.Trunc(t.Value) {
			ticks = append(ticks, t)
		}
	}
	return ticks
}

func horizontalGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{0xdd}
	return g
}

// positive drops values a log axis cannot show.
func positive(values []float64) []float64 {
	return slices.DeleteFunc(values, func(v float64) bool { return !(v > 0) })
}

// lighten blends c towards white by amount (0..1).
func lighten(c color.Color, amount float64) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8(float64(v>>8) + (255-float64(v>>8))*amount) }
	return color.RGBA{mix(r), mix(g), mix(b), 0xff}
}
