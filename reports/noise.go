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

// The noise floor is measured, not assumed: every run measures the series
// of run.ReplicatedSeries twice, as two independent interleaved series
// (the replicate), so between a series and its replicate there is the same
// binary, the same launch and nothing but chance — the true A/A. What the
// data cannot tell apart there is what this run cannot tell apart
// anywhere. Series that run identical code after start-up in different
// environments are compared too (native:musl, runc:bundle and
// docker:engine run one static binary; wasmtime:aot and wasmtime:cache one
// Cranelift output), but what they show is the environment's own effect
// (cgroups, namespaces, seccomp, a loading path), not noise: it sets no
// margin.
var aaGroups = [][]string{
	{"native:musl", "runc:bundle", "docker:engine"},
	{"wasmtime:aot", "wasmtime:cache"},
}

// statsOptions are the bootstrap settings of every comparison in the
// report: fixed seed, so renders are byte-identical.
var statsOptions = stats.Options{Resamples: bootstrapResamples, Seed: bootstrapSeed}

// A/A quantities: the job of the total experiment (main → end of main,
// start-up excluded) and the prolonged test's steady job — one value per
// process (its median steady job): the jobs of one process share its
// state, so pooling them would count one process as many samples
// (Kalibera & Jones), and a single process per side gives no steady floor.
const (
	noiseJob    = "job"
	noiseSteady = "steady job"
)

// runNoise is a run's noise floor per quantity, from the true A/A pairs,
// and the environment's own effect from the same-code pairs.
type runNoise struct {
	Job, Steady stats.Noise
	jobPairs    []stats.AAPair
	steadyPairs []stats.AAPair
	env         environmentEffect
}

// environmentEffect is the comparison of series that run identical code in
// different environments (aaGroups).
type environmentEffect struct {
	Job, Steady stats.Noise
	jobPairs    []stats.AAPair
	steadyPairs []stats.AAPair
}

func (n runNoise) measured() bool { return len(n.jobPairs)+len(n.steadyPairs) > 0 }

// determined reports whether some A/A pair had enough samples for a floor.
func (n runNoise) determined() bool {
	return !math.IsNaN(largestFloor(n.Job)) || !math.IsNaN(largestFloor(n.Steady))
}

// noisy reports whether any true A/A pair differed significantly.
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

// noise compares every series with its replicate (the floor) and every
// same-code pair (the environment's effect), one Holm family per quantity
// and kind.
func (r *runData) noise(steady map[steadyKey]steadyState) runNoise {
	var n runNoise
	for _, b := range r.benchmarks {
		for _, series := range run.ReplicatedSeries {
			name := series + " vs its replicate"
			if x, y := r.execValues(b, series), replicateExec(r.replicates[cellKey{run.Total, b, series}]); len(x) > 0 && len(y) > 0 {
				n.jobPairs = append(n.jobPairs, stats.AAPair{Benchmark: b, Name: name, A: x, B: y})
			}
			twin, _ := steadyStateOf(b, series, r.replicates[cellKey{run.Prolonged, b, series}])
			if x, y := steady[steadyKey{b, series}].ProcessSteady, twin.ProcessSteady; len(x) > 0 && len(y) > 0 {
				n.steadyPairs = append(n.steadyPairs, stats.AAPair{Benchmark: b, Name: name, A: x, B: y})
			}
		}
		for _, group := range aaGroups {
			for i, a := range group {
				for _, c := range group[i+1:] {
					name := a + " vs " + c
					if x, y := r.execValues(b, a), r.execValues(b, c); len(x) > 0 && len(y) > 0 {
						n.env.jobPairs = append(n.env.jobPairs, stats.AAPair{Benchmark: b, Name: name, A: x, B: y})
					}
					if x, y := steady[steadyKey{b, a}].ProcessSteady, steady[steadyKey{b, c}].ProcessSteady; len(x) > 0 && len(y) > 0 {
						n.env.steadyPairs = append(n.env.steadyPairs, stats.AAPair{Benchmark: b, Name: name, A: x, B: y})
					}
				}
			}
		}
	}
	n.Job = stats.MeasureNoise(n.jobPairs, statsOptions)
	n.Steady = stats.MeasureNoise(n.steadyPairs, statsOptions)
	n.env.Job = stats.MeasureNoise(n.env.jobPairs, statsOptions)
	n.env.Steady = stats.MeasureNoise(n.env.steadyPairs, statsOptions)
	return n
}

// replicateExec are a replicate's total-experiment job times (ms).
func replicateExec(samples []run.Sample) []float64 {
	var v []float64
	for _, s := range samples {
		if s.ExecNS > 0 {
			v = append(v, float64(s.ExecNS)/nsPerMS)
		}
	}
	return v
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

// noiseRow is one A/A or same-code comparison of noise.csv.
type noiseRow struct {
	Kind     string // replicate (the floor) or environment (its own effect)
	Quantity string
	Pair     stats.AAPair
	Result   stats.Comparison
	Floor    float64
}

// Kinds of noise.csv rows.
const (
	kindReplicate   = "replicate"
	kindEnvironment = "environment"
)

func (n runNoise) rows() []noiseRow {
	var rows []noiseRow
	for _, q := range []struct {
		kind, name string
		pairs      []stats.AAPair
		noise      stats.Noise
	}{{kindReplicate, noiseSteady, n.steadyPairs, n.Steady}, {kindReplicate, noiseJob, n.jobPairs, n.Job},
		{kindEnvironment, noiseSteady, n.env.steadyPairs, n.env.Steady}, {kindEnvironment, noiseJob, n.env.jobPairs, n.env.Job}} {
		for i, p := range q.pairs {
			rows = append(rows, noiseRow{q.kind, q.name, p, q.noise.Pairs[i], q.noise.Floor[p.Benchmark]})
		}
	}
	return rows
}

var noiseHeader = []string{"kind", "quantity", "benchmark", "pair", "n_a", "n_b", "median_a_ms", "median_b_ms", "ratio",
	"ratio_ci90_low", "ratio_ci90_high", "p_value", "p_holm", "verdict", "noise_floor", "margin"}

// fields are the row's CSV cells; an environment row's floor and margin
// columns hold its own effect's bound and are not used as margins.
func (row noiseRow) fields() []string {
	c := row.Result
	return []string{row.Kind, row.Quantity, row.Pair.Benchmark, row.Pair.Name, strconv.Itoa(c.NA), strconv.Itoa(c.NB),
		formatMS(c.MedianA), formatMS(c.MedianB), formatRatio(c.Ratio), formatRatio(c.Low), formatRatio(c.High),
		formatP(c.P), formatP(c.PHolm), c.Verdict.String(), formatRatio(row.Floor), formatRatio(margin(row.Floor))}
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

// noiseWarning flags a run whose true A/A pairs differed significantly,
// or whose floor is wider than the largest margin a tie may have.
func (n runNoise) noiseWarning() string {
	floor := max(stats.Margin(largestFloor(n.Job)), stats.Margin(largestFloor(n.Steady)))
	switch {
	case n.noisy():
		differing := append(prefixed(noiseSteady, n.Steady.Differing), prefixed(noiseJob, n.Job.Differing)...)
		return fmt.Sprintf("WARNING: this host was noisy: differences below %s are not findings. A series and its replicate "+
			"(the same binary measured twice, interleaved) differed significantly (Holm-corrected): %s.", formatPercent(floor),
			strings.Join(differing, "; "))
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

// noiseNarrative explains the floor, its use, and the environment's effect.
func (n runNoise) noiseNarrative() string {
	var text string
	switch {
	case !n.measured():
		text = "Noise floor: no true A/A was measured (it needs " + strings.Join(run.ReplicatedSeries, " or ") +
			" and its replicate on one benchmark), so every equivalence margin is the default " + formatPercent(stats.DefaultMargin) + "."
	case !n.determined():
		text = fmt.Sprintf("Noise floor: not determinable at this sample size — the true A/A pairs (%s, each measured twice as "+
			"interleaved series) have fewer than %d samples per side (%s), too few for a CI of a median; every equivalence margin "+
			"is the default %s and close pairs stay undecided. Use a profile with more samples (quick, or RTWASM_PRECISION).",
			strings.Join(run.ReplicatedSeries, ", "), stats.MinNoiseSamples, n.sampleSizes(), formatPercent(stats.DefaultMargin))
	default:
		text = fmt.Sprintf("Noise floor (true A/A): %s are each measured twice, as two independent series interleaved in one run, "+
			"so between a series and its replicate there is nothing but chance; per benchmark, the floor is the farthest bound of "+
			"the 90%% bootstrap CI of their ratio of medians (the larger over a benchmark's pairs). The largest floor is %s for the "+
			"steady job and %s for the total experiment's job (main → end of main). Two series count as tied when the CI of their "+
			"ratio lies within ±max(floor, 5 %%), capped at %s (a wider tie would say nothing): %s for steady jobs and %s for the "+
			"rest, at most. A/A verdicts: %s. Also in noise.csv (kind replicate).",
			strings.Join(run.ReplicatedSeries, " and "), formatPercent(largestFloor(n.Steady)), formatPercent(largestFloor(n.Job)),
			formatPercent(maxMargin), formatPercent(margin(largestFloor(n.Steady))), formatPercent(margin(largestFloor(n.Job))),
			comparisonCounts(append(slices.Clone(n.Steady.Pairs), n.Job.Pairs...)))
	}
	return text + " " + n.env.narrative()
}

// sampleSizes lists the smallest side of the A/A pairs, e.g. "n = 3".
func (n runNoise) sampleSizes() string {
	least := math.MaxInt
	for _, c := range append(slices.Clone(n.Steady.Pairs), n.Job.Pairs...) {
		least = min(least, c.NA, c.NB)
	}
	return fmt.Sprintf("n = %d", least)
}

// narrative says what the same-code pairs show: the environment's effect.
func (e environmentEffect) narrative() string {
	pairs := append(slices.Clone(e.Steady.Pairs), e.Job.Pairs...)
	if len(pairs) == 0 {
		return ""
	}
	text := fmt.Sprintf("The environment's own effect: %s run one static binary and %s one Cranelift output; their differences "+
		"(%s) are what the container, the bundle or the loading path costs, not noise, and set no margin (noise.csv, kind environment).",
		strings.Join(aaGroups[0], ", "), strings.Join(aaGroups[1], " and "), comparisonCounts(pairs))
	if differing := append(prefixed(noiseSteady, e.Steady.Differing), prefixed(noiseJob, e.Job.Differing)...); len(differing) > 0 {
		text += " Different: " + strings.Join(differing, "; ") + "."
	}
	return text
}

// comparisonCounts counts comparisons per verdict, e.g. "3 tied, 1 undecided of 4".
func comparisonCounts(list []stats.Comparison) string {
	count := map[stats.Verdict]int{}
	for _, c := range list {
		count[c.Verdict]++
	}
	return fmt.Sprintf("%d different, %d tied, %d undecided of %d", count[stats.Different], count[stats.Tied], count[stats.Undecided], len(list))
}

// noiseTable lists the floor per benchmark.
func (n runNoise) noiseTable(benchmarks []string) table {
	t := table{Caption: "Noise floor per benchmark, from the true A/A (a series and its replicate), and the environment's own effect " +
		"(same-code pairs); each pair's ratio, CI and verdict are in noise.csv",
		Header: []string{"Benchmark", "Steady-job floor", "Job floor", "A/A pairs (steady and job)", "Same-code pairs (environment)"}}
	rows := n.rows()
	for _, b := range benchmarks {
		counts := map[string]map[string]int{}
		for _, row := range rows {
			if row.Pair.Benchmark == b {
				if counts[row.Kind] == nil {
					counts[row.Kind] = map[string]int{}
				}
				counts[row.Kind][row.Result.Verdict.String()]++
			}
		}
		if len(counts) == 0 {
			continue
		}
		t.Rows = append(t.Rows, []string{b, formatPercent(floorOf(n.Steady, b)), formatPercent(floorOf(n.Job, b)),
			countText(counts[kindReplicate]), countText(counts[kindEnvironment])})
	}
	return t
}

// countText is "3: 1 different, 2 tied", or "–".
func countText(verdicts map[string]int) string {
	total := 0
	var parts []string
	for _, v := range []string{"different", "tied", "undecided"} {
		if verdicts[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", verdicts[v], v))
			total += verdicts[v]
		}
	}
	if total == 0 {
		return "–"
	}
	return fmt.Sprintf("%d: %s", total, strings.Join(parts, ", "))
}
