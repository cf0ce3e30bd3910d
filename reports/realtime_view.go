package reports

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/stats"
)

func (r *runData) realTimeSection(list []evtResult) (section, error) {
	c := section{ID: "realtime", Heading: headingRealTime}
	if len(list) == 0 {
		c.Empty = "No startup or total samples, so there is nothing to bound."
		return c, nil
	}
	c.Paragraphs = []string{
		fmt.Sprintf("A WCET needs the tail, not the average. For each series × benchmark (total time: the whole job from launch; "+
			"and startup), the observed maximum and a probabilistic WCET (pWCET) by extreme value theory: the samples in run order "+
			"are tested for independence (Ljung–Box, min(10, n/5) lags) and identical distribution (Kolmogorov–Smirnov between the "+
			"first and second half), each at the 5%% level; then split into blocks of ⌊√n⌋ samples (at least %d, and small enough "+
			"for %d blocks; a last incomplete block dropped) whose maxima are fitted to the generalised extreme value (GEV) "+
			"distribution by maximum likelihood. The shape ξ is kept only when a likelihood-ratio test finds it significant, "+
			"else the Gumbel (ξ = 0) is used; the fit is then tested by Anderson–Darling with a parametric-bootstrap p-value "+
			"(%d replicates, fixed seed), and a rejected or failed fit gives the observed maximum only. The pWCET at probability "+
			"p is the time exceeded with probability p per run, with its 95%% delta-method CI (which understates the upper "+
			"uncertainty far in the tail). A cell needs at least %d samples; otherwise it says \"%s\". Also in realtime.csv.",
			evtMinBlock, evtMinBlocks, evtBootstrap, evtMinSamples, evtTooFew),
		evtNarrative(list),
	}
	fig, err := r.exceedanceFigure(list)
	if err != nil {
		return c, err
	}
	if fig != nil {
		c.Figures = []*figure{fig}
	} else {
		c.Paragraphs = append(c.Paragraphs, "No cell passed the checks with enough samples, so no exceedance curve is drawn.")
	}
	for _, m := range evtMetrics {
		t := table{Caption: fmt.Sprintf("%s: observed maximum and pWCET per run (ms)", m.Experiment),
			Header: []string{"Benchmark", "Series", "n", "Observed max", "Block", "Ljung–Box p", "KS p", "EVT", "Model (AD p)",
				"pWCET 1e-3 [95% CI]", "pWCET 1e-6 [95% CI]", "pWCET 1e-9 [95% CI]"}}
		for _, e := range list {
			if e.Metric.Name != m.Name {
				continue
			}
			block := "–"
			if e.Status != evtTooFew {
				block = strconv.Itoa(e.Block)
			}
			row := []string{e.Benchmark, e.Series, strconv.Itoa(e.N), formatMS(e.Max), block,
				orDash(formatP(e.LjungBoxP)), orDash(formatP(e.KSP)), e.Status, "–", "–", "–", "–"}
			if e.fitted() {
				row[8] = e.family() + " (" + formatP(e.Fit.ADP) + ")"
			}
			for i, x := range e.PWCET {
				row[9+i] = formatMS(x.Value) + " [" + formatMS(x.Low) + ", " + formatMS(x.High) + "]"
			}
			t.Rows = append(t.Rows, row)
		}
		if len(t.Rows) > 0 {
			c.Tables = append(c.Tables, t)
		}
	}
	return c, nil
}

func evtNarrative(list []evtResult) string {
	fitted, tooFew, rejected := 0, 0, 0
	for _, e := range list {
		switch {
		case e.fitted():
			fitted++
		case e.Status == evtTooFew:
			tooFew++
		default:
			rejected++
		}
	}
	return fmt.Sprintf("Of %d cells: %d fitted; %d with too few samples for EVT (observed maximum only); %d failing an "+
		"i.i.d. check (observed maximum only: a pWCET would not be trustworthy there).", len(list), fitted, tooFew, rejected)
}

const maxExceedanceCurves = 4

// exceedanceCells picks up to maxExceedanceCurves fitted cells of distinct
// series, the paper's representative kernels first; nil if none is fitted.
func exceedanceCells(list []evtResult) []evtResult {
	var picked []evtResult
	seen := map[string]bool{}
	for _, preferred := range []bool{true, false} {
		for _, e := range list {
			if len(picked) < maxExceedanceCurves && e.fitted() && !seen[e.Series] &&
				slices.Contains(paper.Fig3Kernels, e.Benchmark) == preferred {
				picked = append(picked, e)
				seen[e.Series] = true
			}
		}
	}
	return picked
}

// exceedanceFigure draws, per picked cell, the empirical exceedance of the
// observed runs and the fitted per-run exceedance curve down to 1e-9.
func (r *runData) exceedanceFigure(list []evtResult) (*figure, error) {
	cells := exceedanceCells(list)
	if len(cells) == 0 {
		return nil, nil
	}
	p := newPlot("Exceedance probability per run", "", "")
	var entries []keyEntry
	for _, e := range cells {
		style := r.style(e.Series)
		observed, err := plotter.NewScatter(empiricalExceedance(e.values))
		if err != nil {
			return nil, err
		}
		observed.GlyphStyle = style.glyph()
		curve, low, high := fittedExceedance(e)
		p.Add(observed)
		for i, pts := range []plotter.XYs{curve, low, high} {
			line, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			line.LineStyle = style.line()
			if i > 0 { // the CI bounds: thin and dashed
				line.LineStyle.Width = vg.Points(0.6)
				line.LineStyle.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
			}
			p.Add(line)
		}
		entries = append(entries, keyEntry{Name: fmt.Sprintf("%s · %s (%s)", e.Series, e.Benchmark, e.Metric.Name), Style: style})
	}
	p.Add(levelLines(exceedanceProbabilities))
	useLog(&p.X)
	useLogY(p)
	width := 6 * vg.Inch
	drawing, keyHeight := withKey(width, entries, withAxisLabels("time (ms, log scale)", "probability of exceeding, per run (log scale)", p.Draw))
	return &figure{Name: "fig4_exceedance", Title: "Fig. 4: Exceedance curves",
		Caption: "Per-run probability of exceeding a time: points are the observed runs (empirical, i/(n+1)), solid lines the GEV " +
			"(or Gumbel) fit of the block maxima converted to one run, dashed lines its 95% CI; dotted levels at 1e-3, 1e-6 and 1e-9, where the pWCET is read. Log–log scales.",
		Width: width, Height: 4.5*vg.Inch + keyHeight, draw: drawing}, nil
}

// empiricalExceedance is P(X > x) ≈ 1 − i/(n+1) at the i-th smallest value.
func empiricalExceedance(values []float64) plotter.XYs {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	pts := make(plotter.XYs, len(sorted))
	for i, x := range sorted {
		pts[i] = plotter.XY{X: x, Y: 1 - float64(i+1)/float64(len(sorted)+1)}
	}
	return pts
}

// fittedExceedance samples the fitted per-run exceedance curve and its CI
// bounds, at log-spaced probabilities from 0.1 to the smallest pWCET one.
func fittedExceedance(e evtResult) (curve, low, high plotter.XYs) {
	const steps = 120
	top, bottom := math.Log10(0.1), math.Log10(exceedanceProbabilities[len(exceedanceProbabilities)-1])
	for i := range steps + 1 {
		p := math.Pow(10, top+(bottom-top)*float64(i)/steps)
		x, lo, hi := e.Fit.ReturnLevel(stats.PerBlock(p, e.Block))
		for _, pt := range []struct {
			into *plotter.XYs
			x    float64
		}{{&curve, x}, {&low, lo}, {&high, hi}} {
			if pt.x > 0 && !math.IsInf(pt.x, 0) {
				*pt.into = append(*pt.into, plotter.XY{X: pt.x, Y: p})
			}
		}
	}
	return curve, low, high
}

// levelLines draws faint dotted horizontal lines at the given y values.
type levelLines []float64

func (l levelLines) Plot(c draw.Canvas, p *plot.Plot) {
	_, toY := p.Transforms(&c)
	style := draw.LineStyle{Color: color.Gray{0x99}, Width: vg.Points(0.6), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
	for _, y := range l {
		c.StrokeLine2(style, c.Min.X, toY(y), c.Max.X, toY(y))
	}
}

// DataRange makes the levels part of the y range.
func (l levelLines) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), slices.Min(l), slices.Max(l)
}
