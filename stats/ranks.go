package stats

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// exactLimit bounds n1+n2 for the exact Mann–Whitney distribution: the
// counts stay below 2⁵³ (C(40,20) ≈ 1.4e11), and larger samples are well
// served by the normal approximation.
const exactLimit = 40

// MannWhitney returns U of x against y (pairs with x > y, ties counting one
// half) and its two-sided p-value.
//
// Opinion: exact when there are no ties and n1+n2 ≤ 40 (the normal
// approximation is anti-conservative for 3 against 3: 0.077 instead of
// 0.1); otherwise the normal approximation with tie and continuity
// correction. Empty samples give p = 1.
func MannWhitney(x, y []float64) (u, p float64) {
	if len(x) == 0 || len(y) == 0 {
		return math.NaN(), 1
	}
	n1, n2 := float64(len(x)), float64(len(y))
	ranks, tieTerm := midRanks(append(slices.Clone(x), y...))
	rankSumX := 0.0
	for i := range x {
		rankSumX += ranks[i]
	}
	u = rankSumX - n1*(n1+1)/2
	if tieTerm == 0 && len(x)+len(y) <= exactLimit {
		return u, exactMannWhitneyP(len(x), len(y), u)
	}
	n := n1 + n2
	variance := n1 * n2 / 12 * ((n + 1) - tieTerm/(n*(n-1)))
	if variance <= 0 {
		return u, 1
	}
	z := max(0, math.Abs(u-n1*n2/2)-0.5) / math.Sqrt(variance)
	return u, min(1, 2*distuv.UnitNormal.Survival(z))
}

// exactMannWhitneyP is the two-sided exact p-value of U = u without ties.
func exactMannWhitneyP(n1, n2 int, u float64) float64 {
	counts := uCounts(n1, n2)
	k := int(math.Round(u))
	var total, below, above float64
	for i, c := range counts {
		total += c
		if i <= k {
			below += c
		}
		if i >= k {
			above += c
		}
	}
	return min(1, 2*min(below, above)/total)
}

// uCounts returns, for U = 0…n1·n2, the number of orderings of n1 against
// n2 distinct values that give U: the coefficients of the Gaussian binomial
// [n1+n2 choose n1]_q = Π_{i=1..n1} (1−q^(n2+i))/(1−q^i), built one factor
// at a time and truncated at degree n1·n2 (which is exact: every step only
// reads lower coefficients).
func uCounts(n1, n2 int) []float64 {
	m := n1 * n2
	c := make([]float64, m+1)
	c[0] = 1
	for i := 1; i <= n1; i++ {
		for j := m; j >= n2+i; j-- {
			c[j] -= c[j-n2-i]
		}
		for j := i; j <= m; j++ {
			c[j] += c[j-i]
		}
	}
	return c
}

// minimumP is the smallest two-sided p-value MannWhitney can return for
// these sample sizes (complete separation, no ties).
func minimumP(n1, n2 int) float64 {
	x, y := make([]float64, n1), make([]float64, n2)
	for i := range x {
		x[i] = float64(i)
	}
	for i := range y {
		y[i] = float64(n1 + i)
	}
	_, p := MannWhitney(x, y)
	return p
}

// midRanks ranks values from 1, ties sharing their mean rank, and returns
// Σ(t³−t) over groups of t tied values.
func midRanks(values []float64) (ranks []float64, tieTerm float64) {
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(values[a], values[b]) })
	ranks = make([]float64, len(values))
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && values[order[end]] == values[order[start]] {
			end++
		}
		for _, i := range order[start:end] {
			ranks[i] = float64(start+end+1) / 2
		}
		t := float64(end - start)
		tieTerm += t*t*t - t
		start = end
	}
	return ranks, tieTerm
}

// Median is the middle value, or the mean of the two middle values; NaN
// for no values. values is not modified.
func Median(values []float64) float64 {
	return sortedMedian(slices.Clone(values))
}

// sortedMedian sorts v in place and returns its median.
func sortedMedian(v []float64) float64 {
	n := len(v)
	if n == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
