package reports

import (
	"cmp"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// seriesStyle is how one series looks in every figure.
type seriesStyle struct {
	Color color.Color
	Shape draw.GlyphDrawer
}

// familyHues are the engine families' base colours (Okabe–Ito first, then
// Tableau extras), in the order families are first met.
var familyHues = []color.RGBA{
	{0x00, 0x00, 0x00, 0xff}, // black (native code comes first in the registry order)
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x8C, 0x56, 0x4B, 0xff}, // brown
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x94, 0x67, 0xBD, 0xff}, // purple
	{0xBC, 0xBD, 0x22, 0xff}, // olive
	{0x7F, 0x7F, 0x7F, 0xff}, // grey
	{0x17, 0xBE, 0xCF, 0xff}, // cyan
}

// familyShapes are the glyphs given to a family's members in turn, so two
// series of one family never share a marker (up to eight members).
var familyShapes = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{},
	draw.RingGlyph{}, draw.BoxGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{},
}

// family is a series' engine family: the engine part of its id, with the
// CLI and the library of one engine together and the containers together.
func family(series string) string {
	engine, _, _ := strings.Cut(series, ":")
	switch engine {
	case "wasmtime-cli":
		return "wasmtime"
	case "docker", "runc":
		return "container"
	}
	return engine
}

// assignStyles gives each family a hue and each member a shade of it
// (darkest first) and its own glyph, so a series keeps one look in every
// figure of a run and its colour says its family.
func assignStyles(sortedSeries []string) map[string]seriesStyle {
	members := map[string][]string{}
	var families []string
	for _, s := range sortedSeries {
		f := family(s)
		if _, ok := members[f]; !ok {
			families = append(families, f)
		}
		members[f] = append(members[f], s)
	}
	slices.SortStableFunc(families, func(a, b string) int { return cmp.Compare(familyRank(a), familyRank(b)) })
	styles := make(map[string]seriesStyle, len(sortedSeries))
	next := len(knownFamilies) // unknown families take the hues after the known ones'
	for _, f := range families {
		hi := familyRank(f)
		if hi >= len(knownFamilies) {
			hi, next = next, next+1
		}
		hue := familyHues[hi%len(familyHues)]
		n := len(members[f])
		for k, s := range members[f] {
			shade := 0.0
			if n > 1 {
				shade = 0.55 * float64(k) / float64(n-1)
			}
			styles[s] = seriesStyle{Color: lighten(hue, shade), Shape: familyShapes[k%len(familyShapes)]}
		}
	}
	return styles
}

// familyRank keeps the usual families' hues fixed from run to run.
func familyRank(f string) int {
	if i := slices.Index(knownFamilies, f); i >= 0 {
		return i
	}
	return len(knownFamilies)
}

var knownFamilies = []string{"native", "wamr", "wasmtime", "wazero", "container", "wasmer", "node", "hybrid"}

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

// palette is the fixed colour list other views pick single colours from
// (palette[6] is black).
var palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xff}, {0xD5, 0x5E, 0x00, 0xff}, {0x00, 0x9E, 0x73, 0xff}, {0xE6, 0x9F, 0x00, 0xff},
	{0xCC, 0x79, 0xA7, 0xff}, {0x56, 0xB4, 0xE9, 0xff}, {0x00, 0x00, 0x00, 0xff}, {0x8C, 0x56, 0x4B, 0xff},
}
