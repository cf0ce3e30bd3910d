package stats

import (
	"cmp"
	"math"
	"slices"
)

// Holm returns Holm's step-down adjusted p-values, in the order of ps:
// sorted ascending, p₍ᵢ₎ is multiplied by m−i+1 (i from 1), capped at 1 and
// made monotone (never below an earlier adjusted value). A comparison is
// significant at level α when its adjusted p is below α.
//
// Opinion: Holm, not Bonferroni — the same family-wise error guarantee
// without independence assumptions, and never less power. NaN p-values are
// left NaN and do not count towards m.
func Holm(ps []float64) []float64 {
	adjusted := make([]float64, len(ps))
	var order []int
	for i, p := range ps {
		adjusted[i] = math.NaN()
		if !math.IsNaN(p) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ps[a], ps[b]) })
	m, running := len(order), 0.0
	for rank, i := range order {
		running = max(running, min(1, float64(m-rank)*ps[i]))
		adjusted[i] = running
	}
	return adjusted
}
