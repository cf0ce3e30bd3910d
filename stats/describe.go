package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Summary describes one sample of values.
type Summary struct {
	N             int
	Median, Mean  float64
	CILow, CIHigh float64 // 95% confidence interval of the mean (Student t); NaN when N < 2
	CV            float64 // coefficient of variation, sd/mean; NaN when N < 2
	Max, P99      float64
	P999          float64 // 99.9th percentile (empirical)
	Q1, Q3        float64 // quartiles (linear interpolation), for error bars
	Min           float64
}

// Describe summarises values. It never panics: no values give N = 0 and NaNs.
func Describe(values []float64) Summary {
	nan := math.NaN()
	s := Summary{N: len(values), Median: nan, Mean: nan, CILow: nan, CIHigh: nan, CV: nan,
		Max: nan, P99: nan, P999: nan, Q1: nan, Q3: nan, Min: nan}
	if len(values) == 0 {
		return s
	}
	sorted := slices.Sorted(slices.Values(values))
	s.Median = Median(sorted)
	s.Mean = stat.Mean(sorted, nil)
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	s.P99 = stat.Quantile(0.99, stat.Empirical, sorted, nil)
	s.P999 = stat.Quantile(0.999, stat.Empirical, sorted, nil)
	s.Q1 = stat.Quantile(0.25, stat.LinInterp, sorted, nil)
	s.Q3 = stat.Quantile(0.75, stat.LinInterp, sorted, nil)
	if len(sorted) >= 2 {
		sd := stat.StdDev(sorted, nil)
		half := TQuantile(0.975, len(sorted)-1) * stat.StdErr(sd, float64(len(sorted)))
		s.CILow, s.CIHigh = s.Mean-half, s.Mean+half
		if s.Mean != 0 {
			s.CV = sd / s.Mean
		}
	}
	return s
}

// TQuantile is the p quantile of Student's t with df degrees of freedom
// (0.975: the half-width factor of a two-sided 95% interval).
func TQuantile(p float64, df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(p)
}
