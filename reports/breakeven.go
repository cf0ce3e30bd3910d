package reports

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Break-even model: N jobs of one kernel run in one process (a periodic
// task, or a warm serverless instance) cost
//
//	T(N) = startup + first job + (N−1) · steady job
//
// with startup the median startup time, the first job the median time of
// iteration 1 of the prolonged test and the steady job the median time of
// its later iterations (all reps pooled). T is a line in N, so each series
// is fastest on one interval of N, and the fastest series changes at the
// crossing points of the lower envelope: the break-even points.

// maxJobs bounds the break-even search; a crossing beyond it is not reported.
const maxJobs = 1e12

// recommendationJobs are the job counts of the recommendation table.
var recommendationJobs = []float64{1, 10, 100, 1000, 10000}

// costModel is one series' cost of running a kernel's jobs.
type costModel struct {
	Series                       string
	StartupMS, FirstMS, SteadyMS float64
	Source                       string // where the job times come from
	Steady                       steadyState
	startup, first, steady       []float64
}

// cumulative is T(n), the time for n jobs in one process.
func (c costModel) cumulative(n float64) float64 { return c.StartupMS + c.FirstMS + (n-1)*c.SteadyMS }

// samples are the model's cost samples for stats.BreakEvenCI: each startup
// with the median first job folded in, and the steady jobs.
func (c costModel) samples() stats.CostSamples {
	fixed := make([]float64, len(c.startup))
	for i, s := range c.startup {
		fixed[i] = s + c.FirstMS
	}
	return stats.CostSamples{Startup: fixed, Job: c.steady}
}

// winnerRange is a job-count interval [From, To] where Series is fastest;
// To is +Inf for the last one.
type winnerRange struct {
	Series   string
	From, To float64
	Tied     []string          // series whose steady job ties with Series' (the last range only)
	SameCode []string          // series running Series' code after start-up (A/A; the last range only)
	Evidence *stats.Comparison // Series' steady job vs the previous range's (a switch only)
	Point    stats.BreakEven   // the switch's break-even point and its bootstrap CI
}

// undecidedNote is a series whose steady job might be faster than the
// steady-state winner's, but the samples cannot tell (undecided), or the
// difference lies within the noise floor.
type undecidedNote struct {
	Series, Winner string
	Result         stats.Comparison
}

// kernelBreakEven is the break-even analysis of one kernel.
type kernelBreakEven struct {
	Benchmark string
	TaskMS    float64 // the lowest steady job time: the task's own length
	Margin    float64 // equivalence margin of steady jobs (noise floor, capped)
	Floor     float64 // the steady-job noise floor (NaN when not measured)
	Models    []costModel
	Ranges    []winnerRange
	Undecided []undecidedNote
	steady    map[[2]string]stats.Comparison // steady job of [0] vs [1], both orders
}

// winnerAt returns the fastest series for n jobs, ties written as ties:
// "a ≈ b ≈ c" names the series whose steady job ties with the winner's (or
// runs the same code) and whose modelled T(n) is within the margin of the
// winner's, so a container with a slow start joins only once its start-up
// is amortised.
func (k kernelBreakEven) winnerAt(n float64) string {
	for _, rg := range k.Ranges {
		if n >= rg.From && n <= rg.To {
			names := []string{rg.Series}
			for _, t := range append(slices.Clone(rg.Tied), rg.SameCode...) {
				if k.model(t).cumulative(n) <= (1+k.Margin)*k.model(rg.Series).cumulative(n) {
					names = append(names, t)
				}
			}
			return strings.Join(names, " ≈ ")
		}
	}
	return "–"
}

// names is the range's series, with those whose steady job ties with it
// and those running the same code.
func (rg winnerRange) names() string {
	var notes []string
	if len(rg.Tied) > 0 {
		notes = append(notes, "steady job ≈ "+strings.Join(rg.Tied, " ≈ "))
	}
	if len(rg.SameCode) > 0 {
		notes = append(notes, "same code after start-up as "+strings.Join(rg.SameCode, ", "))
	}
	if len(notes) == 0 {
		return rg.Series
	}
	return rg.Series + " (" + strings.Join(notes, "; ") + ")"
}

// undecidedAt names the undecided series the model would make faster
// than the winner at n jobs: where the evidence, not the model, decides.
func (k kernelBreakEven) undecidedAt(n float64) []string {
	var names []string
	last := k.Ranges[len(k.Ranges)-1]
	for _, u := range k.Undecided {
		if n >= last.From && k.model(u.Series).cumulative(n) < k.model(u.Winner).cumulative(n) {
			names = append(names, u.Series)
		}
	}
	return names
}

func (r *runData) breakEvens(states map[steadyKey]steadyState, noise runNoise) []kernelBreakEven {
	var list []kernelBreakEven
	for _, b := range r.benchmarks {
		var models []costModel
		for _, series := range r.series {
			if m, ok := r.costModel(b, series, states[steadyKey{b, series}]); ok {
				models = append(models, m)
			}
		}
		if len(models) == 0 {
			continue
		}
		task := slices.MinFunc(models, func(x, y costModel) int { return cmp.Compare(x.SteadyMS, y.SteadyMS) }).SteadyMS
		k := kernelBreakEven{Benchmark: b, TaskMS: task, Margin: noise.steadyMargin(b), Floor: floorOf(noise.Steady, b), Models: models}
		k.judgeSteady()
		k.guide()
		list = append(list, k)
	}
	return list
}

// costModel derives a series' model for a kernel: startup from the startup
// experiment (else from the other experiments' rows), job times from the
// prolonged test after warm-up (else the total experiment's one job, main
// start to end).
func (r *runData) costModel(benchmark, series string, st steadyState) (costModel, bool) {
	c := costModel{Series: series, StartupMS: math.NaN(), Steady: st}
	for _, exp := range run.AllExperiments {
		for _, s := range r.samples(exp, benchmark, series) {
			if s.Iteration <= 1 {
				c.startup = append(c.startup, float64(s.StartupNS)/nsPerMS)
			}
		}
		if len(c.startup) > 0 {
			c.StartupMS = stats.Median(c.startup)
			break
		}
	}
	c.first, c.steady = st.First, st.Steady
	c.Source = "prolonged test"
	if len(c.first) == 0 {
		for _, s := range r.samples(run.Total, benchmark, series) {
			c.first = append(c.first, float64(s.ExecNS)/nsPerMS)
		}
		c.Source = "total experiment (one job; steady = first)"
	}
	if len(c.steady) == 0 {
		c.steady = c.first
	}
	c.FirstMS, c.SteadyMS = stats.Median(c.first), stats.Median(c.steady)
	return c, !math.IsNaN(c.StartupMS) && !math.IsNaN(c.FirstMS)
}

// judgeSteady compares the steady jobs of every pair of the kernel's
// series as one Holm family, at the kernel's margin.
func (k *kernelBreakEven) judgeSteady() {
	var pairs []stats.Pair
	var keys [][2]string
	for i, a := range k.Models {
		for _, b := range k.Models[i+1:] {
			pairs = append(pairs, stats.Pair{Name: "steady\x00" + k.Benchmark + "\x00" + a.Series + "\x00" + b.Series,
				A: a.steady, B: b.steady, Margin: k.Margin})
			keys = append(keys, [2]string{a.Series, b.Series})
		}
	}
	k.steady = map[[2]string]stats.Comparison{}
	for i, c := range stats.CompareFamily(pairs, statsOptions) {
		k.steady[keys[i]] = c
		swapped := c
		swapped.MedianA, swapped.MedianB, swapped.NA, swapped.NB = c.MedianB, c.MedianA, c.NB, c.NA
		swapped.Ratio, swapped.Low, swapped.High = 1/c.Ratio, 1/c.High, 1/c.Low
		k.steady[[2]string{keys[i][1], keys[i][0]}] = swapped
	}
}

// finding reports whether a steady-job comparison shows a lower job beyond
// the noise floor: different, and the ratio's whole CI below 1/(1+floor).
// A significant difference the A/A pairs also show is host noise.
func (k kernelBreakEven) finding(c stats.Comparison) bool {
	return c.Verdict == stats.Different && c.High < 1/(1+stats.Margin(k.Floor))
}

// steadyVerdict is the judgement of a's steady job against b's.
func (k kernelBreakEven) steadyVerdict(a, b string) stats.Comparison {
	return k.steady[[2]string{a, b}]
}

// guide walks the lower envelope switching only on evidence: a series
// takes over only where its steady job is judged different (and lower)
// from the current one's; a tie is no switch, and the steady-state range
// names every series tied with its winner; an undecided faster series is
// noted, not recommended. Where the walk switches to a series, the one of
// its tie group cheapest at the switch takes over. Series that run
// identical code after start-up (the A/A groups) never take over from one
// another, and count as one tie group: a difference between their steady
// jobs is host noise, which Setup flags, not a reason to recommend
// docker:engine over native:musl.
func (k *kernelBreakEven) guide() {
	k.Ranges = walkEnvelope(k.Models, func(current, next costModel) bool {
		return !sameCode(current.Series, next.Series) && k.finding(k.steadyVerdict(next.Series, current.Series))
	}, func(next costModel, at float64) costModel {
		best := next
		for _, m := range k.Models {
			equivalent := sameCode(m.Series, next.Series) || k.steadyVerdict(m.Series, next.Series).Verdict == stats.Tied
			if m.Series != next.Series && equivalent && m.cumulative(at) < best.cumulative(at) {
				best = m
			}
		}
		return best
	})
	for i := range k.Ranges {
		rg := &k.Ranges[i]
		if i > 0 {
			prev := k.model(k.Ranges[i-1].Series)
			evidence := k.steadyVerdict(rg.Series, prev.Series)
			rg.Evidence = &evidence
			rg.Point, _ = stats.BreakEvenCI(prev.samples(), k.model(rg.Series).samples(), 0.95, bootstrapResamples,
				seedFor("breakeven", k.Benchmark, prev.Series, rg.Series))
		}
	}
	last := &k.Ranges[len(k.Ranges)-1]
	for _, m := range k.Models {
		if m.Series == last.Series {
			continue
		}
		switch c := k.steadyVerdict(m.Series, last.Series); {
		case sameCode(m.Series, last.Series):
			last.SameCode = append(last.SameCode, m.Series)
		case c.Verdict == stats.Tied:
			last.Tied = append(last.Tied, m.Series)
		case c.Verdict != stats.Tied && m.SteadyMS < k.model(last.Series).SteadyMS:
			k.Undecided = append(k.Undecided, undecidedNote{Series: m.Series, Winner: last.Series, Result: c})
		}
	}
}

// winners walks the lower envelope of the models' lines, switching
// wherever a line drops below: the pure model, without evidence.
func winners(models []costModel) []winnerRange {
	return walkEnvelope(models, func(costModel, costModel) bool { return true }, func(m costModel, _ float64) costModel { return m })
}

// walkEnvelope walks the lower envelope over integer job counts from 1:
// the fastest for one job first (lower steady time on a tie), then,
// repeatedly, the series allowed to take over that first becomes strictly
// faster than the current one, taking the fastest at that job count if
// several do; substitute may hand the range to an equivalent series.
func walkEnvelope(models []costModel, allow func(current, next costModel) bool, substitute func(next costModel, at float64) costModel) []winnerRange {
	current := slices.MinFunc(models, func(a, b costModel) int {
		return cmp.Or(cmp.Compare(a.cumulative(1), b.cumulative(1)), cmp.Compare(a.SteadyMS, b.SteadyMS))
	})
	from := 1.0
	var ranges []winnerRange
	for range len(models) + 1 { // every switch lowers the steady job: at most one per model
		next, at := costModel{}, math.Inf(1)
		for _, m := range models {
			if m.SteadyMS >= current.SteadyMS || !allow(current, m) {
				continue
			}
			// current.cumulative(n) - m.cumulative(n) > 0 from the first integer n past the crossing.
			crossing := 1 + (m.StartupMS+m.FirstMS-current.StartupMS-current.FirstMS)/(current.SteadyMS-m.SteadyMS)
			n := max(from+1, math.Floor(crossing)+1)
			if n > maxJobs {
				continue
			}
			if n < at || n == at && cmp.Or(cmp.Compare(m.cumulative(n), next.cumulative(n)), cmp.Compare(m.SteadyMS, next.SteadyMS)) < 0 {
				next, at = m, n
			}
		}
		if math.IsInf(at, 1) {
			break
		}
		ranges = append(ranges, winnerRange{Series: current.Series, From: from, To: at - 1})
		current, from = substitute(next, at), at
	}
	return append(ranges, winnerRange{Series: current.Series, From: from, To: math.Inf(1)})
}

func (k kernelBreakEven) model(series string) costModel {
	return k.Models[slices.IndexFunc(k.Models, func(m costModel) bool { return m.Series == series })]
}

// jobsText prints a job count range.
func (rg winnerRange) jobsText() string {
	switch {
	case math.IsInf(rg.To, 1) && rg.From == 1:
		return "any number"
	case math.IsInf(rg.To, 1):
		return "≥ " + formatJobs(rg.From)
	case rg.From == rg.To:
		return formatJobs(rg.From)
	default:
		return formatJobs(rg.From) + "–" + formatJobs(rg.To)
	}
}

// timesText is the range as advice: "run 1–30 times".
func (rg winnerRange) timesText() string {
	if rg.From == 1 && rg.To == 1 {
		return "run once"
	}
	if rg.From == 1 && math.IsInf(rg.To, 1) {
		return "run any number of times"
	}
	return "run " + rg.jobsText() + " times"
}

func formatJobs(n float64) string {
	if n < 1e7 {
		return strconv.FormatFloat(n, 'f', 0, 64)
	}
	return strconv.FormatFloat(n, 'g', 3, 64)
}

func breakEvenCSV(list []kernelBreakEven) []byte {
	type rangeRow struct {
		k kernelBreakEven
		i int
	}
	var rows []rangeRow
	for _, k := range list {
		for i := range k.Ranges {
			rows = append(rows, rangeRow{k, i})
		}
	}
	header := []string{"benchmark", "task_ms", "from_jobs", "to_jobs", "fastest_series", "tied_series", "startup_ms", "first_job_ms",
		"steady_job_ms", "warmup_jobs", "steady_ratio_vs_previous", "steady_ratio_ci90_low", "steady_ratio_ci90_high",
		"steady_p_holm_vs_previous", "steady_verdict_vs_previous", "breakeven_jobs", "breakeven_ci95_low", "breakeven_ci95_high"}
	return csvBytes(header, rows, func(x rangeRow) []string {
		rg := x.k.Ranges[x.i]
		m := x.k.model(rg.Series)
		to := ""
		if !math.IsInf(rg.To, 1) {
			to = formatJobs(rg.To)
		}
		evidence := make([]string, 8)
		if e := rg.Evidence; e != nil {
			evidence = []string{formatRatio(e.Ratio), formatRatio(e.Low), formatRatio(e.High), formatP(e.PHolm), e.Verdict.String(),
				jobsCell(rg.Point.N), jobsCell(rg.Point.Low), jobsCell(rg.Point.High)}
		}
		return append([]string{x.k.Benchmark, formatMS(x.k.TaskMS), formatJobs(rg.From), to, rg.Series, strings.Join(rg.Tied, ";"),
			formatMS(m.StartupMS), formatMS(m.FirstMS), formatMS(m.SteadyMS), m.Steady.warmupText()}, evidence...)
	})
}

// jobsCell prints a job count for CSV; +Inf is "never".
func jobsCell(n float64) string {
	if math.IsInf(n, 1) {
		return "never"
	}
	return formatJobs(n)
}
