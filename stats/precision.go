package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// PrecisionLevel is the confidence level of the CI a cell's precision is
// measured on (RTWASM_PRECISION).
const PrecisionLevel = 0.95

// MedianCI is the distribution-free confidence interval of the median at
// the given level (e.g. 0.95): the order statistics x₍ₗ₎ and x₍ₙ₋ₗ₊₁₎ with
// the largest l whose coverage 1 − 2·P(Bin(n, ½) ≤ l−1) is still at least
// level. ok is false when n is too small for any such interval (n < 6 at
// 95 %).
//
// Opinion: order statistics, not a bootstrap: the interval is exact for any
// continuous distribution, needs no seed, and a stopping rule evaluated
// after every round must not depend on resampling noise.
func MedianCI(x []float64, level float64) (low, high float64, ok bool) {
	n := len(x)
	l := medianRank(n, level)
	if l < 1 {
		return math.NaN(), math.NaN(), false
	}
	s := slices.Sorted(slices.Values(x))
	return s[l-1], s[n-l], true
}

// medianRank is the largest 1-based l ≤ n/2 with 2·P(Bin(n, ½) ≤ l−1) ≤
// 1 − level, or 0 when there is none.
func medianRank(n int, level float64) int {
	if n < 1 {
		return 0
	}
	b := distuv.Binomial{N: float64(n), P: 0.5}
	l := 0
	for k := 1; k <= n/2; k++ {
		if 2*b.CDF(float64(k-1)) > 1-level {
			break
		}
		l = k
	}
	return l
}

// MinPrecisionSamples is the fewest samples with a median CI at level.
func MinPrecisionSamples(level float64) int {
	n := 1
	for medianRank(n, level) < 1 {
		n++
	}
	return n
}

// RelativeHalfWidth is the precision of a cell: the larger distance from
// the median to a bound of its CI at PrecisionLevel, relative to the
// median. +Inf when the CI cannot be formed (too few samples) or the
// median is not positive.
func RelativeHalfWidth(x []float64) float64 {
	low, high, ok := MedianCI(x, PrecisionLevel)
	m := Median(x)
	if !ok || !(m > 0) {
		return math.Inf(1)
	}
	return max(m-low, high-m) / m
}

// SamplesForPrecision estimates how many samples the cell needs for a
// relative half-width of target: the half-width shrinks as 1/√n, so
// n·(h/target)², at least MinPrecisionSamples. Without a CI yet it returns
// MinPrecisionSamples: the first estimate comes once there is one.
func SamplesForPrecision(x []float64, target float64) int {
	least := MinPrecisionSamples(PrecisionLevel)
	h := RelativeHalfWidth(x)
	if math.IsInf(h, 1) || target <= 0 {
		return max(least, len(x)+1)
	}
	if h <= target {
		return len(x)
	}
	return max(least, int(math.Ceil(float64(len(x))*sq(h/target))))
}
