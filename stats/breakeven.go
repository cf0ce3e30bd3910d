package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// CostSamples are one series' measurements for the cost line
// T(N) = s + (N−1)·j: startup times s (fold the first job in, if the model
// has one) and steady job times j.
type CostSamples struct {
	Startup, Job []float64
}

// BreakEven is the job count from which series B (the lower steady job) is
// faster than series A, with its bootstrap CI. +Inf means "never" (B's job
// is not faster); 1 means B is faster from the first job.
type BreakEven struct {
	N, Low, High float64
	Level        float64
	Never        float64 // share of resamples in which B never becomes faster
}

// BreakEvenCI computes the break-even point of A and B from their medians,
// N* = 1 + (s_B − s_A)/(j_A − j_B), and its percentile bootstrap CI at
// level (e.g. 0.95), resampling each of the four samples independently
// from seed.
//
// Opinion: B is whichever series has the lower median steady job, fixed
// from the data; a resample in which B's job is not lower counts as
// N* = +Inf (B never catches up), and an N* below 1 as 1. The CI is thus
// always defined, and an infinite High says honestly that the data do not
// exclude "never". Startup and job samples are treated as independent.
func BreakEvenCI(a, b CostSamples, level float64, resamples int, seed uint64) (BreakEven, error) {
	for _, s := range [][]float64{a.Startup, a.Job, b.Startup, b.Job} {
		if len(s) == 0 {
			return BreakEven{}, errors.New("stats: break-even needs startup and job samples for both series")
		}
	}
	if Median(b.Job) > Median(a.Job) {
		a, b = b, a
	}
	be := BreakEven{N: crossing(Median(a.Startup), Median(a.Job), Median(b.Startup), Median(b.Job)), Level: level}
	rng := rand.New(rand.NewPCG(seed, 0xbe))
	ns := make([]float64, resamples)
	bufs := [4][]float64{make([]float64, len(a.Startup)), make([]float64, len(a.Job)), make([]float64, len(b.Startup)), make([]float64, len(b.Job))}
	for i := range ns {
		var med [4]float64
		for k, src := range [][]float64{a.Startup, a.Job, b.Startup, b.Job} {
			Resample(rng, src, bufs[k])
			med[k] = sortedMedian(bufs[k])
		}
		ns[i] = crossing(med[0], med[1], med[2], med[3])
		if math.IsInf(ns[i], 1) {
			be.Never++
		}
	}
	be.Never /= float64(resamples)
	slices.Sort(ns)
	tail := (1 - level) / 2
	// Empirical, not interpolated: ns may hold +Inf, and Inf−Inf is NaN.
	be.Low, be.High = stat.Quantile(tail, stat.Empirical, ns, nil), stat.Quantile(1-tail, stat.Empirical, ns, nil)
	return be, nil
}

// crossing is the job count from which line B is below line A: 1 when it
// is from the start, +Inf when B's job is not faster.
func crossing(sA, jA, sB, jB float64) float64 {
	if jB >= jA {
		if sB <= sA && jB == jA {
			return 1
		}
		return math.Inf(1)
	}
	return max(1, 1+(sB-sA)/(jA-jB))
}
