package stats

import (
	"math"
	"math/rand/v2"
	"slices"
)

// BootstrapRatioCI is the percentile bootstrap CI at level (e.g. 0.95) of
// statLoaded(loaded*)/statBase(base*), both sides resampled independently
// from rng; replicates giving NaN or ±Inf are dropped, and if more than
// half are, the CI is NaN (the statistic is not stable under resampling).
func BootstrapRatioCI(rng *rand.Rand, base, loaded []float64, statBase, statLoaded func([]float64) float64,
	level float64, resamples int) (low, high float64) {
	if len(base) == 0 || len(loaded) == 0 {
		return math.NaN(), math.NaN()
	}
	b, l := make([]float64, len(base)), make([]float64, len(loaded))
	var ratios []float64
	for range resamples {
		Resample(rng, base, b)
		Resample(rng, loaded, l)
		if x := statLoaded(l) / statBase(b); !math.IsNaN(x) && !math.IsInf(x, 0) {
			ratios = append(ratios, x)
		}
	}
	if len(ratios) < resamples/2 || len(ratios) == 0 {
		return math.NaN(), math.NaN()
	}
	tail := (1 - level) / 2
	return Quantile(ratios, tail), Quantile(ratios, 1-tail)
}

// Quantile is the type-7 (linear interpolation) sample quantile of values,
// which it does not modify; NaN when empty.
func Quantile(values []float64, q float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	s := slices.Clone(values)
	slices.Sort(s)
	h := q * float64(len(s)-1)
	i := int(h)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-float64(i))*(s[i+1]-s[i])
}
