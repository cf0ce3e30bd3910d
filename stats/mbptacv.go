package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// MBPTA-CV (Abella et al., "Measurement-based worst-case execution time
// estimation using the coefficient of variation", ACM TODAES 2017): the
// excesses over a high threshold of a distribution with an exponential
// tail are exponential, whose coefficient of variation (sd/mean) is 1.
// For tails of decreasing size the CV of the excesses is compared with
// 1 ± z/√k (k excesses, CV being asymptotically N(1, 1/k)); the largest
// tail whose CV lies at or below the upper bound is taken and an
// exponential fitted to it. A CV above the band everywhere means a tail
// heavier than exponential: the exponential would not bound it, so the
// check fails and nothing is projected. A CV below 1 (a lighter tail) is
// accepted: the exponential then over-estimates, which is safe.

// Minimum counts of the CV check.
const (
	// MinExceedances is the smallest tail the CV is read on: below about
	// 50 excesses the band 1 ± 1.96/√k is wider than ±0.28.
	MinExceedances = 50
	// MaxTailFraction caps the tail at the top 10% of the samples: lower
	// thresholds are no longer "the tail".
	MaxTailFraction = 0.10
)

// CVFit is the result of the MBPTA-CV exponential-tail check.
type CVFit struct {
	OK        bool    // an exponential tail was found and fitted
	Err       error   // why not, when !OK
	N         int     // samples
	K         int     // excesses in the chosen tail
	Threshold float64 // the tail's threshold u (the (K+1)-th largest sample)
	CV        float64 // the CV of the chosen tail's excesses (of the smallest tail read when !OK)
	Band      float64 // the band's half-width z/√K
	Mean      float64 // mean excess: the exponential's scale
}

// FitCV runs the MBPTA-CV check on samples (any order) at level alpha
// (0 means 0.05) and fits an exponential to the tail it accepts.
func FitCV(samples []float64, alpha float64) CVFit {
	f := CVFit{N: len(samples), CV: math.NaN(), Threshold: math.NaN(), Mean: math.NaN()}
	kMax := int(MaxTailFraction * float64(len(samples)))
	if kMax < MinExceedances {
		f.Err = fmt.Errorf("stats: %d samples give a tail of %d (top %.0f%%); the CV check needs %d excesses, so %d samples",
			len(samples), kMax, 100*MaxTailFraction, MinExceedances, int(math.Ceil(MinExceedances/MaxTailFraction)))
		return f
	}
	z := distuv.UnitNormal.Quantile(1 - orDefault(alpha, 0.05)/2)
	desc := slices.Clone(samples)
	slices.Sort(desc)
	slices.Reverse(desc)
	for k := kMax; k >= MinExceedances; k-- {
		cv, mean := excessCV(desc[:k], desc[k])
		band := z / math.Sqrt(float64(k))
		f.K, f.CV, f.Band, f.Threshold, f.Mean = k, cv, band, desc[k], mean
		if cv <= 1+band && mean > 0 {
			f.OK = true
			return f
		}
	}
	f.Err = fmt.Errorf("stats: the tail is heavier than exponential (CV of the top %d excesses = %.2f > 1 + %.2f at every tail size): "+
		"MBPTA-CV projects nothing", f.K, f.CV, f.Band)
	return f
}

// excessCV is the coefficient of variation and mean of top − u.
func excessCV(top []float64, u float64) (cv, mean float64) {
	var s, ss float64
	for _, v := range top {
		s += v - u
	}
	mean = s / float64(len(top))
	for _, v := range top {
		d := v - u - mean
		ss += d * d
	}
	if mean == 0 {
		return math.Inf(1), 0
	}
	return math.Sqrt(ss/float64(len(top)-1)) / mean, mean
}

// Bound is the value exceeded with probability p per sample: the threshold
// is exceeded with probability K/N, and beyond it the excess is
// exponential with the tail's mean. NaN when the check failed or p is not
// below K/N (the bound would lie inside the observed tail).
func (f CVFit) Bound(p float64) float64 {
	pu := float64(f.K) / float64(f.N)
	if !f.OK || !(p > 0) || p >= pu {
		return math.NaN()
	}
	return f.Threshold + f.Mean*math.Log(pu/p)
}
