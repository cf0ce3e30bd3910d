package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gevSample draws n maxima from g by inverse CDF.
func gevSample(g GEV, n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := make([]float64, n)
	for i := range x {
		x[i] = g.Rand(rng)
	}
	return x
}

func TestGEVDistribution(t *testing.T) {
	for _, g := range []GEV{{Mu: 5, Sigma: 0.5, Xi: 0.2}, {Mu: 5, Sigma: 0.5, Xi: -0.2}, {Mu: 5, Sigma: 0.5}} {
		for _, p := range []float64{0.5, 1e-3, 1e-9} {
			x := g.ReturnLevel(p)
			if s := g.Survival(x); math.Abs(s/p-1) > 1e-6 {
				t.Errorf("%+v: survival at the %g return level is %g", g, p, s)
			}
		}
		if q := g.Quantile(0.3); math.Abs(g.CDF(q)-0.3) > 1e-12 {
			t.Errorf("%+v: CDF(Quantile(0.3)) = %v", g, g.CDF(q))
		}
	}
	// Gumbel: x_p = μ − σ ln(−ln(1−p)).
	g := GEV{Mu: 1, Sigma: 2}
	if want := 1 - 2*math.Log(-math.Log1p(-1e-3)); math.Abs(g.ReturnLevel(1e-3)-want) > 1e-12 {
		t.Errorf("Gumbel return level %v, want %v", g.ReturnLevel(1e-3), want)
	}
	// The gradient matches finite differences, including near ξ = 0.
	for _, xi := range []float64{0.2, -0.2, 1e-9} {
		g := GEV{Mu: 5, Sigma: 0.5, Xi: xi}
		grad := g.returnGradient(1e-6)
		h := 1e-6
		num := [3]float64{
			(GEV{5 + h, 0.5, xi}.ReturnLevel(1e-6) - GEV{5 - h, 0.5, xi}.ReturnLevel(1e-6)) / (2 * h),
			(GEV{5, 0.5 + h, xi}.ReturnLevel(1e-6) - GEV{5, 0.5 - h, xi}.ReturnLevel(1e-6)) / (2 * h),
			(GEV{5, 0.5, xi + 1e-4}.ReturnLevel(1e-6) - GEV{5, 0.5, xi - 1e-4}.ReturnLevel(1e-6)) / 2e-4,
		}
		for i := range 3 {
			if math.Abs(grad[i]-num[i]) > 1e-3*max(1, math.Abs(num[i])) {
				t.Errorf("ξ = %g: gradient %v, finite differences %v", xi, grad, num)
			}
		}
	}
	if p := PerBlock(1e-9, 100); math.Abs(p/1e-7-1) > 1e-6 {
		t.Errorf("PerBlock(1e-9, 100) = %g, want ≈1e-7", p)
	}
	for _, p := range []float64{1e-12, 1e-6, 0.01, 0.5} {
		if back := PerRun(PerBlock(p, 37), 37); math.Abs(back/p-1) > 1e-9 {
			t.Errorf("PerRun(PerBlock(%g, 37), 37) = %g, want %g", p, back, p)
		}
	}
}

func TestGEVRecoversShape(t *testing.T) {
	for _, truth := range []GEV{{Mu: 10, Sigma: 0.4, Xi: 0.2}, {Mu: 10, Sigma: 0.4, Xi: -0.2}} {
		x := gevSample(truth, 500, 42)
		f := FitGEV(x, GEVOptions{Seed: 1})
		if f.Status != Fitted {
			t.Fatalf("ξ = %g: %v: %v", truth.Xi, f.Status, f.Err)
		}
		if f.Gumbel || f.XiP >= 0.05 {
			t.Errorf("ξ = %g: shape judged not significant (LR p = %.3g)", truth.Xi, f.XiP)
		}
		if truth.Xi < f.XiLow || truth.Xi > f.XiHi {
			t.Errorf("ξ = %g outside its CI [%.3f, %.3f]", truth.Xi, f.XiLow, f.XiHi)
		}
		se := f.SE()
		if math.Abs(f.Model.Mu-truth.Mu) > 1.96*se[0] || math.Abs(f.Model.Sigma-truth.Sigma) > 1.96*se[1] {
			t.Errorf("ξ = %g: μ %.4f ± %.4f, σ %.4f ± %.4f miss the truth", truth.Xi, f.Model.Mu, se[0], f.Model.Sigma, se[1])
		}
		if se[2] > 0.1 {
			t.Errorf("ξ = %g: SE of ξ %.3f is implausibly wide for 500 maxima (≈0.04 expected)", truth.Xi, se[2])
		}
		level, low, high := f.ReturnLevel(1e-3)
		if want := truth.ReturnLevel(1e-3); want < low || want > high {
			t.Errorf("ξ = %g: 1e-3 level %.3f [%.3f, %.3f] misses the true %.3f", truth.Xi, level, low, high, want)
		}
		t.Logf("ξ = %g: ξ̂ = %.3f [%.3f, %.3f], LR p = %.2g, A² = %.3f (p = %.3f)", truth.Xi, f.Model.Xi, f.XiLow, f.XiHi, f.XiP, f.AD, f.ADP)
	}
}

// Coverage over seeds: the Wald CI of ξ holds the truth in most of them.
func TestGEVShapeCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 20 samples")
	}
	hits := 0
	for seed := range uint64(20) {
		f := FitGEV(gevSample(GEV{Mu: 0, Sigma: 1, Xi: 0.2}, 200, 1000+seed), GEVOptions{Bootstrap: 1})
		if f.Status == NotConverged || f.Status == TooFew {
			t.Fatalf("seed %d: %v", seed, f.Err)
		}
		if f.XiLow <= 0.2 && 0.2 <= f.XiHi {
			hits++
		}
	}
	if hits < 16 {
		t.Errorf("95 %% CI of ξ held the truth in %d of 20 samples", hits)
	}
}

func TestGEVGumbelFallback(t *testing.T) {
	truth := GEV{Mu: 3, Sigma: 0.2}
	f := FitGEV(gevSample(truth, 500, 0), GEVOptions{Seed: 1})
	if f.Status != Fitted {
		t.Fatalf("%v: %v", f.Status, f.Err)
	}
	if !f.Gumbel || f.Model.Xi != 0 || f.XiP < 0.05 {
		t.Errorf("Gumbel data: shape judged significant (ξ̂ = %.3f, LR p = %.3g)", f.Full.Xi, f.XiP)
	}
	if se := f.SE(); se[2] != 0 || math.Abs(f.Model.Mu-truth.Mu) > 1.96*se[0] || math.Abs(f.Model.Sigma-truth.Sigma) > 1.96*se[1] {
		t.Errorf("Gumbel model: μ %.4f ± %.4f, σ %.4f ± %.4f, ξ SE %v", f.Model.Mu, se[0], f.Model.Sigma, se[1], se[2])
	}
	t.Logf("Gumbel: ξ̂ = %.3f, LR p = %.2g, A² p = %.3f", f.Full.Xi, f.XiP, f.ADP)
	if testing.Short() {
		return
	}
	// The LR test keeps its level: about 1 in 20 Gumbel samples shows a
	// "significant" shape (seed 7 is one, at p = 0.009).
	fallbacks := 0
	for seed := range uint64(50) {
		if FitGEV(gevSample(truth, 500, seed), GEVOptions{Bootstrap: 1}).Gumbel {
			fallbacks++
		}
	}
	if fallbacks < 44 {
		t.Errorf("Gumbel data fell back to Gumbel in only %d of 50 samples", fallbacks)
	}
	t.Logf("fell back to Gumbel in %d of 50 samples", fallbacks)
}

func TestGEVFailuresAreResults(t *testing.T) {
	if f := FitGEV([]float64{1, 2, 3}, GEVOptions{}); f.Status != TooFew || f.Err == nil || f.Max != 3 {
		t.Errorf("3 maxima: %v, max %v", f.Status, f.Max)
	}
	same := []float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}
	if f := FitGEV(same, GEVOptions{}); f.Status != NotConverged || f.Err == nil {
		t.Errorf("constant maxima: %v", f.Status)
	}
	// Two well separated modes are no GEV: the goodness-of-fit test rejects.
	rng := rand.New(rand.NewPCG(3, 3))
	var bimodal []float64
	for i := range 200 {
		bimodal = append(bimodal, float64(10*(i%2))+rng.NormFloat64()*0.5)
	}
	f := FitGEV(bimodal, GEVOptions{Seed: 1})
	if f.Status != Rejected || f.Err == nil {
		t.Errorf("bimodal maxima: %v (A² = %.3f, p = %.3f), want rejected", f.Status, f.AD, f.ADP)
	}
	if l, _, _ := f.ReturnLevel(1e-3); !math.IsNaN(l) {
		t.Errorf("a rejected fit must give no return level, got %v", l)
	}
}

func BenchmarkFitGEV(b *testing.B) {
	x := gevSample(GEV{Mu: 10, Sigma: 0.4, Xi: 0.1}, 100, 1)
	for b.Loop() {
		FitGEV(x, GEVOptions{Bootstrap: 100})
	}
}
