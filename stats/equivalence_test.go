package stats

import (
	"math"
	"testing"
)

func TestHolmHandWorked(t *testing.T) {
	// Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → 0.06 (monotone).
	got := Holm([]float64{0.01, 0.04, 0.03, 0.005})
	want := []float64{0.03, 0.06, 0.06, 0.02}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("Holm = %v, want %v", got, want)
		}
	}
	// Capped at 1; NaN stays NaN and does not count towards m.
	got = Holm([]float64{0.6, math.NaN(), 0.5})
	if got[0] != 1 || !math.IsNaN(got[1]) || got[2] != 1 {
		t.Fatalf("Holm with cap and NaN = %v, want [1 NaN 1]", got)
	}
	if got := Holm([]float64{0.02}); got[0] != 0.02 {
		t.Fatalf("Holm of one p = %v, want it unchanged", got)
	}
}

func TestMannWhitneyExact(t *testing.T) {
	// 3 against 3: the 20 orderings give U = 0…9 with counts 1 1 2 3 3 3 3 2 1 1.
	if _, p := MannWhitney([]float64{1, 2, 3}, []float64{4, 5, 6}); math.Abs(p-0.1) > 1e-12 {
		t.Errorf("3 vs 3 separated: p = %v, want 0.1", p)
	}
	if u, p := MannWhitney([]float64{1, 2, 4}, []float64{3, 5, 6}); u != 1 || math.Abs(p-0.2) > 1e-12 {
		t.Errorf("U = 1 of 3 vs 3: got U = %v, p = %v, want 1, 0.2", u, p)
	}
	if p := minimumP(4, 4); math.Abs(p-2.0/70) > 1e-12 {
		t.Errorf("4 vs 4 separated: p = %v, want 2/70", p)
	}
	// Ties fall back to the normal approximation; identical samples give p = 1.
	if _, p := MannWhitney([]float64{1, 1, 2}, []float64{1, 1, 2}); p != 1 {
		t.Errorf("identical tied samples: p = %v, want 1", p)
	}
}

func TestIdenticalDataTied(t *testing.T) {
	a := lognormal(30, 10, 0.03, 1)
	c := Compare(a, a, DefaultMargin, Options{})
	if c.Verdict != Tied {
		t.Fatalf("A/A identical data: %v (CI [%.4f, %.4f]), want tied", c.Verdict, c.Low, c.High)
	}
	if c.Ratio != 1 || c.P != 1 {
		t.Errorf("identical data: ratio %v, p %v, want 1, 1", c.Ratio, c.P)
	}
}

func TestTenPercentShiftDifferent(t *testing.T) {
	b := lognormal(200, 10, 0.03, 2)
	a := scaled(lognormal(200, 10, 0.03, 3), 1.10)
	c := Compare(a, b, DefaultMargin, Options{})
	if c.Verdict != Different {
		t.Fatalf("10%% shift, 200 per side: %v (p %v, CI [%.3f, %.3f]), want different", c.Verdict, c.PHolm, c.Low, c.High)
	}
	if c.Low > 1.10 || c.High < 1.10 || c.Low < 1.05 {
		t.Errorf("ratio CI [%.4f, %.4f] should hold 1.10 and exclude the margin", c.Low, c.High)
	}
}

// A 5 % shift with 3 samples per side cannot be decided; the estimate of
// the samples needed must be plausible: rerun with that many samples per
// side, most seeds classify the pair as different.
func TestFivePercentThreeSamplesUndecided(t *testing.T) {
	const seeds = 20
	different := 0
	for s := range uint64(seeds) {
		b := lognormal(3, 10, 0.03, 100+s)
		a := scaled(lognormal(3, 10, 0.03, 200+s), 1.05)
		c := Compare(a, b, DefaultMargin, Options{Seed: s})
		if c.Verdict != Undecided {
			t.Fatalf("seed %d: 5%% shift, 3 per side: %v, want undecided", s, c.Verdict)
		}
		n := c.SamplesNeeded
		if n <= 3 || n > 1000 {
			t.Fatalf("seed %d: samples needed %d, want 4…1000", s, n)
		}
		rb := lognormal(n, 10, 0.03, 300+s)
		ra := scaled(lognormal(n, 10, 0.03, 400+s), 1.05)
		if Compare(ra, rb, DefaultMargin, Options{Seed: s}).Verdict == Different {
			different++
		}
		t.Logf("seed %d: needed %d", s, n)
	}
	if different < seeds*7/10 {
		t.Errorf("with the estimated sample sizes only %d of %d seeds were different", different, seeds)
	}
	t.Logf("%d of %d reruns different", different, seeds)
}

func TestFamilyHolm(t *testing.T) {
	// Three clear differences and one tie: Holm multiplies the smallest p by 4.
	base := lognormal(40, 10, 0.03, 7)
	pairs := []Pair{
		{Name: "tie", A: base, B: lognormal(40, 10, 0.03, 8), Margin: DefaultMargin},
		{Name: "x", A: scaled(lognormal(40, 10, 0.03, 9), 1.2), B: base, Margin: DefaultMargin},
		{Name: "y", A: scaled(lognormal(40, 10, 0.03, 10), 0.8), B: base, Margin: DefaultMargin},
		{Name: "z", A: scaled(lognormal(40, 10, 0.03, 11), 1.3), B: base, Margin: DefaultMargin},
	}
	list := CompareFamily(pairs, Options{})
	want := []Verdict{Tied, Different, Different, Different}
	raw := make([]float64, len(list))
	for i, c := range list {
		raw[i] = c.P
		if c.Verdict != want[i] {
			t.Errorf("%s: %v, want %v", c.Name, c.Verdict, want[i])
		}
	}
	adj := Holm(raw)
	for i, c := range list {
		if c.PHolm != adj[i] || c.PHolm < c.P {
			t.Errorf("%s: PHolm %v, want Holm of the family %v (raw %v)", c.Name, c.PHolm, adj[i], c.P)
		}
	}
	// Order-independent seeding: the same pair alone gets the same CI.
	alone := CompareFamily(pairs[2:3], Options{})[0]
	if alone.Low != list[2].Low || alone.High != list[2].High {
		t.Errorf("CI depends on the pair's position: [%v, %v] vs [%v, %v]", alone.Low, alone.High, list[2].Low, list[2].High)
	}
}

func TestEmptySideUndecided(t *testing.T) {
	c := Compare(nil, []float64{1, 2}, DefaultMargin, Options{})
	if c.Verdict != Undecided || c.SamplesNeeded != 0 || !math.IsNaN(c.P) {
		t.Errorf("empty side: %+v, want undecided, no estimate, NaN p", c)
	}
}

func TestMargin(t *testing.T) {
	if Margin(0.01) != DefaultMargin || Margin(0.08) != 0.08 || Margin(math.NaN()) != DefaultMargin {
		t.Error("Margin must be max(floor, 5 %), NaN → 5 %")
	}
}

func BenchmarkCompareFamily(b *testing.B) {
	pairs := make([]Pair, 10)
	for i := range pairs {
		pairs[i] = Pair{Name: string(rune('a' + i)), A: lognormal(30, 10, 0.03, uint64(i)), B: lognormal(30, 10.5, 0.03, uint64(100+i)), Margin: DefaultMargin}
	}
	for b.Loop() {
		CompareFamily(pairs, Options{})
	}
}

// The estimate also points the other way: an A/A pair with 3 samples per
// side is undecided, and with the estimated samples most seeds are tied.
func TestThreeSamplesAATowardsTie(t *testing.T) {
	const seeds = 20
	tied, undecided := 0, 0
	for s := range uint64(seeds) {
		c := Compare(lognormal(3, 10, 0.03, 500+s), lognormal(3, 10, 0.03, 600+s), DefaultMargin, Options{Seed: s})
		if c.Verdict != Undecided {
			continue
		}
		undecided++
		n := c.SamplesNeeded
		if n < 4 || n > 1000 {
			t.Fatalf("seed %d: samples needed %d, want 4…1000", s, n)
		}
		if Compare(lognormal(n, 10, 0.03, 700+s), lognormal(n, 10, 0.03, 800+s), DefaultMargin, Options{Seed: s}).Verdict == Tied {
			tied++
		}
	}
	t.Logf("%d of %d A/A pairs with 3 samples undecided; %d of them tied when rerun with the estimate", undecided, seeds, tied)
	if undecided < seeds/2 || tied < undecided*7/10 {
		t.Errorf("A/A with 3 samples: %d undecided, %d of those tied on rerun", undecided, tied)
	}
}

// TOST keeps its level: with the true ratio on the margin (1.05), a tie is
// claimed in about α = 5 % of samples, not more.
func TestTieLevelAtMargin(t *testing.T) {
	if testing.Short() {
		t.Skip("400 comparisons")
	}
	tied := 0
	for s := range uint64(400) {
		a, b := scaled(lognormal(10, 10, 0.03, 5000+s), 1.05), lognormal(10, 10, 0.03, 9000+s)
		if Compare(a, b, DefaultMargin, Options{Seed: s, Resamples: 500}).Verdict == Tied {
			tied++
		}
	}
	t.Logf("ratio on the margin: tied in %d of 400", tied)
	if tied > 32 {
		t.Errorf("ratio on the margin judged tied in %d of 400 samples, want about 5 %%", tied)
	}
}
