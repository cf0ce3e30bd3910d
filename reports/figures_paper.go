package reports

import (
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rtwasm/rtwasm/paper"
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

// withPaper puts the paper-form figure (if any) before the full ones.
func withPaper(paper *figure, full ...*figure) []*figure {
	if paper == nil {
		return full
	}
	return append([]*figure{paper}, full...)
}
