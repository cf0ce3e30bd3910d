package stats

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Verdict is the one word a comparison of two series ends in.
type Verdict int

const (
	// Undecided: neither a tie nor a difference is shown; more samples are needed.
	Undecided Verdict = iota
	// Tied: the ratio's CI lies inside the equivalence margin.
	Tied
	// Different: significant after Holm correction over the family, and not tied.
	Different
)

func (v Verdict) String() string {
	switch v {
	case Tied:
		return "tied"
	case Different:
		return "different"
	default:
		return "undecided"
	}
}

// DefaultMargin is the smallest equivalence margin: differences below 5 %
// are not findings even on a quiet host.
const DefaultMargin = 0.05

// Margin is the equivalence margin for a measured noise floor (a fraction):
// max(floor, DefaultMargin). NaN floors give DefaultMargin.
func Margin(floor float64) float64 {
	if math.IsNaN(floor) {
		return DefaultMargin
	}
	return max(floor, DefaultMargin)
}

// Options tune the comparisons; the zero value is the default.
type Options struct {
	Alpha     float64 // test level; 0 means 0.05
	Power     float64 // target power of the sample-size estimate; 0 means 0.8
	Resamples int     // bootstrap resamples; 0 means 2000
	Seed      uint64  // bootstrap seed, mixed with each pair's Name
}

func (o Options) alpha() float64 { return orDefault(o.Alpha, 0.05) }
func (o Options) power() float64 { return orDefault(o.Power, 0.8) }
func (o Options) resamples() int { return int(orDefault(float64(o.Resamples), 2000)) }

// orDefault is v, or def when v is the zero value.
func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// Pair is one comparison of a family: series A against series B, with its
// equivalence margin as a fraction (e.g. Margin(noise floor)).
type Pair struct {
	Name   string // identifies the pair; seeds its bootstrap stream
	A, B   []float64
	Margin float64
}

// Comparison is the judgement of one Pair.
type Comparison struct {
	Name             string
	NA, NB           int
	MedianA, MedianB float64
	Ratio            float64 // median(A)/median(B)
	Low, High        float64 // percentile bootstrap CI of Ratio at level 1−2α (TOST)
	Margin           float64 // tied when [Low, High] ⊂ [1/(1+Margin), 1+Margin]
	U, P             float64 // Mann–Whitney U of A vs B and its raw two-sided p-value
	PHolm            float64 // P adjusted by Holm over the family
	Verdict          Verdict
	SamplesNeeded    int // per side, when Undecided and estimable; else 0
}

// Compare judges a family of one pair. See CompareFamily.
func Compare(a, b []float64, margin float64, opt Options) Comparison {
	return CompareFamily([]Pair{{A: a, B: b, Margin: margin}}, opt)[0]
}

// CompareFamily judges every pair of a family (e.g. the rows of one
// pairwise table) and returns the comparisons in the order of pairs.
//
// Opinion:
//   - Tied when the (1−2α) percentile-bootstrap CI of the ratio of medians
//     lies inside [1/(1+m), 1+m]: two one-sided tests at level α (TOST).
//   - Different when the Mann–Whitney p-value, Holm-adjusted over the
//     family, is below α — and the pair is not tied: a significant
//     difference inside the margin is not a finding.
//   - Otherwise Undecided, with SamplesNeeded (see SamplesNeeded).
//
// A pair with an empty side is Undecided with SamplesNeeded 0.
func CompareFamily(pairs []Pair, opt Options) []Comparison {
	alpha := opt.alpha()
	list := make([]Comparison, len(pairs))
	ps := make([]float64, len(pairs))
	for i, pr := range pairs {
		c := Comparison{Name: pr.Name, NA: len(pr.A), NB: len(pr.B), Margin: pr.Margin,
			MedianA: Median(pr.A), MedianB: Median(pr.B)}
		c.Ratio = c.MedianA / c.MedianB
		c.Low, c.High = RatioCI(pr.A, pr.B, 1-2*alpha, opt.resamples(), SeedFor(opt.Seed, pr.Name))
		c.U, c.P = MannWhitney(pr.A, pr.B)
		if len(pr.A) == 0 || len(pr.B) == 0 {
			c.P = math.NaN()
		}
		list[i], ps[i] = c, c.P
	}
	adjusted := Holm(ps)
	for i := range list {
		c := &list[i]
		c.PHolm = adjusted[i]
		switch {
		case c.Low >= 1/(1+c.Margin) && c.High <= 1+c.Margin:
			c.Verdict = Tied
		case c.PHolm < alpha:
			c.Verdict = Different
		case c.NA > 0 && c.NB > 0:
			c.SamplesNeeded = SamplesNeeded(pairs[i].A, pairs[i].B, c.Margin, len(pairs), opt)
		}
	}
	return list
}

// RatioCI is the percentile bootstrap CI at the given level (e.g. 0.9) of
// median(a)/median(b), resampling a and b independently from seed. NaN
// when a side is empty or every resampled median of b is zero.
func RatioCI(a, b []float64, level float64, resamples int, seed uint64) (low, high float64) {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN(), math.NaN()
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	ratios := make([]float64, 0, resamples)
	ra, rb := make([]float64, len(a)), make([]float64, len(b))
	for range resamples {
		Resample(rng, a, ra)
		Resample(rng, b, rb)
		if mb := sortedMedian(rb); mb != 0 {
			ratios = append(ratios, sortedMedian(ra)/mb)
		}
	}
	if len(ratios) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(ratios)
	tail := (1 - level) / 2
	return stat.Quantile(tail, stat.LinInterp, ratios, nil), stat.Quantile(1-tail, stat.LinInterp, ratios, nil)
}

// Resample fills into with draws, with replacement, from from: one
// bootstrap replicate.
func Resample(rng *rand.Rand, from, into []float64) {
	for i := range into {
		into[i] = from[rng.IntN(len(from))]
	}
}

// SeedFor mixes a seed with a name (FNV-1a), so that every pair, cell or
// bootstrap named has its own stream whatever the order they are computed in.
func SeedFor(seed uint64, name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return seed ^ h.Sum64()
}

// maxSamplesNeeded caps SamplesNeeded: beyond it the answer is "never".
const maxSamplesNeeded = 1_000_000_000

// SamplesNeeded estimates the samples per side that would decide an
// undecided pair in a family of k comparisons, from the observed effect.
//
// Opinion: a normal approximation on log times, with d = |ln(median a /
// median b)|, δ = ln(1+margin) and σ the pooled standard deviation of ln a
// and ln b (≈ the CV), taken at its upper 80 % confidence bound
// σ·√(df/χ²[df; 0.2]) because a pilot of a few samples mostly
// underestimates it (Browne 1995):
//
//	different:  n = (π/3) · 2 (t[1−α/(2k)] + t[power])² σ² / d²        (when d > 0)
//	tied:       n = (π/2) · 2 (t[1−α] + t[(1+power)/2])² σ² / (δ − d)²  (when d < δ)
//
// with Student t quantiles on 2n−2 degrees of freedom (solved by fixed
// point from the normal ones). π/3 is the Mann–Whitney test's efficiency
// loss against the t-test and π/2 the median's against the mean, both
// under normality; α/k is Holm's first (strictest) step. The smaller n is
// returned — whichever outcome the data point to — but never fewer than
// the smallest n for which the Mann–Whitney test can reach α/k at all.
// Needs two positive values per side; returns 0 when it cannot estimate,
// and caps at 10⁹.
func SamplesNeeded(a, b []float64, margin float64, k int, opt Options) int {
	if len(a) < 2 || len(b) < 2 || k < 1 || slices.ContainsFunc(append(slices.Clone(a), b...), func(v float64) bool { return !(v > 0) }) {
		return 0
	}
	alpha, power := opt.alpha(), opt.power()
	df := float64(len(a) + len(b) - 2)
	sigma := pooledLogSD(a, b) * math.Sqrt(df/distuv.ChiSquared{K: df}.Quantile(0.2))
	d := math.Abs(math.Log(Median(a) / Median(b)))
	delta := math.Log1p(margin)
	n := math.Inf(1)
	if d > 0 {
		n = solveN(math.Pi/3*2*sigma*sigma/(d*d), 1-alpha/(2*float64(k)), power)
	}
	if d < delta {
		n = min(n, solveN(math.Pi/2*2*sigma*sigma/sq(delta-d), 1-alpha, (1+power)/2))
	}
	if math.IsNaN(n) || n > maxSamplesNeeded {
		return maxSamplesNeeded
	}
	return max(minimumSamples(alpha/float64(k)), int(math.Ceil(n)))
}

// solveN solves n = c·(t[2n−2](p1) + t[2n−2](p2))² by fixed-point
// iteration from the normal quantiles; it settles in a few rounds, since
// the t quantiles change little once n is past a handful.
func solveN(c, p1, p2 float64) float64 {
	z := distuv.UnitNormal.Quantile
	n := c * sq(z(p1)+z(p2))
	for range 20 {
		if n > maxSamplesNeeded {
			return n
		}
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: max(1, 2*math.Ceil(n)-2)}
		next := c * sq(t.Quantile(p1)+t.Quantile(p2))
		if math.Abs(next-n) < 0.01 {
			return next
		}
		n = next
	}
	return n
}

func sq(x float64) float64 { return x * x }

// pooledLogSD is the pooled standard deviation of ln a and ln b.
func pooledLogSD(a, b []float64) float64 {
	var ss float64
	for _, s := range [][]float64{a, b} {
		logs := make([]float64, len(s))
		for i, v := range s {
			logs[i] = math.Log(v)
		}
		ss += stat.Variance(logs, nil) * float64(len(s)-1)
	}
	return math.Sqrt(ss / float64(len(a)+len(b)-2))
}

// minimumSamples is the smallest n for which n against n samples can give
// a Mann–Whitney p-value below level.
func minimumSamples(level float64) int {
	n := 2
	for ; n < 1000 && minimumP(n, n) >= level; n++ {
	}
	return n
}
