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

	"github.com/rtwasm/rtwasm/stats"
)

// Metrics by role, as plotted.
var (
	startupMetric = metrics[0]
	totalMetric   = metrics[1]
)

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

// smallMultiples lays n panels out, five to a row; panel builds panel i,
// told whether it is at the bottom (no panel below it).
func smallMultiples(n int, panel func(i int, bottom bool) (*plot.Plot, error)) (plots [][]*plot.Plot, cols, rows int, err error) {
	cols = min(5, n)
	rows = (n + cols - 1) / cols
	plots = make([][]*plot.Plot, rows)
	for j := range plots {
		plots[j] = make([]*plot.Plot, cols)
		for i := range plots[j] {
			if k := j*cols + i; k < n {
				if plots[j][i], err = panel(k, k+cols >= n); err != nil {
					return nil, 0, 0, err
				}
			}
		}
	}
	return plots, cols, rows, nil
}
