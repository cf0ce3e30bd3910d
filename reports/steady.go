package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Steady state is found, not assumed: every prolonged process's iteration
// series is classified by stats.ClassifySteadyState (flat, warm-up,
// slowdown, no steady state), and the steady job times are the iterations
// of its last segment (never iteration 1, which the break-even model
// counts as the first job); a process with no steady state gives none. A
// series too short to classify keeps iterations 2… and says its steady
// state is not determinable, so that readers take it as indicative only.

// steadyKey identifies one kernel × series of the prolonged test.
type steadyKey struct{ benchmark, series string }

// steadyState is where one kernel × series reached steady state, over its
// prolonged processes.
type steadyState struct {
	Benchmark, Series string
	Processes         int
	Iterations        int   // the longest process's iteration count
	Warmup            []int // jobs before the steady segment, per process that reached one
	Undetermined      int   // processes too short to classify
	Trending          int   // processes with no steady state
	Classes           map[stats.SteadyClass]int
	First, Steady     []float64
	// ProcessSteady is each process's median steady job: one value per
	// process, the independent unit (its jobs are not independent samples).
	ProcessSteady []float64
}

// reached is how many processes reached a steady state.
func (s steadyState) reached() int { return len(s.Warmup) }

// determined reports whether every process's warm-up was determined.
func (s steadyState) determined() bool { return s.Undetermined == 0 && s.Processes > 0 }

// steadyStates analyses every kernel × series with prolonged samples.
func (r *runData) steadyStates() map[steadyKey]steadyState {
	states := map[steadyKey]steadyState{}
	for _, b := range r.benchmarks {
		for _, series := range r.series {
			if st, ok := r.steadyState(b, series); ok {
				states[steadyKey{b, series}] = st
			}
		}
	}
	return states
}

func (r *runData) steadyState(benchmark, series string) (steadyState, bool) {
	return steadyStateOf(benchmark, series, r.samples(run.Prolonged, benchmark, series))
}

// steadyStateOf classifies the prolonged processes among samples.
func steadyStateOf(benchmark, series string, samples []run.Sample) (steadyState, bool) {
	st := steadyState{Benchmark: benchmark, Series: series, Classes: map[stats.SteadyClass]int{}}
	byRep := map[int32][]run.Sample{}
	var reps []int32
	for _, s := range samples {
		if s.Iteration < 1 {
			continue
		}
		if _, ok := byRep[s.Rep]; !ok {
			reps = append(reps, s.Rep)
		}
		byRep[s.Rep] = append(byRep[s.Rep], s)
	}
	slices.Sort(reps)
	for _, rep := range reps {
		process := byRep[rep]
		slices.SortStableFunc(process, func(a, b run.Sample) int { return cmp.Compare(a.Iteration, b.Iteration) })
		times := make([]float64, len(process))
		for i, s := range process {
			times[i] = iterationMS(s)
		}
		st.Processes++
		st.Iterations = max(st.Iterations, len(times))
		if process[0].Iteration == 1 {
			st.First = append(st.First, times[0])
		}
		from := 1 // iteration 2 onwards when the class cannot be determined
		c, err := stats.ClassifySteadyState(times)
		switch {
		case err != nil:
			st.Undetermined++
		case !c.Reached():
			st.Classes[c.Class]++
			st.Trending++
			from = len(times) // no steady jobs from a process that never settled
		default:
			st.Classes[c.Class]++
			st.Warmup = append(st.Warmup, c.Steady)
			from = max(from, c.Steady)
		}
		if from < len(times) {
			st.Steady = append(st.Steady, times[from:]...)
			st.ProcessSteady = append(st.ProcessSteady, stats.Median(times[from:]))
		}
	}
	return st, st.Processes > 0
}

// warmupText says where warm-up ended, e.g. "3", "2–4 (of 3 processes)",
// "not determinable (5 iterations < 10)".
func (s steadyState) warmupText() string {
	if s.Processes == 0 {
		return "–"
	}
	if !s.determined() {
		return fmt.Sprintf("not determinable (%d iterations < %d)", s.Iterations, stats.MinWarmupSeries)
	}
	if len(s.Warmup) == 0 {
		return fmt.Sprintf("no steady state (%d processes)", s.Processes)
	}
	lo, hi := slices.Min(s.Warmup), slices.Max(s.Warmup)
	text := strconv.Itoa(lo)
	if hi != lo {
		text += "–" + strconv.Itoa(hi)
	}
	if s.Processes > 1 {
		text += fmt.Sprintf(" (%d processes)", s.Processes)
	}
	if s.Trending > 0 {
		text += fmt.Sprintf("; no steady state in %d", s.Trending)
	}
	return text
}

// steadyNarrative summarises the classification over all kernels × series.
func steadyNarrative(states map[steadyKey]steadyState) string {
	if len(states) == 0 {
		return ""
	}
	classes := map[stats.SteadyClass]int{}
	processes, classified, reached, undetermined := 0, 0, 0, 0
	for _, s := range states {
		processes += s.Processes
		reached += s.reached()
		undetermined += s.Undetermined
		for c, n := range s.Classes {
			classes[c] += n
			classified += n
		}
	}
	text := fmt.Sprintf("Steady state is detected, not assumed: each prolonged process's job times are segmented at their "+
		"changepoints (PELT on log times, penalty 4·ln n; segments within max(1 %%, noise) merged) and classified after Barrett et al. "+
		"as flat, warm-up, slowdown or no steady state; the steady job time is the median of the last segment of the processes that "+
		"reached a steady state (never iteration 1, the model's first job). Of %d processes, %d were classified: %d flat, %d warm-up, "+
		"%d slowdown, %d with no steady state (their jobs are left out of steady figures); %d reached a steady state",
		processes, classified, classes[stats.SteadyFlat], classes[stats.SteadyWarmup], classes[stats.SteadySlowdown],
		classes[stats.SteadyNone], reached)
	if undetermined > 0 {
		text += fmt.Sprintf("; %d processes are shorter than %d iterations, so their class is not determinable and their "+
			"steady states (iterations 2…) are indicative only — use a profile with more iterations (paper: 30)", undetermined, stats.MinWarmupSeries)
	}
	return text + "."
}
