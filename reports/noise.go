package reports

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// The noise floor is measured, not assumed: series that execute identical
// code after start-up are compared with each other (A/A) in every run, and
// what the data cannot tell apart there is what this run cannot tell apart
// anywhere. native:musl, runc:bundle and docker:engine run one static
// binary; wasmtime:aot and wasmtime:cache run one Cranelift output.
var aaGroups = [][]string{
	{"native:musl", "runc:bundle", "docker:engine"},
	{"wasmtime:aot", "wasmtime:cache"},
}

// statsOptions are the bootstrap settings of every comparison in the
// report: fixed seed, so renders are byte-identical.
var statsOptions = stats.Options{Resamples: bootstrapResamples, Seed: bootstrapSeed}

// A/A quantities: the job of the total experiment (main → end of main,
// start-up excluded) and the prolonged test's steady job.
const (
	noiseJob    = "job"
	noiseSteady = "steady job"
)

// runNoise is a run's noise floor per quantity.
type runNoise struct {
	Job, Steady stats.Noise
	jobPairs    []stats.AAPair
	steadyPairs []stats.AAPair
}

func (n runNoise) measured() bool { return len(n.jobPairs)+len(n.steadyPairs) > 0 }

// noisy reports whether any A/A pair differed significantly.
func (n runNoise) noisy() bool { return n.Job.Noisy() || n.Steady.Noisy() }

// maxMargin caps the equivalence margin. The floor includes sampling
// uncertainty, so a run of few samples can measure a floor of several
// hundred per cent; a "tie" within ±900 % would say nothing, so beyond the
// cap pairs stay undecided, and Setup says that the run cannot resolve
// differences below its floor.
const maxMargin = 0.20

// margin is the equivalence margin for a floor: max(floor, 5 %), at most
// maxMargin.
func margin(floor float64) float64 { return min(stats.Margin(floor), maxMargin) }

// jobMargin and steadyMargin are a benchmark's equivalence margins.
func (n runNoise) jobMargin(benchmark string) float64 { return margin(floorOf(n.Job, benchmark)) }
func (n runNoise) steadyMargin(benchmark string) float64 {
	return margin(floorOf(n.Steady, benchmark))
}

// sameCode reports whether two series run identical code after start-up.
func sameCode(a, b string) bool {
	for _, g := range aaGroups {
		if slices.Contains(g, a) && slices.Contains(g, b) {
			return true
		}
	}
	return false
}

func floorOf(n stats.Noise, benchmark string) float64 {
	if f, ok := n.Floor[benchmark]; ok {
		return f
	}
	return math.NaN()
}

// noise compares every A/A pair measured in the run, one Holm family per
// quantity.
func (r *runData) noise(steady map[steadyKey]steadyState) runNoise {
	var n runNoise
	for _, b := range r.benchmarks {
		for _, group := range aaGroups {
			for i, a := range group {
				for _, c := range group[i+1:] {
					name := a + " vs " + c
					if x, y := r.execValues(b, a), r.execValues(b, c); len(x) > 0 && len(y) > 0 {
						n.jobPairs = append(n.jobPairs, stats.AAPair{Benchmark: b, Name: name, A: x, B: y})
					}
					if x, y := steady[steadyKey{b, a}].Steady, steady[steadyKey{b, c}].Steady; len(x) > 0 && len(y) > 0 {
						n.steadyPairs = append(n.steadyPairs, stats.AAPair{Benchmark: b, Name: name, A: x, B: y})
					}
				}
			}
		}
	}
	n.Job = stats.MeasureNoise(n.jobPairs, statsOptions)
	n.Steady = stats.MeasureNoise(n.steadyPairs, statsOptions)
	return n
}

// execValues are the total experiment's job times (main → end of main, ms).
func (r *runData) execValues(benchmark, series string) []float64 {
	var v []float64
	for _, s := range r.samples(run.Total, benchmark, series) {
		if s.ExecNS > 0 {
			v = append(v, float64(s.ExecNS)/nsPerMS)
		}
	}
	return v
}

// noiseRow is one A/A comparison of noise.csv.
type noiseRow struct {
	Quantity string
	Pair     stats.AAPair
	Result   stats.Comparison
	Floor    float64
}

func (n runNoise) rows() []noiseRow {
	var rows []noiseRow
	for _, q := range []struct {
		name  string
		pairs []stats.AAPair
		noise stats.Noise
	}{{noiseSteady, n.steadyPairs, n.Steady}, {noiseJob, n.jobPairs, n.Job}} {
		for i, p := range q.pairs {
			rows = append(rows, noiseRow{q.name, p, q.noise.Pairs[i], q.noise.Floor[p.Benchmark]})
		}
	}
	return rows
}

var noiseHeader = []string{"quantity", "benchmark", "pair", "n_a", "n_b", "median_a_ms", "median_b_ms", "ratio",
	"ratio_ci90_low", "ratio_ci90_high", "p_value", "p_holm", "verdict", "noise_floor", "margin"}

func (row noiseRow) fields() []string {
	c := row.Result
	return []string{row.Quantity, row.Pair.Benchmark, row.Pair.Name, strconv.Itoa(c.NA), strconv.Itoa(c.NB),
		formatMS(c.MedianA), formatMS(c.MedianB), formatRatio(c.Ratio), formatRatio(c.Low), formatRatio(c.High),
		formatP(c.P), formatP(c.PHolm), c.Verdict.String(), formatRatio(row.Floor), formatRatio(margin(row.Floor))}
}

// formatPercent prints a fraction as a percentage, "–" for NaN.
func formatPercent(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return strconv.FormatFloat(100*f, 'f', 1, 64) + " %"
}

// largestFloor is the largest floor over the benchmarks, NaN if none.
func largestFloor(n stats.Noise) float64 {
	largest := math.NaN()
	for _, f := range n.Floor {
		if !math.IsNaN(f) && (math.IsNaN(largest) || f > largest) {
			largest = f
		}
	}
	return largest
}

// noiseWarning flags a run whose A/A pairs differed significantly, or
// whose floor is wider than the largest margin a tie may have.
func (n runNoise) noiseWarning() string {
	floor := max(stats.Margin(largestFloor(n.Job)), stats.Margin(largestFloor(n.Steady)))
	switch {
	case n.noisy():
		differing := append(prefixed(noiseSteady, n.Steady.Differing), prefixed(noiseJob, n.Job.Differing)...)
		return fmt.Sprintf("WARNING: this host was noisy: differences below %s are not findings. Series that run identical code "+
			"after start-up differed significantly (Holm-corrected): %s.", formatPercent(floor), strings.Join(differing, "; "))
	case floor > maxMargin:
		return fmt.Sprintf("WARNING: this host was noisy or the samples too few: differences below %s are not findings. "+
			"The A/A floor exceeds the largest tie margin (%s), so close pairs stay undecided rather than tied.",
			formatPercent(floor), formatPercent(maxMargin))
	}
	return ""
}

func prefixed(prefix string, list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = prefix + " " + s
	}
	return out
}

// noiseNarrative explains the floor and its use.
func (n runNoise) noiseNarrative() string {
	if !n.measured() {
		return "Noise floor: no A/A pair was measured (it needs two of " + strings.Join(aaGroups[0], ", ") + ", or both of " +
			strings.Join(aaGroups[1], " and ") + ", on one benchmark), so every equivalence margin is the default " +
			formatPercent(stats.DefaultMargin) + "."
	}
	return fmt.Sprintf("Noise floor (A/A): %s run one static binary and %s one Cranelift output, so after start-up their jobs "+
		"cannot differ; per benchmark, the floor is the farthest bound of the 90%% bootstrap CI of their ratio of medians (the "+
		"larger over a benchmark's pairs). The largest floor is %s for the steady job and %s for the total experiment's job "+
		"(main → end of main). Two series count as tied when the CI of their ratio lies within ±max(floor, 5 %%), capped at "+
		"%s (a wider tie would say nothing): %s for steady jobs and %s for the rest, at most. Also in noise.csv.",
		strings.Join(aaGroups[0], ", "), strings.Join(aaGroups[1], " and "),
		formatPercent(largestFloor(n.Steady)), formatPercent(largestFloor(n.Job)),
		formatPercent(maxMargin), formatPercent(margin(largestFloor(n.Steady))), formatPercent(margin(largestFloor(n.Job))))
}

// noiseTable lists the floor per benchmark.
func (n runNoise) noiseTable(benchmarks []string) table {
	t := table{Caption: "Noise floor per benchmark, from A/A pairs (identical code after start-up); each pair's ratio, CI and verdict are in noise.csv",
		Header: []string{"Benchmark", "Steady-job floor", "Job floor", "A/A pairs (steady and job)"}}
	rows := n.rows()
	for _, b := range benchmarks {
		verdicts := map[string]int{}
		pairs := 0
		for _, row := range rows {
			if row.Pair.Benchmark == b {
				pairs++
				verdicts[row.Result.Verdict.String()]++
			}
		}
		if pairs == 0 {
			continue
		}
		var counts []string
		for _, v := range []string{"different", "tied", "undecided"} {
			if verdicts[v] > 0 {
				counts = append(counts, fmt.Sprintf("%d %s", verdicts[v], v))
			}
		}
		t.Rows = append(t.Rows, []string{b, formatPercent(floorOf(n.Steady, b)), formatPercent(floorOf(n.Job, b)),
			fmt.Sprintf("%d: %s", pairs, strings.Join(counts, ", "))})
	}
	return t
}
