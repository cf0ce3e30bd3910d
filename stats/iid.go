package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The i.i.d. gates of measurement-based probabilistic timing analysis
// (MBPTA): a tail is fitted only when the samples, in the order they were
// measured, show no autocorrelation (Ljung–Box) and the same distribution
// in both halves of the run (two-sample Kolmogorov–Smirnov).

// LjungBoxLags is the number of lags MBPTA practice tests: 20.
const LjungBoxLags = 20

// LagsFor is LjungBoxLags, fewer for short series (at most n/5).
func LagsFor(n int) int { return max(1, min(LjungBoxLags, n/5)) }

// LjungBox is the p-value of the Ljung–Box test of no autocorrelation up to
// lag h: Q = n(n+2)Σρₖ²/(n−k), χ² with h degrees of freedom. A constant
// series has no autocorrelation (p = 1); fewer than h+2 values give NaN.
func LjungBox(x []float64, h int) float64 {
	if h < 1 || len(x) < h+2 {
		return math.NaN()
	}
	n := float64(len(x))
	mean := stat.Mean(x, nil)
	var denom float64
	for _, v := range x {
		denom += (v - mean) * (v - mean)
	}
	if denom == 0 {
		return 1
	}
	q := 0.0
	for k := 1; k <= h; k++ {
		var num float64
		for t := 0; t+k < len(x); t++ {
			num += (x[t] - mean) * (x[t+k] - mean)
		}
		rho := num / denom
		q += rho * rho / (n - float64(k))
	}
	q *= n * (n + 2)
	return distuv.ChiSquared{K: float64(h)}.Survival(q)
}

// TwoHalfKS is the p-value of the two-sample Kolmogorov–Smirnov test between the first and second half of
// x in run order: a drift in distribution over the run fails it. Fewer
// than 4 values give NaN.
func TwoHalfKS(x []float64) float64 {
	if len(x) < 4 {
		return math.NaN()
	}
	_, p := KS(x[:len(x)/2], x[len(x)/2:])
	return p
}

// kolmogorovQ is the survival function of the Kolmogorov distribution,
// Q(λ) = 2Σ(−1)^(k−1)e^(−2k²λ²).
func kolmogorovQ(lambda float64) float64 {
	if lambda < 0.2 {
		return 1
	}
	sum := 0.0
	for k := 1; k <= 100; k++ {
		term := math.Exp(-2 * float64(k*k) * lambda * lambda)
		if k%2 == 0 {
			term = -term
		}
		sum += term
		if math.Abs(term) < 1e-12 {
			break
		}
	}
	return max(0, min(1, 2*sum))
}

// exactKSLimit bounds the number of splits the exact permutation test enumerates.
const exactKSLimit = 20000

// KS returns the two-sample Kolmogorov–Smirnov statistic D (gonum) and
// its p-value: exact by enumerating every split of the pooled values when
// there are at most exactKSLimit, else the asymptotic Kolmogorov
// distribution with Stephens' small-sample correction.
func KS(x, y []float64) (d, p float64) {
	xs, ys := slices.Clone(x), slices.Clone(y)
	slices.Sort(xs)
	slices.Sort(ys)
	d = stat.KolmogorovSmirnov(xs, nil, ys, nil)
	if binomial(len(x)+len(y), len(x)) <= exactKSLimit {
		return d, exactKSP(xs, ys, d)
	}
	n, m := float64(len(x)), float64(len(y))
	ne := math.Sqrt(n * m / (n + m))
	return d, kolmogorovQ((ne + 0.12 + 0.11/ne) * d)
}

// exactKSP is the fraction of all ways to split the pooled values into
// groups of len(x) and len(y) whose D is at least d.
func exactKSP(x, y []float64, d float64) float64 {
	pool := slices.Concat(x, y)
	n := len(x)
	pick := make([]bool, len(pool))
	total, extreme := 0, 0
	var walk func(i, chosen int)
	walk = func(i, chosen int) {
		if chosen == n {
			var a, b []float64
			for k, v := range pool {
				if pick[k] {
					a = append(a, v)
				} else {
					b = append(b, v)
				}
			}
			slices.Sort(a)
			slices.Sort(b)
			total++
			if stat.KolmogorovSmirnov(a, nil, b, nil) >= d-1e-12 {
				extreme++
			}
			return
		}
		if len(pool)-i < n-chosen {
			return
		}
		pick[i] = true
		walk(i+1, chosen+1)
		pick[i] = false
		walk(i+1, chosen)
	}
	walk(0, 0)
	return float64(extreme) / float64(total)
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// IIDCheck is the MBPTA i.i.d. check of samples in run order: Ljung–Box with
// Lags lags (independence) and two-half KS (identical distribution), each
// passed at p ≥ Alpha.
type IIDCheck struct {
	Lags           int
	LjungBoxP, KSP float64 // NaN when too few values
	Alpha          float64
}

// CheckIID runs both i.i.d. checks on x, in the order it was measured.
func CheckIID(x []float64, alpha float64) IIDCheck {
	lags := LagsFor(len(x))
	return IIDCheck{Lags: lags, LjungBoxP: LjungBox(x, lags), KSP: TwoHalfKS(x), Alpha: alpha}
}

// Independent reports whether Ljung–Box passed; NaN (too few values) does not.
func (c IIDCheck) Independent() bool { return c.LjungBoxP >= c.Alpha }

// IdenticallyDistributed reports whether the two-half KS passed; NaN does not.
func (c IIDCheck) IdenticallyDistributed() bool { return c.KSP >= c.Alpha }

// BlockMaxima are the maxima of consecutive blocks of size b; a last
// incomplete block is dropped.
func BlockMaxima(values []float64, b int) []float64 {
	var maxima []float64
	for i := 0; i+b <= len(values); i += b {
		maxima = append(maxima, slices.Max(values[i:i+b]))
	}
	return maxima
}

// BlockSize is ⌊√n⌋, but small enough for MinMaxima blocks and at least minBlock.
func BlockSize(n, minBlock int) int {
	return max(minBlock, min(int(math.Sqrt(float64(n))), n/MinMaxima))
}
