package reports

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rtwasm/rtwasm/internal/safefile"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

const headingTail = "Tail: budgets to reserve and interference"

// heavyXi is the GEV shape from which the narrative calls a tail heavy: the
// return level then grows at least like the square root of 1/p.
const heavyXi = 0.5

// tailSection shows the tail analysis of a run made for it, and, when its
// rows carry more than one stress condition, the interference comparison.
func (r *runData) tailSection() (section, error) {
	return r.tailSectionOf(r.tailCells())
}

func (r *runData) tailSectionOf(cells []tailCell) (section, error) {
	c := section{ID: "tail", Heading: headingTail}
	if len(cells) == 0 {
		c.Empty = fmt.Sprintf("No cell has %d or more startup or job samples; a tail run (RTWASM_PROFILE=tail, `go tool mage tail`) provides them.", tailMinSamples)
		return c, nil
	}
	c.Paragraphs = []string{
		fmt.Sprintf("For cells with at least %d samples (startup, per kernel and pooled over kernels; and jobs 2… of the prolonged test), "+
			"the samples in run order must first pass the MBPTA gates: Ljung–Box with %d lags (independence) and KS between the run's "+
			"two halves (identical distribution), each at p ≥ 0.05; a cell that fails one is not fitted and the failed gate is named. "+
			"A cell that passes is fitted twice. Block maxima of ⌊√n⌋ samples are fitted to a GEV by maximum likelihood, kept as a "+
			"Gumbel unless the shape is significant, and checked by Anderson–Darling with a parametric bootstrap; the budget to reserve "+
			"at a per-run exceedance probability p is the level the fit exceeds with probability 1 − (1 − p)^b per block of b runs, with "+
			"its 95%% delta-method CI (a lower bound on the uncertainty far in the tail). Beside it, MBPTA-CV checks that the excesses "+
			"over the top %d%% have a coefficient of variation of at most 1 (a tail no heavier than exponential; at least %d excesses, "+
			"so %d samples) and projects the exponential tail. Ljung–Box on the block maxima is shown, not gated on; the gap between "+
			"trials was %s. Also in tail.csv when rendered by `go tool mage interference`.", tailMinSamples, stats.LjungBoxLags,
			int(100*stats.MaxTailFraction), stats.MinExceedances, int(stats.MinExceedances/stats.MaxTailFraction), r.gapText()),
		tailNarrative(cells),
	}
	fig, err := r.tailExceedanceFigure(cells)
	if err != nil {
		return c, err
	}
	if fig != nil {
		c.Figures = []*figure{fig}
	}
	c.Paragraphs = append(c.Paragraphs, r.hostNarrative(cells))
	c.Tables = append(c.Tables, budgetTable(cells), checksTable(cells), r.hostTable(), r.besideTable(cells))
	if ratios := r.tailRatios(cells); len(ratios) > 0 {
		c.Paragraphs = append(c.Paragraphs, interferenceNarrative(ratios))
		c.Tables = append(c.Tables, ratioTable(ratios))
	} else if len(r.conditions()) > 1 {
		c.Paragraphs = append(c.Paragraphs, "The rows carry more than one stress condition but no cell has enough samples in both.")
	}
	return c, nil
}

func (r *runData) gapText() string {
	if g := r.manifest.Options.Gap; g > 0 {
		return g.String()
	}
	return "none"
}

func tailNarrative(cells []tailCell) string {
	fitted, failed := 0, 0
	for _, c := range cells {
		if c.fitted() {
			fitted++
		} else {
			failed++
		}
	}
	rawCorrelated, heavy := 0, 0
	for _, c := range cells {
		if c.RawLBP < evtAlpha {
			rawCorrelated++
		}
		if c.heavy() {
			heavy++
		}
	}
	text := fmt.Sprintf("Of %d tail cells: %d fitted; %d not (the failing check is named in the table). In %d of them the raw samples "+
		"are still autocorrelated (Ljung–Box p < 0.05): the gap between trials did not make consecutive samples independent there.",
		len(cells), fitted, failed, rawCorrelated)
	if heavy > 0 {
		text += fmt.Sprintf(" %d fitted cells have a heavy tail (GEV ξ ≥ %.1f): their budgets at 1e-6 and below grow without a practical "+
			"bound, a sign of rare long stalls (other tenants, page faults, migrations) that a reservation cannot cover; find and remove "+
			"their source rather than reserve for them.", heavy, heavyXi)
	}
	return text
}

// budgetTable is "budget to reserve" per series at 1e-3/1e-6/1e-9 beside
// the observed maximum: startup pooled over kernels (or the one kernel).
func budgetTable(cells []tailCell) table {
	t := table{Caption: "Startup: budget to reserve per series at a per-run exceedance probability (ms, 95% CI), beside the observed maximum",
		Header: []string{"Series", "Stress", "Kernels", "n", "Observed max", "p99", "Fit", "1e-3", "1e-6", "1e-9"}}
	pooled := slices.ContainsFunc(cells, func(c tailCell) bool { return c.Benchmark == pooledKernels })
	for _, c := range cells {
		if c.Metric.Name != startupMetric.Name || (pooled && c.Benchmark != pooledKernels) {
			continue
		}
		row := []string{c.Series, c.Stress, c.Benchmark, strconv.Itoa(c.N), formatMS(c.Max), formatMS(c.P99), c.Status, "–", "–", "–"}
		for i, b := range c.Budget {
			row[7+i] = c.budgetText(i, formatInterval(b))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Note = "Reserve the upper end of the CI; where the fit failed a check, only the observed maximum is honest."
	return t
}

// checksTable lists every cell with its i.i.d. checks, fit and budgets.
func checksTable(cells []tailCell) table {
	t := table{Caption: "Every tail cell: the MBPTA gates, the GEV budget at 1e-3/1e-6/1e-9 and MBPTA-CV's bound at 1e-6 (ms)",
		Header: []string{"Metric", "Benchmark", "Series", "Stress", "n", "Max", "Block", "LB raw p (gate)", "KS p (gate)", "LB maxima p",
			"GEV", "1e-3", "1e-6", "1e-9", "MBPTA-CV", "CV 1e-6"}}
	for _, c := range cells {
		row := []string{c.Metric.Name, c.Benchmark, c.Series, c.Stress, strconv.Itoa(c.N), formatMS(c.Max), strconv.Itoa(c.Block),
			orDash(formatP(c.RawLBP)), orDash(formatP(c.KSP)), orDash(formatP(c.MaximaLBP)), c.Status, "–", "–", "–", c.CVStatus, "–"}
		for i, b := range c.Budget {
			row[11+i] = c.budgetText(i, formatMS(b.V))
		}
		if c.CVBound != nil {
			row[15] = formatMS(c.CVBound[budgetIndex])
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// heavy reports whether the fit has a heavy tail (ξ ≥ heavyXi).
func (c tailCell) heavy() bool { return c.fitted() && !c.Fit.Gumbel && c.Fit.Model.Xi >= heavyXi }

// budgetText is the budget at exceedanceProbabilities[i] as shown: beyond
// the samples' reach (p < 1/n) a heavy-tailed fit gives astronomic times
// that no one can reserve, so the table names the tail instead (tail.csv
// keeps the numbers).
func (c tailCell) budgetText(i int, text string) string {
	if c.heavy() && exceedanceProbabilities[i] < 1/float64(c.N) {
		return fmt.Sprintf("unbounded in practice (ξ = %.2f)", c.Fit.Model.Xi)
	}
	return text
}

func formatInterval(v interval) string {
	return fmt.Sprintf("%s [%s, %s]", formatMS(v.V), formatMS(v.Low), formatMS(v.High))
}

func ratioTable(list []tailRatio) table {
	t := table{Caption: "Interference: tail under stress ÷ tail without, same cell (95% bootstrap CI)",
		Header: []string{"Metric", "Benchmark", "Series", "Stress", "p99 none", "p99 stressed", "p99 ratio", "budget 1e-6 ratio"}}
	for _, r := range list {
		t.Rows = append(t.Rows, []string{r.Metric.Name, r.Benchmark, r.Series, r.Stress, formatMS(r.Base.P99), formatMS(r.Loaded.P99),
			formatRatioCI(r.P99), formatRatioCI(r.Budget)})
	}
	t.Note = "The budget ratio needs both cells fitted; its CI refits the GEV to resampled block maxima."
	return t
}

// interferenceNarrative names the ratios whose CIs exclude 1. A tail that
// gets shorter under load is not contention: the two runs then differ in
// something else (other tenants, frequency, time; on a VM, idle-vCPU
// wake-ups that a busy neighbour avoids).
func interferenceNarrative(list []tailRatio) string {
	var up, down []string
	for _, r := range list {
		name := fmt.Sprintf("%s %s %s ×%s", r.Series, r.Metric.Name, r.Benchmark, formatRatio(r.P99.V))
		switch {
		case r.P99.Low > 1:
			up = append(up, name)
		case r.P99.High < 1:
			down = append(down, name)
		}
	}
	text := fmt.Sprintf("Of %d cells measured under both conditions, the p99 under interference is higher with a CI above 1 in %d",
		len(list), len(up))
	if len(up) > 0 {
		text += " (" + strings.Join(up, ", ") + ")"
	}
	text += "; the other ratios' CIs include 1 or lie below it."
	if len(down) > 0 {
		text += fmt.Sprintf(" Warning: in %d cells (%s) the tail is shorter under load. Contention cannot make a job faster, so "+
			"something else differs: the two runs' hosts (other work, CPU frequency, the time between them), or, on a virtual "+
			"machine, the wake-up latency of idle virtual CPUs, which a busy neighbour removes. Repeat both runs back to back on a "+
			"quiet host (`go tool mage doctor`), and a none-vs-none pair to see how far two runs differ without any stress.", len(down), strings.Join(down, ", "))
	}
	return text
}

// tailExceedanceFigure draws per series and condition the empirical and
// fitted per-run exceedance of startup (pooled over kernels) on one
// log-probability figure, down to 1e-9.
func (r *runData) tailExceedanceFigure(cells []tailCell) (*figure, error) {
	pooled := slices.ContainsFunc(cells, func(c tailCell) bool { return c.Benchmark == pooledKernels })
	p := newPlot("Startup: exceedance probability per run", "", "")
	var entries []keyEntry
	for _, c := range cells {
		if c.Metric.Name != startupMetric.Name || (pooled && c.Benchmark != pooledKernels) {
			continue
		}
		style := r.style(c.Series)
		if c.Stress != "none" {
			style = seriesStyle{Color: lighten(style.Color, 0.45), Shape: draw.CrossGlyph{}}
		}
		observed, err := plotter.NewScatter(empiricalExceedance(c.values))
		if err != nil {
			return nil, err
		}
		observed.GlyphStyle = style.glyph()
		observed.GlyphStyle.Radius = vg.Points(1.5)
		p.Add(observed)
		name := c.Series
		if len(r.conditions()) > 1 || c.Stress != "none" {
			name += " · stress " + c.Stress
		}
		if c.fitted() {
			curve, err := plotter.NewLine(c.fittedCurve())
			if err != nil {
				return nil, err
			}
			curve.LineStyle = style.line()
			p.Add(curve)
		} else {
			name += " (not fitted)"
		}
		entries = append(entries, keyEntry{Name: name, Style: style})
	}
	if len(entries) == 0 {
		return nil, nil
	}
	host, entry, err := r.hostLine()
	if err != nil {
		return nil, err
	}
	if host != nil {
		p.Add(host)
		entries = append(entries, entry)
	}
	p.Add(levelLines(exceedanceProbabilities))
	useLog(&p.X)
	useLogY(p)
	width := 6 * vg.Inch
	drawing, keyHeight := withKey(width, entries, withAxisLabels("startup time, or the host's wake-up latency (ms, log scale)", "probability of exceeding, per run (log scale)", p.Draw))
	return &figure{Name: "fig_tail_exceedance", Title: "Tail: startup exceedance per series",
		Caption: "Per-run probability of exceeding a startup time, per series (startup pooled over the tail kernels): points are the " +
			"observed cold starts (i/(n+1)), lines the GEV/Gumbel fit of the block maxima converted to one run, down to 1e-9 or to " +
			strconv.Itoa(curveReach) + "× the observed maximum, whichever comes first (heavy tails stop there; the budget table has their levels); " +
			"lighter crosses are the same series under interference. The grey dashed steps are the host's own wake-up latency on the " +
			"sampled CPUs (cyclictest before and after the run, probability per 1 ms wake-up), where measured: a series' tail that " +
			"lies on it is the host's. Dotted levels at 1e-3, 1e-6 and 1e-9.",
		Width: width, Height: 4.5*vg.Inch + keyHeight, draw: drawing}, nil
}

// curveReach caps the drawn fit at this multiple of the observed maximum:
// a heavy-tailed fit (ξ near 1) reaches 1e-9 only at absurd times, which
// would squeeze every observation into a corner; the table keeps the figure.
const curveReach = 50

// fittedCurve samples the fitted per-run exceedance from the smallest
// block maximum (below it the block-maxima model says nothing) to the budget at the smallest probability (at most curveReach × the observed
// maximum), on a log grid.
func (c tailCell) fittedCurve() plotter.XYs {
	lo, hi := slices.Min(c.maxima), min(c.Budget[len(c.Budget)-1].V, curveReach*c.Max)
	var pts plotter.XYs
	const steps = 160
	for i := range steps + 1 {
		x := lo * math.Pow(hi/lo, float64(i)/steps)
		if y := c.perRunExceedance(x); y > 0 && y < 1 {
			pts = append(pts, plotter.XY{X: x, Y: y})
		}
	}
	return pts
}

// RenderInterference compares the tails of two runs made under different
// stress conditions (RTWASM_STRESS): their rows are pooled (each keeps its
// stress column) and the tail section rendered alone, with tail.csv and
// interference.csv, into baseDir/report/interference-<other run id>.
func RenderInterference(baseDir, otherDir string) (string, error) {
	m, rows, err := run.ReadRun(baseDir)
	if err != nil {
		return "", err
	}
	om, other, err := run.ReadRun(otherDir)
	if err != nil {
		return "", err
	}
	r := newRun(m, append(rows, other...))
	if conds := r.conditions(); len(conds) < 2 {
		return "", fmt.Errorf("runs %s and %s were both measured under stress %v; compare runs with different RTWASM_STRESS", m.RunID, om.RunID, conds)
	}
	cells := r.tailCells()
	sec, err := r.tailSectionOf(cells)
	if err != nil {
		return "", err
	}
	ratios := r.tailRatios(cells)
	if len(ratios) == 0 {
		return "", errors.New("no cell has enough samples under both conditions; use tail runs (RTWASM_PROFILE=tail) of the same kernels and series")
	}
	pg := page{Title: fmt.Sprintf("rtwasm interference: run %s vs %s", m.RunID, om.RunID),
		Intro: fmt.Sprintf("The tails of run %s (stress %s, gap %s) and run %s (stress %s, gap %s), cell by cell.",
			m.RunID, orDash(m.Options.Stress), m.Options.Gap, om.RunID, orDash(om.Options.Stress), om.Options.Gap),
		Sections: []section{sec}}
	rel := filepath.Join(ReportDir, "interference-"+om.RunID)
	out := filepath.Join(baseDir, rel)
	if err := safefile.RemoveAll(baseDir, rel); err != nil {
		return "", err
	}
	outputs := []output{
		{"tail.csv", csvBytes(tailHeader, cells, tailCell.fields)},
		{"interference.csv", csvBytes(ratioHeader, ratios, tailRatio.fields)},
	}
	if err := writeReport(baseDir, rel, pg, pdfDate(m), outputs); err != nil {
		return "", err
	}
	return out, nil
}
