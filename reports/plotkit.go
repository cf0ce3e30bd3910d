package reports

import (
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// newPlot returns a plot with the report's title and axis labels; the
// label of a log-scale axis is drawn by withAxisLabels instead.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	return p
}

// useLogY switches p's y axis to a log scale, after its data were added.
func useLogY(p *plot.Plot) { useLog(&p.Y) }

// useLog switches an axis to a log scale, after the plot's data were added:
// non-positive bounds are clamped, a flat range widened and a margin added
// so that points do not sit on the frame.
func useLog(a *plot.Axis) {
	const floor = 1e-12
	lo, hi := math.Max(a.Min, floor), math.Max(a.Max, floor)
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo > hi { // no data
		lo, hi = 0.1, 10
	}
	if hi <= lo*1.01 {
		lo, hi = lo/1.5, hi*1.5
	}
	a.Min, a.Max = lo/1.15, hi*1.15
	a.Scale = plot.LogScale{}
	a.Tick.Marker = logTicks{}
}

// logTicks labels a log axis spanning less than a decade like a linear one,
// else with 1·10ᵏ, else 1-2-5·10ᵏ, else every integer multiple, whichever
// first gives at least three labels in range (else two); plot.LogTicks
// labels decades only, so a narrow range would have no label at all.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if hi < 10*lo { // less than a decade: decade-based labels would leave gaps
		return slices.DeleteFunc(plot.DefaultTicks{}.Ticks(lo, hi), func(t plot.Tick) bool { return t.Value <= 0 })
	}
	for _, enough := range []int{3, 2} {
		for _, labelled := range [][]int{{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
			if ticks, n := decadeTicks(lo, hi, labelled); n >= enough {
				return ticks
			}
		}
	}
	return plot.DefaultTicks{}.Ticks(lo, hi)
}

// decadeTicks returns ticks at m·10ᵏ within [lo, hi], labelling the
// mantissas in labelled, and how many are labelled.
func decadeTicks(lo, hi float64, labelled []int) (ticks []plot.Tick, n int) {
	for k := int(math.Floor(math.Log10(lo))); k <= int(math.Ceil(math.Log10(hi))); k++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow10(k)
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if containsInt(labelled, m) {
				t.Label = strconv.FormatFloat(v, 'g', 6, 64)
				n++
			}
			ticks = append(ticks, t)
		}
	}
	return ticks, n
}

func containsInt(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// rotateXLabels tilts the x tick labels so long benchmark names fit.
func rotateXLabels(p *plot.Plot) {
	p.X.Tick.Label.Rotation = math.Pi / 4
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
}

// keyEntry is one series in a figure's colour key.
type keyEntry struct {
	Name     string
	Style    seriesStyle
	FontSize vg.Length // 0: 10 pt
}

func keyTextStyle(entries []keyEntry) text.Style {
	size := vg.Points(10)
	if len(entries) > 0 && entries[0].FontSize > 0 {
		size = entries[0].FontSize
	}
	return text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, size), Handler: plot.DefaultTextHandler}
}

const (
	keyThumb   = vg.Length(18)
	keyGap     = vg.Length(4)
	keySpacing = vg.Length(14)
	keyMargin  = vg.Length(6)
)

// keyLayout places the entries left to right, wrapping at width; it returns
// each entry's offset from the top-left and the key's height.
func keyLayout(entries []keyEntry, width vg.Length) (offsets []vg.Point, height vg.Length) {
	if len(entries) == 0 {
		return nil, 0
	}
	ts := keyTextStyle(entries)
	line := ts.Height("Mg") * 1.3
	x, y := keyMargin, vg.Length(0)
	for _, e := range entries {
		w := keyThumb + keyGap + ts.Width(e.Name)
		if x > keyMargin && x+w > width-keyMargin {
			x, y = keyMargin, y+line
		}
		offsets = append(offsets, vg.Point{X: x, Y: y})
		x += w + keySpacing
	}
	return offsets, y + line + 2*keyMargin
}

// drawKey draws the entries at the top of c.
func drawKey(c draw.Canvas, entries []keyEntry) {
	offsets, _ := keyLayout(entries, c.Max.X-c.Min.X)
	ts := keyTextStyle(entries)
	line := ts.Height("Mg") * 1.3
	for i, e := range entries {
		left := c.Min.X + offsets[i].X
		top := c.Max.Y - keyMargin - offsets[i].Y
		thumb := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: left, Y: top - line},
			Max: vg.Point{X: left + keyThumb, Y: top},
		}}
		e.Style.Thumbnail(&thumb)
		ts.YAlign = draw.YCenter
		c.FillText(ts, vg.Point{X: left + keyThumb + keyGap, Y: top - line/2}, e.Name)
	}
}

// withKey returns a drawing of body above a colour key of the entries, and
// the key's height for a figure of the given width.
func withKey(width vg.Length, entries []keyEntry, body func(draw.Canvas)) (func(draw.Canvas), vg.Length) {
	_, keyHeight := keyLayout(entries, width)
	return func(c draw.Canvas) {
		key := c
		key.Max.Y = c.Min.Y + keyHeight
		rest := c
		rest.Min.Y = key.Max.Y
		body(rest)
		drawKey(key, entries)
	}, keyHeight
}

// grid draws plots in a rows × cols grid with aligned data areas; nil
// plots leave their tile empty.
func grid(plots [][]*plot.Plot) func(draw.Canvas) {
	return func(c draw.Canvas) {
		tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 3,
			PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
		canvases := plot.Align(plots, tiles, c)
		for j, row := range plots {
			for i, p := range row {
				if p != nil {
					p.Draw(canvases[j][i])
				}
			}
		}
	}
}

// withAxisLabels draws axis labels for a whole figure: y rotated in a strip
// at the left, x (if any) in a strip at the bottom, the body in the rest.
// Log-scale axes carry their labels this way: gonum reserves room for a
// plot's own axis label around the axis' arithmetic mid-range, which on a
// log axis lies near its end and would leave a wide empty band.
func withAxisLabels(xLabel, yLabel string, body func(draw.Canvas)) func(draw.Canvas) {
	return withAxisLabelsSized(xLabel, yLabel, 0, body)
}

// withAxisLabelsSized is withAxisLabels in a given font size (0: the default).
func withAxisLabelsSized(xLabel, yLabel string, size vg.Length, body func(draw.Canvas)) func(draw.Canvas) {
	return func(c draw.Canvas) {
		ts := plot.New().Y.Label.TextStyle
		if size > 0 {
			ts.Font.Size = size
		}
		ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
		rest := c
		if yLabel != "" {
			strip := ts.Height(yLabel) * 1.4
			rest.Min.X += strip
			ts.Rotation = math.Pi / 2
			c.FillText(ts, vg.Point{X: c.Min.X + strip/2, Y: (c.Min.Y + c.Max.Y) / 2}, yLabel)
			ts.Rotation = 0
		}
		if xLabel != "" {
			strip := ts.Height(xLabel) * 1.4
			rest.Min.Y += strip
			c.FillText(ts, vg.Point{X: (rest.Min.X + rest.Max.X) / 2, Y: c.Min.Y + strip/2}, xLabel)
		}
		body(rest)
	}
}
