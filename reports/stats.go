package reports

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/rtwasm/rtwasm/stats"
)

// summary describes one sample of times in milliseconds.
type summary struct {
	N             int
	Median, Mean  float64
	CILow, CIHigh float64 // 95% confidence interval of the mean (Student t); NaN when N < 2
	CV            float64 // coefficient of variation, sd/mean; NaN when N < 2
	Max, P99      float64
	P999          float64 // 99.9th percentile (empirical)
	Q1, Q3        float64 // quartiles, for error bars
	Min           float64
}

// summarize computes the summary of values (ms). It never panics: an empty
// slice gives N = 0 and NaNs.
func summarize(values []float64) summary {
	nan := math.NaN()
	s := summary{N: len(values), Median: nan, Mean: nan, CILow: nan, CIHigh: nan, CV: nan,
		Max: nan, P99: nan, P999: nan, Q1: nan, Q3: nan, Min: nan}
	if len(values) == 0 {
		return s
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	s.Median = median(sorted)
	s.Mean = stat.Mean(sorted, nil)
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	s.P99 = stat.Quantile(0.99, stat.Empirical, sorted, nil)
	s.P999 = stat.Quantile(0.999, stat.Empirical, sorted, nil)
	s.Q1 = stat.Quantile(0.25, stat.LinInterp, sorted, nil)
	s.Q3 = stat.Quantile(0.75, stat.LinInterp, sorted, nil)
	if len(sorted) >= 2 {
		sd := stat.StdDev(sorted, nil)
		half := tQuantile975(len(sorted)-1) * stat.StdErr(sd, float64(len(sorted)))
		s.CILow, s.CIHigh = s.Mean-half, s.Mean+half
		if s.Mean != 0 {
			s.CV = sd / s.Mean
		}
	}
	return s
}

// median is stats.Median: the middle value, or the mean of the two middle
// values; NaN for no values.
func median(values []float64) float64 { return stats.Median(values) }

// tQuantile975 is the 97.5% quantile of Student's t with df degrees of
// freedom: the half-width factor of a two-sided 95% interval.
func tQuantile975(df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
}
