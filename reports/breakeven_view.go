package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rtwasm/rtwasm/stats"
)

// breakEvenSection presents the break-even analysis: the model, the ranges
// where each series is fastest, a recommendation per job count, the
// cumulative-time figure and the model's parameters.
func (r *runData) breakEvenSection(list []kernelBreakEven) (section, error) {
	c := section{ID: "breakeven", Heading: headingBreakEven}
	if len(list) == 0 {
		c.Empty = "No kernel has both startup and job times, so there is nothing to weigh."
		return c, nil
	}
	c.Paragraphs = []string{
		"Which is better in which situation? Model: N jobs of a kernel run in one process (a periodic task, or a warm " +
			"serverless instance) take T(N) = startup + first job + (N−1) × steady job, with the median startup time, the median " +
			"time of the prolonged test's first iteration and the median of its later iterations (reps pooled; the total " +
			"experiment's single job when there is no prolonged test). A single cold request is N = 1. Each T is a line in N, so " +
			"every series is fastest on one range of job counts; the ranges' bounds are the break-even points. " +
			"The task length is the kernel's lowest steady job time over all series. The fastest series switches only where the " +
			"next one's steady job is judged different (lower) — Holm-corrected over all pairs of the kernel's series, at the " +
			"noise-floor margin — and each break-even point N* carries a 95% bootstrap CI; series whose steady jobs tie are " +
			"written a ≈ b, and a faster series the samples cannot judge is named instead of recommended. Also in breakeven.csv.",
		steadyNarrative(r.steadyStatesOf(list)),
		recommendationNarrative(list),
		r.guidanceCaveat(),
		r.representativeAdvice(list),
	}
	fig, err := r.breakEvenFigure(list)
	if err != nil {
		return c, err
	}
	c.Figures = []*figure{fig}
	c.Tables = []table{breakEvenTable(list), recommendationTable(list), costModelTable(list)}
	return c, nil
}

func breakEvenTable(list []kernelBreakEven) table {
	t := table{Caption: "Break-even points: the fastest series per range of job counts, switching only on evidence",
		Header: []string{"Kernel", "Task (ms per job)", "Jobs N", "Fastest series", "T(N) at the range start (ms)", "Evidence for the switch"}}
	for _, k := range list {
		for i, rg := range k.Ranges {
			t.Rows = append(t.Rows, []string{k.Benchmark, formatMS(k.TaskMS), rg.jobsText(), rg.names(),
				formatMS(k.model(rg.Series).cumulative(rg.From)), k.evidenceText(i)})
		}
	}
	return t
}

// evidenceText shows the difference a switch rests on and the break-even
// point's CI; the first range needs none (lowest startup + first job).
func (k kernelBreakEven) evidenceText(i int) string {
	if i == 0 {
		return "fastest single job"
	}
	e, pt := k.Ranges[i].Evidence, k.Ranges[i].Point
	return fmt.Sprintf("steady job %.3g× [90%% CI %.3g, %.3g] that of %s: different (Holm p = %s) and beyond the noise floor "+
		"(%s); break-even N* = %s, 95%% CI [%s, %s]", e.Ratio, e.Low, e.High, k.Ranges[i-1].Series, formatP(e.PHolm),
		formatPercent(stats.Margin(k.Floor)), jobsText(pt.N), jobsText(pt.Low), jobsText(pt.High))
}

// jobsText prints a job count; +Inf is "never".
func jobsText(n float64) string {
	if math.IsInf(n, 1) {
		return "never"
	}
	return formatJobs(math.Ceil(n))
}

// undecidedText says which faster series the samples cannot judge.
func (k kernelBreakEven) undecidedText() string {
	var parts []string
	for _, u := range k.Undecided {
		verdict := verdictText(u.Result.Verdict, u.Result.SamplesNeeded)
		if u.Result.Verdict == stats.Different {
			verdict = "different, but within this run's noise floor of " + formatPercent(k.Floor) + ": not a finding"
		}
		parts = append(parts, fmt.Sprintf("%s's steady job is %.3g× [%.3g, %.3g] that of %s: %s", u.Series, u.Result.Ratio,
			u.Result.Low, u.Result.High, u.Winner, verdict))
	}
	if len(parts) == 0 {
		return ""
	}
	return "not recommended on this evidence — " + strings.Join(parts, "; ")
}

// recommendationTable reads: a task of this length, run N times: use X.
func recommendationTable(list []kernelBreakEven) table {
	t := table{Caption: "Recommendation: a task of this length, run N times in one process: use …",
		Header: []string{"Kernel", "Task (ms per job)"}}
	for _, n := range recommendationJobs {
		t.Header = append(t.Header, "N = "+formatJobs(n))
	}
	byTask := slices.Clone(list)
	slices.SortStableFunc(byTask, func(a, b kernelBreakEven) int { return compareFloat(a.TaskMS, b.TaskMS) })
	for _, k := range byTask {
		row := []string{k.Benchmark, "~" + formatTime(k.TaskMS)}
		for _, n := range recommendationJobs {
			w := k.winnerAt(n)
			if u := k.undecidedAt(n); len(u) > 0 {
				w += " (not decided vs " + strings.Join(u, ", ") + ")"
			}
			row = append(row, w)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func costModelTable(list []kernelBreakEven) table {
	t := table{Caption: "Model parameters (medians, ms)",
		Header: []string{"Kernel", "Series", "Startup", "First job", "Each further job (steady)", "Warm-up jobs", "Job times from"}}
	for _, k := range list {
		for _, m := range k.Models {
			t.Rows = append(t.Rows, []string{k.Benchmark, m.Series, formatMS(m.StartupMS), formatMS(m.FirstMS), formatMS(m.SteadyMS),
				m.Steady.warmupText(), m.Source})
		}
	}
	return t
}

// recommendationNarrative tallies the fastest series for one job and for
// the largest job count of the recommendation table.
func recommendationNarrative(list []kernelBreakEven) string {
	var parts []string
	for _, n := range []float64{1, recommendationJobs[len(recommendationJobs)-1]} {
		wins := map[string]int{}
		var order []string
		for _, k := range list {
			w := k.winnerAt(n)
			if wins[w] == 0 {
				order = append(order, w)
			}
			wins[w]++
		}
		slices.SortStableFunc(order, func(a, b string) int { return wins[b] - wins[a] })
		var tally []string
		for _, w := range order {
			tally = append(tally, fmt.Sprintf("%s for %d", w, wins[w]))
		}
		parts = append(parts, fmt.Sprintf("for N = %s, %s", formatJobs(n), strings.Join(tally, ", ")))
	}
	return fmt.Sprintf("Fastest series over %d kernels: %s.", len(list), strings.Join(parts, "; "))
}

// representativeAdvice spells out the advice for the representative kernels.
func (r *runData) representativeAdvice(list []kernelBreakEven) string {
	var parts []string
	for _, k := range r.breakEvenKernels(list) {
		var ranges []string
		for _, rg := range k.Ranges {
			ranges = append(ranges, fmt.Sprintf("%s: %s", rg.timesText(), rg.names()))
		}
		text := fmt.Sprintf("%s (a task of ~%s): %s", k.Benchmark, formatTime(k.TaskMS), strings.Join(ranges, "; "))
		if u := k.undecidedText(); u != "" {
			text += " — " + u
		}
		parts = append(parts, text)
	}
	return "In words — " + strings.Join(parts, ". ") + "."
}

// breakEvenKernels are the representative kernels among those analysed.
func (r *runData) breakEvenKernels(list []kernelBreakEven) []kernelBreakEven {
	var names []string
	for _, k := range list {
		names = append(names, k.Benchmark)
	}
	var picked []kernelBreakEven
	for _, name := range representatives(names) {
		picked = append(picked, list[slices.Index(names, name)])
	}
	return picked
}

// breakEvenFigure plots T(N) per series for the representative kernels,
// log-log for N from 1 to 10⁴, with the break-even points marked.
func (r *runData) breakEvenFigure(list []kernelBreakEven) (*figure, error) {
	kernels := r.breakEvenKernels(list)
	var series []string
	row := make([]*plot.Plot, len(kernels))
	for i, k := range kernels {
		p := newPlot(k.Benchmark+fmt.Sprintf(" (task ~%s)", formatTime(k.TaskMS)), "", "")
		for _, m := range k.Models {
			line, err := plotter.NewLine(cumulativeCurve(m))
			if err != nil {
				return nil, err
			}
			line.LineStyle = r.style(m.Series).line()
			p.Add(line)
			if !slices.Contains(series, m.Series) {
				series = append(series, m.Series)
			}
		}
		var marks []float64
		for _, rg := range k.Ranges[1:] {
			if rg.From <= recommendationJobs[len(recommendationJobs)-1] {
				marks = append(marks, rg.From)
			}
		}
		p.Add(verticalMarks(marks), horizontalGrid())
		useLog(&p.X)
		useLogY(p)
		row[i] = p
	}
	slices.SortFunc(series, func(a, b string) int { return slices.Index(r.series, a) - slices.Index(r.series, b) })
	width := max(5*vg.Inch, vg.Length(len(kernels))*3.3*vg.Inch)
	return r.newFigure("fig5_breakeven", "Fig. 5: Cumulative time vs jobs",
		"Modelled time T(N) = startup + first job + (N−1) × steady job for N jobs in one process, per series; "+
			"dotted lines mark break-even points, where the fastest series changes. Log–log scales.",
		width, 3.5*vg.Inch, series, withAxisLabels("jobs N (log scale)", "time for N jobs (ms, log scale)", grid([][]*plot.Plot{row}))), nil
}

// cumulativeCurve samples T(N) at log-spaced N from 1 to 10⁴.
func cumulativeCurve(m costModel) plotter.XYs {
	const steps = 80
	last := recommendationJobs[len(recommendationJobs)-1]
	pts := make(plotter.XYs, steps+1)
	for i := range pts {
		n := math.Pow(last, float64(i)/steps)
		pts[i] = plotter.XY{X: n, Y: m.cumulative(n)}
	}
	return pts
}

// verticalMarks draws dotted vertical lines at the given x values.
type verticalMarks []float64

func (v verticalMarks) Plot(c draw.Canvas, p *plot.Plot) {
	toX, _ := p.Transforms(&c)
	style := draw.LineStyle{Color: lighten(palette[6], 0.5), Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
	for _, x := range v {
		c.StrokeLine2(style, toX(x), c.Min.Y, toX(x), c.Max.Y)
	}
}

// steadyStatesOf collects the steady states behind the models.
func (r *runData) steadyStatesOf(list []kernelBreakEven) map[steadyKey]steadyState {
	states := map[steadyKey]steadyState{}
	for _, k := range list {
		for _, m := range k.Models {
			if m.Steady.Processes > 0 {
				states[steadyKey{k.Benchmark, m.Series}] = m.Steady
			}
		}
	}
	return states
}

// guidanceCaveat says when the profile's steady states are indicative only.
func (r *runData) guidanceCaveat() string {
	if it := r.manifest.Options.Iterations; it > 0 && it < stats.MinWarmupSeries {
		return fmt.Sprintf("This run's prolonged processes have %d iterations, fewer than the %d warm-up detection needs: "+
			"its steady states, and so the guidance for many jobs, are indicative only.", it, stats.MinWarmupSeries)
	}
	return ""
}
