package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// MinWarmupSeries is the shortest iteration series whose warm-up can be
// determined: MSER looks for the end in the first half, and the rest must
// leave at least five steady iterations for a median and a trend test.
const MinWarmupSeries = 10

// ErrTooShort reports a series too short to tell warm-up from steady state.
var ErrTooShort = errors.New("stats: too few iterations to determine warm-up")

// warmupZ is how many robust standard deviations the warm-up prefix's
// median must lie above the steady median: 3 keeps false alarms on a
// stationary normal series near 0.1 %.
const warmupZ = 3

// minRelativeScale floors the robust scale at 0.1 % of the time, so that
// quantised or constant timings do not turn a 1 ns wobble into warm-up.
const minRelativeScale = 1e-3

// Warmup is where one prolonged process reached steady state.
type Warmup struct {
	Steady     int     // index of the first steady iteration (0: no warm-up seen)
	Candidate  int     // MSER's truncation point, before the significance check
	TrendP     float64 // Mann–Kendall two-sided p-value of a trend in times[Steady:]
	Stationary bool    // TrendP ≥ 0.05: no trend left after warm-up
}

// FindWarmup finds where warm-up ends in one process's iteration times (in
// run order, all positive).
//
// Opinion: on log times, the MSER rule (White 1997) proposes the
// truncation point d ≤ n/2 that minimises the marginal standard error of
// the remainder, Σ(xᵢ − x̄_d)²/(n−d)²; it is accepted only when the
// prefix's median lies more than 3 robust standard deviations (1.4826·MAD
// of the remainder, at least 0.1 %) above the remainder's median, so a
// stationary series keeps all its iterations; steady state then starts
// after the prefix's last iteration above that limit, giving back steady
// iterations MSER over-truncated. The remainder is then
// checked for a monotone trend (Mann–Kendall): a warm-up still going on
// shows as Stationary = false, and the caller should say so rather than
// trust the steady median. Series shorter than MinWarmupSeries give
// ErrTooShort.
func FindWarmup(times []float64) (Warmup, error) {
	if len(times) < MinWarmupSeries {
		return Warmup{}, fmt.Errorf("%w: %d iterations, need %d (raise the profile's iteration count)", ErrTooShort, len(times), MinWarmupSeries)
	}
	logs := make([]float64, len(times))
	for i, t := range times {
		if !(t > 0) {
			return Warmup{}, fmt.Errorf("stats: iteration %d has time %v; warm-up detection needs positive times", i, t)
		}
		logs[i] = math.Log(t)
	}
	w := Warmup{Candidate: mser(logs)}
	if d := w.Candidate; d > 0 {
		rest := logs[d:]
		center := Median(rest)
		scale := max(1.4826*mad(rest, center), minRelativeScale)
		limit := center + warmupZ*scale
		// MSER may over-truncate by several steady iterations: the end is
		// the prefix of [0, d) with the most slow iterations net of steady
		// ones, so a chance slow one among steady ones does not extend it.
		score, best := 0, 0
		for i := range d {
			if logs[i] > limit {
				score++
			} else {
				score--
			}
			if score > best {
				best, w.Steady = score, i+1
			}
		}
	}
	w.TrendP = mannKendall(logs[w.Steady:])
	w.Stationary = w.TrendP >= 0.05
	return w, nil
}

// mser returns the d in [0, n/2] minimising Σ_{i≥d}(xᵢ − x̄_d)² / (n−d)²,
// the first on a tie.
func mser(x []float64) int {
	n := len(x)
	best, bestD := math.Inf(1), 0
	// Suffix sums make each d O(1).
	var sum, sumSq float64
	suffix := make([][2]float64, n+1)
	for i := n - 1; i >= 0; i-- {
		sum += x[i]
		sumSq += x[i] * x[i]
		suffix[i] = [2]float64{sum, sumSq}
	}
	for d := 0; d <= n/2; d++ {
		m := float64(n - d)
		ss := suffix[d][1] - suffix[d][0]*suffix[d][0]/m
		if v := max(0, ss) / (m * m); v < best {
			best, bestD = v, d
		}
	}
	return bestD
}

// mad is the median absolute deviation of x from center.
func mad(x []float64, center float64) float64 {
	dev := make([]float64, len(x))
	for i, v := range x {
		dev[i] = math.Abs(v - center)
	}
	return Median(dev)
}

// mannKendall is the two-sided p-value of the Mann–Kendall trend test:
// S = Σ_{i<j} sign(xⱼ − xᵢ), normal with variance n(n−1)(2n+5)/18 less the
// tie correction, with continuity correction. 1 for fewer than 3 values.
func mannKendall(x []float64) float64 {
	n := len(x)
	if n < 3 {
		return 1
	}
	s := 0.0
	for i := range n {
		for j := i + 1; j < n; j++ {
			switch {
			case x[j] > x[i]:
				s++
			case x[j] < x[i]:
				s--
			}
		}
	}
	variance := float64(n*(n-1)*(2*n+5)) / 18
	sorted := slices.Sorted(slices.Values(x))
	for i := 0; i < n; {
		j := i + 1
		for j < n && sorted[j] == sorted[i] {
			j++
		}
		t := float64(j - i)
		variance -= t * (t - 1) * (2*t + 5) / 18
		i = j
	}
	if variance <= 0 {
		return 1
	}
	z := max(0, math.Abs(s)-1) / math.Sqrt(variance)
	return min(1, 2*distuv.UnitNormal.Survival(z))
}
