package reports

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/rtwasm/rtwasm/run"
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
	steady                       []float64
}

// cumulative is T(n), the time for n jobs in one process.
func (c costModel) cumulative(n float64) float64 { return c.StartupMS + c.FirstMS + (n-1)*c.SteadyMS }

// winnerRange is a job-count interval [From, To] where Series is fastest;
// To is +Inf for the last one.
type winnerRange struct {
	Series   string
	From, To float64
}

// kernelBreakEven is the break-even analysis of one kernel.
type kernelBreakEven struct {
	Benchmark string
	TaskMS    float64 // the lowest steady job time: the task's own length
	Models    []costModel
	Ranges    []winnerRange
}

// winnerAt returns the fastest series for n jobs.
func (k kernelBreakEven) winnerAt(n float64) string {
	for _, rg := range k.Ranges {
		if n >= rg.From && n <= rg.To {
			return rg.Series
		}
	}
	return "–"
}

func (r *runData) breakEvens() []kernelBreakEven {
	var list []kernelBreakEven
	for _, b := range r.benchmarks {
		var models []costModel
		for _, series := range r.series {
			if m, ok := r.costModel(b, series); ok {
				models = append(models, m)
			}
		}
		if len(models) == 0 {
			continue
		}
		task := slices.MinFunc(models, func(x, y costModel) int { return cmp.Compare(x.SteadyMS, y.SteadyMS) }).SteadyMS
		list = append(list, kernelBreakEven{Benchmark: b, TaskMS: task, Models: models, Ranges: winners(models)})
	}
	return list
}

// costModel derives a series' model for a kernel: startup from the startup
// experiment (else from the other experiments' rows), job times from the
// prolonged test (else the total experiment's one job, main start to end).
func (r *runData) costModel(benchmark, series string) (costModel, bool) {
	c := costModel{Series: series, StartupMS: math.NaN()}
	for _, exp := range run.AllExperiments {
		var startups []float64
		for _, s := range r.samples(exp, benchmark, series) {
			if s.Iteration <= 1 {
				startups = append(startups, float64(s.StartupNS)/nsPerMS)
			}
		}
		if len(startups) > 0 {
			c.StartupMS = median(startups)
			break
		}
	}
	var first, steady []float64
	for _, s := range r.samples(run.Prolonged, benchmark, series) {
		if s.Iteration == 1 {
			first = append(first, iterationMS(s))
		} else if s.Iteration > 1 {
			steady = append(steady, iterationMS(s))
		}
	}
	c.Source = "prolonged test"
	if len(first) == 0 {
		for _, s := range r.samples(run.Total, benchmark, series) {
			first = append(first, float64(s.ExecNS)/nsPerMS)
		}
		c.Source = "total experiment (one job; steady = first)"
	}
	if len(steady) == 0 {
		steady = first
	}
	c.FirstMS, c.SteadyMS, c.steady = median(first), median(steady), steady
	return c, !math.IsNaN(c.StartupMS) && !math.IsNaN(c.FirstMS)
}

// winners walks the lower envelope of the models' lines over integer job
// counts from 1: the fastest for one job first (lower steady time on a
// tie), then, repeatedly, the series that first becomes strictly faster than
// the current one, taking the fastest at that job count if several do.
func winners(models []costModel) []winnerRange {
	current := slices.MinFunc(models, func(a, b costModel) int {
		return cmp.Or(cmp.Compare(a.cumulative(1), b.cumulative(1)), cmp.Compare(a.SteadyMS, b.SteadyMS))
	})
	from := 1.0
	var ranges []winnerRange
	for {
		next, at := costModel{}, math.Inf(1)
		for _, m := range models {
			if m.SteadyMS >= current.SteadyMS {
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
			return append(ranges, winnerRange{Series: current.Series, From: from, To: math.Inf(1)})
		}
		ranges = append(ranges, winnerRange{Series: current.Series, From: from, To: at - 1})
		current, from = next, at
	}
}

// switchEvidence tests the difference a break-even point rests on: the
// steady job times of range i's series against range i−1's (Mann–Whitney).
func (k kernelBreakEven) switchEvidence(i int) (ratio, p float64) {
	cur, prev := k.model(k.Ranges[i].Series), k.model(k.Ranges[i-1].Series)
	_, p = mannWhitney(cur.steady, prev.steady)
	return cur.SteadyMS / prev.SteadyMS, p
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
	header := []string{"benchmark", "task_ms", "from_jobs", "to_jobs", "fastest_series", "startup_ms", "first_job_ms", "steady_job_ms",
		"steady_ratio_vs_previous", "steady_p_vs_previous"}
	return csvBytes(header, rows, func(x rangeRow) []string {
		rg := x.k.Ranges[x.i]
		m := x.k.model(rg.Series)
		to, ratio, p := "", "", ""
		if !math.IsInf(rg.To, 1) {
			to = formatJobs(rg.To)
		}
		if x.i > 0 {
			r, pv := x.k.switchEvidence(x.i)
			ratio, p = formatRatio(r), formatP(pv)
		}
		return []string{x.k.Benchmark, formatMS(x.k.TaskMS), formatJobs(rg.From), to, rg.Series,
			formatMS(m.StartupMS), formatMS(m.FirstMS), formatMS(m.SteadyMS), ratio, p}
	})
}
