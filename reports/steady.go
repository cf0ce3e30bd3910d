package reports

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Steady state is found, not assumed: every prolonged process's iteration
// series goes through stats.FindWarmup, and the steady job times are the
// iterations after its warm-up (never iteration 1, which the break-even
// model counts as the first job). A series too short to tell warm-up from
// steady state keeps iterations 2… and says its steady state is not
// determinable, so that readers take it as indicative only.

// steadyKey identifies one kernel × series of the prolonged test.
type steadyKey struct{ benchmark, series string }

// steadyState is where one kernel × series reached steady state, over its
// prolonged processes.
type steadyState struct {
	Benchmark, Series string
	Processes         int
	Iterations        int   // the longest process's iteration count
	Warmup            []int // warm-up jobs per process whose warm-up was determined
	Undetermined      int   // processes too short to determine warm-up
	Trending          int   // processes with a trend left after warm-up (Mann–Kendall p < 0.05)
	First, Steady     []float64
}

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
	st := steadyState{Benchmark: benchmark, Series: series}
	byRep := map[int32][]run.Sample{}
	var reps []int32
	for _, s := range r.samples(run.Prolonged, benchmark, series) {
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
		from := 1 // iteration 2 onwards when warm-up cannot be determined
		w, err := stats.FindWarmup(times)
		switch {
		case errors.Is(err, stats.ErrTooShort):
			st.Undetermined++
		case err != nil:
			st.Undetermined++
		default:
			st.Warmup = append(st.Warmup, w.Steady)
			from = max(from, w.Steady)
			if !w.Stationary {
				st.Trending++
			}
		}
		if from < len(times) {
			st.Steady = append(st.Steady, times[from:]...)
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
	lo, hi := slices.Min(s.Warmup), slices.Max(s.Warmup)
	text := strconv.Itoa(lo)
	if hi != lo {
		text += "–" + strconv.Itoa(hi)
	}
	if s.Processes > 1 {
		text += fmt.Sprintf(" (%d processes)", s.Processes)
	}
	if s.Trending > 0 {
		text += fmt.Sprintf("; trend left in %d", s.Trending)
	}
	return text
}

// steadyNarrative summarises the warm-up detection over all kernels × series.
func steadyNarrative(states map[steadyKey]steadyState) string {
	if len(states) == 0 {
		return ""
	}
	determined, undetermined, trending, warm := 0, 0, 0, 0
	for _, s := range states {
		if s.determined() {
			determined++
		} else {
			undetermined++
		}
		if s.Trending > 0 {
			trending++
		}
		if slices.ContainsFunc(s.Warmup, func(w int) bool { return w > 0 }) {
			warm++
		}
	}
	text := fmt.Sprintf("Steady state is detected, not assumed: per prolonged process, warm-up ends where MSER truncation "+
		"(on log times, confirmed only when the prefix is > 3 robust SDs slower) puts it, and the steady job time is the median "+
		"of the later iterations (never iteration 1, the model's first job). Of %d kernel × series cells, %d had warm-up "+
		"determined (%d with warm-up jobs detected and excluded, %d with a trend left afterwards)", len(states), determined, warm, trending)
	if undetermined > 0 {
		text += fmt.Sprintf("; in %d the processes are shorter than %d iterations, so warm-up is not determinable and their "+
			"steady states (iterations 2…) are indicative only — use a profile with more iterations (paper: 30)", undetermined, stats.MinWarmupSeries)
	}
	return text + "."
}
