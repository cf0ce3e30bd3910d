package reports

import (
	"image/color"

	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// seriesStyle is how one series looks in every figure.
type seriesStyle struct {
	Color color.Color
	Shape draw.GlyphDrawer
}

// palette is colour-blind friendly (Okabe–Ito first, then Tableau extras).
var palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
	{0x8C, 0x56, 0x4B, 0xff}, // brown
	{0x94, 0x67, 0xBD, 0xff}, // purple
	{0x7F, 0x7F, 0x7F, 0xff}, // grey
	{0xBC, 0xBD, 0x22, 0xff}, // olive
	{0x17, 0xBE, 0xCF, 0xff}, // cyan
}

// assignStyles gives each series, in the given (sorted) order, the next
// colour and glyph, so a series keeps its look across all figures of a run.
func assignStyles(sortedSeries []string) map[string]seriesStyle {
	styles := make(map[string]seriesStyle, len(sortedSeries))
	for i, series := range sortedSeries {
		styles[series] = seriesStyle{Color: palette[i%len(palette)], Shape: plotutil.Shape(i)}
	}
	return styles
}

// style returns the series' style, grey for an unknown series.
func (r *runData) style(series string) seriesStyle {
	if s, ok := r.styles[series]; ok {
		return s
	}
	return seriesStyle{Color: color.Gray{0x80}, Shape: draw.CircleGlyph{}}
}

func (s seriesStyle) line() draw.LineStyle {
	return draw.LineStyle{Color: s.Color, Width: vg.Points(1.2)}
}

func (s seriesStyle) glyph() draw.GlyphStyle {
	return draw.GlyphStyle{Color: s.Color, Shape: s.Shape, Radius: vg.Points(2.5)}
}

// Thumbnail draws the series' key entry: a short line with its glyph.
func (s seriesStyle) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(s.line(), c.Min.X, y, c.Max.X, y)
	c.DrawGlyphNoClip(s.glyph(), vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: y})
}
