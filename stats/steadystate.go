package stats

import (
	"fmt"
	"math"
	"slices"
)

// SteadyClass is how one prolonged process's job times behave, after
// Barrett et al. (2017, "Virtual machine warmup blows hot and cold").
type SteadyClass int

const (
	// SteadyFlat: no changepoint; every job is steady.
	SteadyFlat SteadyClass = iota
	// SteadyWarmup: the last segment is the fastest; steady from its start.
	SteadyWarmup
	// SteadySlowdown: the last segment is slower than an earlier one; steady
	// (at the slower speed) from its start.
	SteadySlowdown
	// SteadyNone: the last segment is too short to call steady.
	SteadyNone
)

func (c SteadyClass) String() string {
	return [...]string{"flat", "warm-up", "slowdown", "no steady state"}[c]
}

// SteadyState is the classification of one process's job times.
type SteadyState struct {
	Class SteadyClass
	// Segments are the start indexes of the segments (the first is 0).
	Segments []int
	// Steady is the index of the first steady job: the last segment's
	// start; len(times) for SteadyNone.
	Steady int
}

// Reached reports whether the process reached a steady state.
func (s SteadyState) Reached() bool { return s.Class != SteadyNone }

// steadyPenaltyFactor scales the changepoint penalty: β = 4·ln n in units
// of the noise variance.
const steadyPenaltyFactor = 4

// minShift is the smallest shift of the median log time between segments
// that counts (1 %): below it two segments are one speed.
const minShift = 0.01

// ClassifySteadyState segments one process's job times (in run order, all
// positive) and classifies them.
//
// Opinion: changepoints of the mean of log times by PELT (Killick et al.
// 2012) with a normal cost whose variance comes from the first
// differences (diffScale, in two passes) and a penalty of 4·ln n per
// changepoint — twice BIC's, because a false changepoint turns a flat
// process into a warm-up: on 10–30 flat jobs with 10 % noise about 3 % are
// split, and a 10 % shift in 20–30 jobs of 2–3 % noise is found ≥ 97 %. Then an interior segment of one job
// is an outlier, not a speed, and is merged into its predecessor; adjacent
// segments whose medians differ by less than max(1 %, σ) are merged too.
// One segment is SteadyFlat; a last segment shorter than a quarter of the
// series or than MinWarmupSeries/2 jobs is SteadyNone, as Barrett et al. do
// for a changepoint in the last 500 of 2000 iterations; otherwise SteadyWarmup
// when the last segment is no slower than every earlier one, else
// SteadySlowdown. Series shorter than MinWarmupSeries give ErrTooShort.
func ClassifySteadyState(times []float64) (SteadyState, error) {
	n := len(times)
	if n < MinWarmupSeries {
		return SteadyState{}, fmt.Errorf("%w: %d iterations, need %d (raise the profile's iteration count)", ErrTooShort, n, MinWarmupSeries)
	}
	logs := make([]float64, n)
	for i, t := range times {
		if !(t > 0) {
			return SteadyState{}, fmt.Errorf("stats: iteration %d has time %v; steady-state classification needs positive times", i, t)
		}
		logs[i] = math.Log(t)
	}
	// Two passes: the first, with σ from every difference, finds the
	// large shifts (a 5× first job); the second re-estimates σ without
	// the differences across them, so smaller shifts are not drowned.
	beta := steadyPenaltyFactor * math.Log(float64(n))
	sigma := diffScale(logs, pelt(logs, diffScale(logs, nil), beta))
	starts := mergeSegments(logs, pelt(logs, sigma, beta), max(minShift, sigma))
	s := SteadyState{Segments: starts, Steady: starts[len(starts)-1]}
	last := Median(logs[s.Steady:])
	switch {
	case len(starts) == 1:
		s.Class = SteadyFlat
	case n-s.Steady < max(n/4, MinWarmupSeries/2):
		s.Class, s.Steady = SteadyNone, n
	case last <= minSegmentMedian(logs, starts)+max(minShift, sigma):
		s.Class = SteadyWarmup
	default:
		s.Class = SteadySlowdown
	}
	return s, nil
}

// diffScale is the noise σ of x from its first differences, skipping
// those that cross a segment start in starts: the larger of the robust
// (1.4826·MAD/√2) and the plain (SD/√2) estimate, at least 0.1 %. The MAD
// alone underestimates σ in short series and lets noise split them.
func diffScale(x []float64, starts []int) float64 {
	var d []float64
	for i := 0; i+1 < len(x); i++ {
		if !slices.Contains(starts, i+1) {
			d = append(d, x[i+1]-x[i])
		}
	}
	if len(d) < 2 {
		return minRelativeScale
	}
	mean := 0.0
	for _, v := range d {
		mean += v
	}
	mean /= float64(len(d))
	ss := 0.0
	for _, v := range d {
		ss += sq(v - mean)
	}
	plain := math.Sqrt(ss / float64(len(d)-1))
	return max(1.4826*mad(d, Median(d)), plain, minRelativeScale*math.Sqrt2) / math.Sqrt2
}

// pelt returns the segment starts minimising Σ cost + β·changepoints, with
// cost the squared deviation from the segment's mean over σ².
func pelt(x []float64, sigma, beta float64) []int {
	n := len(x)
	s1, s2 := make([]float64, n+1), make([]float64, n+1)
	for i, v := range x {
		s1[i+1], s2[i+1] = s1[i]+v, s2[i]+v*v
	}
	cost := func(a, b int) float64 { // x[a:b]
		m := float64(b - a)
		return max(0, s2[b]-s2[a]-sq(s1[b]-s1[a])/m) / (sigma * sigma)
	}
	f := make([]float64, n+1)
	prev := make([]int, n+1)
	f[0] = -beta
	candidates := []int{0}
	for t := 1; t <= n; t++ {
		best, arg := math.Inf(1), 0
		for _, tau := range candidates {
			if v := f[tau] + cost(tau, t) + beta; v < best {
				best, arg = v, tau
			}
		}
		f[t], prev[t] = best, arg
		kept := candidates[:0]
		for _, tau := range candidates {
			if f[tau]+cost(tau, t) <= f[t] { // PELT's pruning (K = 0)
				kept = append(kept, tau)
			}
		}
		candidates = append(kept, t)
	}
	var starts []int
	for t := n; t > 0; t = prev[t] {
		starts = append([]int{prev[t]}, starts...)
	}
	return starts
}

// mergeSegments drops interior one-job segments (outliers) and merges
// adjacent segments whose medians differ by less than tol.
func mergeSegments(x []float64, starts []int, tol float64) []int {
	end := func(s []int, i int) int {
		if i+1 < len(s) {
			return s[i+1]
		}
		return len(x)
	}
	var kept []int
	for i, a := range starts {
		if i > 0 && end(starts, i)-a == 1 {
			continue // an interior single job: an outlier
		}
		kept = append(kept, a)
	}
	for merged := true; merged && len(kept) > 1; {
		merged = false
		for i := 1; i < len(kept); i++ {
			if math.Abs(Median(x[kept[i-1]:kept[i]])-Median(x[kept[i]:end(kept, i)])) < tol {
				kept = append(kept[:i], kept[i+1:]...)
				merged = true
				break
			}
		}
	}
	return kept
}

// minSegmentMedian is the smallest median of the segments before the last.
func minSegmentMedian(x []float64, starts []int) float64 {
	least := math.Inf(1)
	for i := 0; i+1 < len(starts); i++ {
		least = min(least, Median(x[starts[i]:starts[i+1]]))
	}
	return least
}
