package reports

import (
	"cmp"
	"slices"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// runData is a run's manifest and samples, split by status and put in a stable
// order so that everything derived from it is deterministic. Samples are
// grouped by series (run.Series: runtime id and cold-start model), never
// by runtime id alone: one id can run in two cold-start models.
type runData struct {
	manifest    run.Manifest
	dir         string // the run directory, for files beside the samples (explain.csv)
	ok          []run.Sample
	errors      []run.Sample
	unavailable []run.Sample
	series      []string // every series (manifest ∪ samples), sorted
	benchmarks  []string // the options' order, then any others sorted
	styles      map[string]seriesStyle
	cells       map[cellKey][]run.Sample // ok samples per cell, in compareSamples order
	// replicates are the ok samples of the true A/A's second series
	// (Replicate = 1), per cell of the series they replicate; they are in
	// no other table or figure.
	replicates map[cellKey][]run.Sample
}

// cellKey identifies the ok samples of one experiment × benchmark × series.
type cellKey struct{ experiment, benchmark, series string }

func newRun(m run.Manifest, rows []run.Sample) *runData {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, compareSamples)
	r := &runData{manifest: m, cells: map[cellKey][]run.Sample{}, replicates: map[cellKey][]run.Sample{}}
	for _, s := range rows {
		switch {
		case s.Replicate > 0 && s.Status == run.StatusOK:
			k := cellKey{s.Experiment, s.Benchmark, s.Series()}
			r.replicates[k] = append(r.replicates[k], s)
		case s.Status == run.StatusOK:
			r.ok = append(r.ok, s)
			k := cellKey{s.Experiment, s.Benchmark, s.Series()}
			r.cells[k] = append(r.cells[k], s)
		case s.Status == run.StatusUnavailable:
			r.unavailable = append(r.unavailable, s)
		default:
			r.errors = append(r.errors, s)
		}
	}
	r.series = seriesNames(m, rows)
	r.benchmarks = benchmarkNames(m, rows)
	r.styles = assignStyles(r.series)
	return r
}

// compareSamples orders rows by experiment (paper order), benchmark,
// series, rep and iteration.
func compareSamples(a, b run.Sample) int {
	return cmp.Or(
		cmp.Compare(experimentRank(a.Experiment), experimentRank(b.Experiment)),
		cmp.Compare(a.Experiment, b.Experiment),
		cmp.Compare(a.Benchmark, b.Benchmark),
		cmp.Compare(a.Series(), b.Series()),
		cmp.Compare(a.Rep, b.Rep),
		cmp.Compare(a.Iteration, b.Iteration),
		cmp.Compare(a.Order, b.Order),
	)
}

func experimentRank(e string) int {
	if i := slices.Index(run.AllExperiments, e); i >= 0 {
		return i
	}
	return len(run.AllExperiments)
}

func seriesNames(m run.Manifest, rows []run.Sample) []string {
	var names []string
	for _, rt := range m.Runtimes {
		names = append(names, infoSeries(rt))
	}
	for _, s := range rows {
		if s.Replicate == 0 {
			names = append(names, s.Series())
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// infoSeries is the series a manifest runtime record describes.
func infoSeries(rt run.RuntimeInfo) string { return run.Series(rt.ID, rt.ColdStart) }

func benchmarkNames(m run.Manifest, rows []run.Sample) []string {
	names := slices.Clone(m.Options.Benchmarks)
	var extra []string
	for _, s := range rows {
		if !slices.Contains(names, s.Benchmark) {
			extra = append(extra, s.Benchmark)
		}
	}
	slices.Sort(extra)
	return append(names, slices.Compact(extra)...)
}

// seriesInfo returns the manifest's record of a series, if any.
func (r *runData) seriesInfo(series string) (run.RuntimeInfo, bool) {
	for _, rt := range r.manifest.Runtimes {
		if infoSeries(rt) == series {
			return rt, true
		}
	}
	return run.RuntimeInfo{}, false
}

// metric is one quantity summarised per benchmark × series.
type metric struct {
	Experiment string
	Name       string // column value in summary.csv
	Label      string // human description
	value      func(s run.Sample) (ms float64, ok bool)
}

// metrics lists the summarised quantities in paper order.
var metrics = []metric{
	{run.Startup, "startup", "startup time (launch → main)", startupMS},
	{run.Total, "total", "total time (launch → end of main)", totalMS},
	{run.Prolonged, "first", "first timestamp of the prolonged test (launch → end of iteration 1)", firstTimestampMS},
	{run.Prolonged, "last", "time of the last iteration of the prolonged test", lastIterationMS},
}

const nsPerMS = 1e6

func startupMS(s run.Sample) (float64, bool) { return float64(s.StartupNS) / nsPerMS, true }

func totalMS(s run.Sample) (float64, bool) { return float64(s.TotalNS) / nsPerMS, true }

// firstTimestampMS is the paper's first timestamp of the prolonged test:
// startup plus the first iteration, i.e. IterationEndNS(1) - LaunchNS.
func firstTimestampMS(s run.Sample) (float64, bool) {
	if s.Iteration != 1 {
		return 0, false
	}
	if s.IterationEndNS > 0 && s.LaunchNS > 0 {
		return float64(s.IterationEndNS-s.LaunchNS) / nsPerMS, true
	}
	return float64(s.StartupNS+s.IterationNS) / nsPerMS, true
}

func lastIterationMS(s run.Sample) (float64, bool) {
	if s.Iterations <= 0 || s.Iteration != s.Iterations {
		return 0, false
	}
	return iterationMS(s), true
}

func iterationMS(s run.Sample) float64 { return float64(s.IterationNS) / nsPerMS }

// samples returns the ok samples of one cell; an empty benchmark matches all.
func (r *runData) samples(experiment, benchmark, series string) []run.Sample {
	if benchmark != "" {
		return r.cells[cellKey{experiment, benchmark, series}]
	}
	var all []run.Sample
	for _, b := range r.benchmarks {
		all = append(all, r.cells[cellKey{experiment, b, series}]...)
	}
	return all
}

// values returns the metric's values (ms) for one benchmark and series; an
// empty benchmark pools all benchmarks.
func (r *runData) values(m metric, benchmark, series string) []float64 {
	var v []float64
	for _, s := range r.samples(m.Experiment, benchmark, series) {
		if x, ok := m.value(s); ok {
			v = append(v, x)
		}
	}
	return v
}

// hasExperiment reports whether any ok sample belongs to the experiment.
func (r *runData) hasExperiment(experiment string) bool {
	return len(r.measuredSeries(experiment)) > 0
}

// measuredSeries returns, in style order, the series with ok samples in the
// experiment.
func (r *runData) measuredSeries(experiment string) []string {
	return slices.DeleteFunc(slices.Clone(r.series), func(series string) bool {
		return !slices.ContainsFunc(r.benchmarks, func(b string) bool { return len(r.cells[cellKey{experiment, b, series}]) > 0 })
	})
}

// measuredBenchmarks returns, in report order, the benchmarks with ok
// samples in the experiment.
func (r *runData) measuredBenchmarks(experiment string) []string {
	return slices.DeleteFunc(slices.Clone(r.benchmarks), func(b string) bool {
		return !slices.ContainsFunc(r.series, func(series string) bool { return len(r.cells[cellKey{experiment, b, series}]) > 0 })
	})
}

// trend is the median per-iteration time (ms) over reps, index i holding
// iteration i+1; NaN where no rep has that iteration.
func (r *runData) trend(benchmark, series string) []float64 {
	byIteration := map[int32][]float64{}
	var last int32
	for _, s := range r.samples(run.Prolonged, benchmark, series) {
		if s.Iteration > 0 {
			byIteration[s.Iteration] = append(byIteration[s.Iteration], iterationMS(s))
			last = max(last, s.Iteration)
		}
	}
	medians := make([]float64, last)
	for i := range medians {
		medians[i] = stats.Median(byIteration[int32(i+1)])
	}
	return medians
}
