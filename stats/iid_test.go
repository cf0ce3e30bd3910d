package stats

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// ar1 is an autoregressive series x_t = φx_{t−1} + ε_t: autocorrelated
// whenever φ ≠ 0.
func ar1(n int, phi float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for t := 1; t < n; t++ {
		x[t] = phi*x[t-1] + rng.NormFloat64()
	}
	return x
}

func gumbelSeries(n int, mu, sigma float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	g := GEV{Mu: mu, Sigma: sigma}
	x := make([]float64, n)
	for i := range x {
		x[i] = g.Rand(rng)
	}
	return x
}

func TestLjungBoxSeparatesAutocorrelation(t *testing.T) {
	rejectedIID := 0
	for seed := range uint64(20) {
		if p := LjungBox(ar1(1000, 0.5, seed), LjungBoxLags); !(p < 1e-6) {
			t.Errorf("AR(1) φ=0.5 seed %d: Ljung–Box p = %g, want < 1e-6", seed, p)
		}
		if LjungBox(ar1(1000, 0, seed), LjungBoxLags) < 0.05 {
			rejectedIID++
		}
	}
	// At level 0.05, 20 i.i.d. series reject about once; 5 would be p < 0.003.
	if rejectedIID >= 5 {
		t.Errorf("Ljung–Box rejected %d of 20 i.i.d. series at 0.05", rejectedIID)
	}
	if p := LjungBox([]float64{3, 3, 3, 3, 3, 3, 3}, 2); p != 1 {
		t.Errorf("constant series: p = %g, want 1", p)
	}
	if p := LjungBox([]float64{1, 2, 3}, 20); !math.IsNaN(p) {
		t.Errorf("3 values, 20 lags: p = %g, want NaN", p)
	}
	if LagsFor(1000) != 20 || LagsFor(50) != 10 || LagsFor(2) != 1 {
		t.Errorf("LagsFor: %d %d %d, want 20 10 1", LagsFor(1000), LagsFor(50), LagsFor(2))
	}
}

func TestTwoHalfKSSeesDrift(t *testing.T) {
	x := gumbelSeries(1000, 10, 1, 3)
	if p := TwoHalfKS(x); p < 0.01 {
		t.Errorf("i.i.d. Gumbel: two-half KS p = %g, want ≥ 0.01", p)
	}
	for i := len(x) / 2; i < len(x); i++ {
		x[i] += 0.5 // the second half runs half a scale slower
	}
	if p := TwoHalfKS(x); !(p < 1e-6) {
		t.Errorf("shifted second half: p = %g, want < 1e-6", p)
	}
	if p := TwoHalfKS([]float64{1, 2}); !math.IsNaN(p) {
		t.Errorf("2 values: p = %g, want NaN", p)
	}
}

func TestFitCVExponentialTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	x := make([]float64, 5000)
	for i := range x {
		x[i] = 2 + rng.ExpFloat64() // exponential with scale 1 above 2
	}
	f := FitCV(x, 0)
	if !f.OK {
		t.Fatalf("exponential samples: %v", f.Err)
	}
	if math.Abs(f.CV-1) > f.Band {
		t.Errorf("CV %g outside 1 ± %g", f.CV, f.Band)
	}
	// True quantile at 1e-6: 2 + ln(1e6) = 15.8.
	if b, want := f.Bound(1e-6), 2+math.Log(1e6); math.Abs(b-want)/want > 0.1 {
		t.Errorf("bound at 1e-6 = %g, want %g ± 10%%", b, want)
	}
	if b := f.Bound(0.5); !math.IsNaN(b) {
		t.Errorf("bound inside the observed tail (p = 0.5 > K/N) = %g, want NaN", b)
	}
}

func TestFitCVRejectsHeavyTailAndTooFew(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	x := make([]float64, 5000)
	for i := range x {
		x[i] = math.Pow(rng.Float64(), -1/1.5) // Pareto α = 1.5: polynomial tail
	}
	if f := FitCV(x, 0); f.OK || !strings.Contains(f.Err.Error(), "heavier than exponential") {
		t.Errorf("Pareto samples: OK %v, err %v; want the heavy-tail failure", f.OK, f.Err)
	}
	if f := FitCV(x[:400], 0); f.OK || !strings.Contains(f.Err.Error(), "500 samples") {
		t.Errorf("400 samples: OK %v, err %v; want the minimum named (500 samples)", f.OK, f.Err)
	}
}

// TestGumbelFixtureGEVAndCVAgree: i.i.d. Gumbel(10, 1) series of 1,000
// samples pass both gates, and where the block-maxima fit keeps the Gumbel
// (its ξ = 0 and Anderson–Darling tests each reject 5% of true Gumbels
// by design; a spurious ξ < 0 bounds the tail), the GEV and MBPTA-CV give per-run bounds at 1e-6 that agree within
// cvGEVTolerance of each other (the true level is 10 + ln 1e6 = 23.8).
func TestGumbelFixtureGEVAndCVAgree(t *testing.T) {
	const cvGEVTolerance = 0.10
	const seeds = 10
	gumbel := 0
	for seed := range uint64(seeds) {
		x := gumbelSeries(1000, 10, 1, seed)
		if p := LjungBox(x, LjungBoxLags); p < 0.01 {
			t.Errorf("seed %d: Ljung–Box p = %g", seed, p)
		}
		if p := TwoHalfKS(x); p < 0.01 {
			t.Errorf("seed %d: KS p = %g", seed, p)
		}
		b := 31
		var maxima []float64
		for i := 0; i+b <= len(x); i += b {
			maxima = append(maxima, slicesMax(x[i:i+b]))
		}
		g := FitGEV(maxima, GEVOptions{Bootstrap: 50, Seed: seed})
		cv := FitCV(x, 0)
		if !cv.OK {
			t.Fatalf("seed %d: MBPTA-CV: %v", seed, cv.Err)
		}
		if g.Status != Fitted { // the AD test rejects 5% of true fits
			t.Logf("seed %d: GEV %v", seed, g.Status)
			continue
		}
		gev, _, _ := g.ReturnLevel(PerBlock(1e-6, b))
		bound := cv.Bound(1e-6)
		t.Logf("seed %d: GEV %.2f (Gumbel %v), CV %.2f (k=%d, CV=%.2f), true %.2f", seed, gev, g.Gumbel, bound, cv.K, cv.CV, 10+math.Log(1e6))
		if !g.Gumbel {
			continue
		}
		gumbel++
		if d := math.Abs(gev-bound) / gev; d > cvGEVTolerance {
			t.Errorf("seed %d: GEV %.2f vs CV %.2f at 1e-6 differ by %.0f%%", seed, gev, bound, 100*d)
		}
	}
	if gumbel < seeds-3 {
		t.Errorf("the GEV fitted a Gumbel to only %d of %d Gumbel series", gumbel, seeds)
	}
}

func slicesMax(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func TestLjungBox(t *testing.T) {
	// 1..10 at lag 1: ρ₁ = 57.75/82.5 = 0.7, Q = 10·12·0.49/9 = 6.5333, p = P(χ²₁ > Q) = 0.01059.
	if p := LjungBox([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1); math.Abs(p-0.01059) > 1e-4 {
		t.Errorf("p = %v, want 0.01059", p)
	}
}

func TestKolmogorovQ(t *testing.T) {
	// Critical values of the Kolmogorov distribution: 1.2238 at 10%, 1.3581 at 5%, 1.6276 at 1%.
	for lambda, want := range map[float64]float64{1.2238: 0.10, 1.3581: 0.05, 1.6276: 0.01} {
		if got := kolmogorovQ(lambda); math.Abs(got-want) > 5e-4 {
			t.Errorf("Q(%v) = %v, want %v", lambda, got, want)
		}
	}
	// Halves from one distribution pass; a shifted second half fails.
	rng := rand.New(rand.NewPCG(3, 4))
	same, shifted := make([]float64, 200), make([]float64, 200)
	for i := range same {
		same[i] = rng.NormFloat64()
		shifted[i] = same[i]
		if i >= 100 {
			shifted[i] += 1
		}
	}
	if p := TwoHalfKS(same); p < 0.05 {
		t.Errorf("same distribution rejected, p = %v", p)
	}
	if p := TwoHalfKS(shifted); p > 1e-6 {
		t.Errorf("shift not detected, p = %v", p)
	}
}

func TestKSExactAndAsymptotic(t *testing.T) {
	// Fully separated groups of 3: D = 1, and 2 of the C(6,3) = 20 splits are as extreme.
	d, p := KS([]float64{1, 2, 3}, []float64{4, 5, 6})
	if d != 1 || math.Abs(p-0.1) > 1e-12 {
		t.Errorf("separated 3+3: D = %v, p = %v; want 1, 0.1", d, p)
	}
	// Interleaved groups: small D, p = 1.
	if d, p := KS([]float64{1, 3, 5}, []float64{2, 4, 6}); d > 0.34 || p < 0.99 {
		t.Errorf("interleaved: D = %v, p = %v; want D = 1/3, p = 1", d, p)
	}
	// Too many splits to enumerate: the asymptotic p, still tiny for a shift.
	var x, y []float64
	for i := range 40 {
		x = append(x, float64(i))
		y = append(y, float64(i)+30)
	}
	if _, p := KS(x, y); p > 1e-4 {
		t.Errorf("shifted 40+40: p = %v, want < 1e-4", p)
	}
}
