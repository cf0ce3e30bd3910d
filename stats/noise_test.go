package stats

import (
	"math"
	"testing"
)

func TestNoiseQuietHost(t *testing.T) {
	pairs := []AAPair{
		{Benchmark: "gemm", Name: "native:musl vs docker:engine", A: lognormal(30, 5, 0.03, 1), B: lognormal(30, 5, 0.03, 2)},
		{Benchmark: "gemm", Name: "native:musl vs runc:bundle", A: lognormal(30, 5, 0.03, 1), B: lognormal(30, 5, 0.03, 3)},
		{Benchmark: "atax", Name: "native:musl vs docker:engine", A: lognormal(30, 1, 0.01, 4), B: lognormal(30, 1, 0.01, 5)},
	}
	n := MeasureNoise(pairs, Options{})
	if n.Noisy() {
		t.Fatalf("identically distributed A/A pairs flagged noisy: %v", n.Differing)
	}
	// Median of 30 with CV 3 %: each median's SE ≈ 1.25·0.03/√30 ≈ 0.7 %, the
	// ratio's ≈ 1 %, so the 90 % bound lies near 1.6 % (and surely within 0.5–4 %).
	g, a := n.Floor["gemm"], n.Floor["atax"]
	if !(g > 0.005 && g < 0.04) || !(a > 0.001 && a < 0.015) || !(a < g) {
		t.Errorf("noise floors gemm %.4f, atax %.4f: want ≈1.6 %% and ≈0.5 %%", g, a)
	}
	for _, c := range n.Pairs[:2] {
		if floor := max(c.High-1, 1-c.Low); floor > g {
			t.Errorf("gemm floor %.4f is below its pair %s's %.4f", g, c.Name, floor)
		}
	}
	if Margin(g) != DefaultMargin {
		t.Errorf("a 1.6 %% floor must give the 5 %% default margin, got %v", Margin(g))
	}
}

func TestNoiseNoisyHost(t *testing.T) {
	pairs := []AAPair{
		{Benchmark: "gemm", Name: "native:musl vs docker:engine", A: lognormal(60, 5, 0.03, 1), B: lognormal(60, 5.5, 0.03, 2)},
		{Benchmark: "atax", Name: "native:musl vs docker:engine", A: lognormal(60, 1, 0.01, 4), B: lognormal(60, 1, 0.01, 5)},
		{Benchmark: "bicg", Name: "empty", A: nil, B: []float64{1}},
	}
	n := MeasureNoise(pairs, Options{})
	if !n.Noisy() || len(n.Differing) != 1 || n.Differing[0] != "gemm: native:musl vs docker:engine" {
		t.Fatalf("a 10 %% A/A difference must flag the host noisy, got %v", n.Differing)
	}
	if n.Floor["gemm"] < 0.08 || Margin(n.Floor["gemm"]) != n.Floor["gemm"] {
		t.Errorf("gemm floor %.3f should reflect the 10 %% A/A gap and become the margin", n.Floor["gemm"])
	}
	if !math.IsNaN(n.Floor["bicg"]) {
		t.Errorf("a pair with an empty side has no floor, got %v", n.Floor["bicg"])
	}
}

// A true A/A (one series measured twice, identically distributed) must be
// shown tied, not merely "not different", in nearly every seed.
func TestTrueAATiedAcrossSeeds(t *testing.T) {
	tied, different := 0, 0
	for seed := range uint64(100) {
		a, b := lognormal(20, 5, 0.03, 2*seed+1), lognormal(20, 5, 0.03, 2*seed+2)
		c := Compare(a, b, DefaultMargin, Options{Seed: seed, Resamples: 500})
		switch c.Verdict {
		case Tied:
			tied++
		case Different:
			different++
		}
	}
	if tied < 90 || different > 10 {
		t.Errorf("identical distributions: %d of 100 seeds tied, %d different; want ≥ 90 tied", tied, different)
	}
}

// Below MinNoiseSamples per side the floor is not determinable (NaN), not
// the sample's spread.
func TestNoiseFloorNeedsSamples(t *testing.T) {
	few := []AAPair{{Benchmark: "gemm", Name: "a", A: lognormal(3, 5, 0.3, 1), B: lognormal(3, 5, 0.3, 2)}}
	if f := MeasureNoise(few, Options{}).Floor["gemm"]; !math.IsNaN(f) {
		t.Errorf("3 samples per side gave a floor of %v", f)
	}
	enough := []AAPair{{Benchmark: "gemm", Name: "a", A: lognormal(MinNoiseSamples, 5, 0.03, 1), B: lognormal(MinNoiseSamples, 5, 0.03, 2)}}
	if f := MeasureNoise(enough, Options{}).Floor["gemm"]; math.IsNaN(f) {
		t.Errorf("%d samples per side gave no floor", MinNoiseSamples)
	}
}
