package stats

import (
	"math"
	"testing"
)

func TestBreakEvenCI(t *testing.T) {
	// A starts in 1 ms and runs jobs of 0.5 ms; B starts in 10 ms, jobs of
	// 0.4 ms: B is faster from N = 1 + 9/0.1 = 91 jobs.
	a := CostSamples{Startup: lognormal(30, 1, 0.02, 1), Job: lognormal(30, 0.5, 0.02, 2)}
	b := CostSamples{Startup: lognormal(30, 10, 0.02, 3), Job: lognormal(30, 0.4, 0.02, 4)}
	be, err := BreakEvenCI(a, b, 0.95, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if be.N < 80 || be.N > 100 || be.Low > 91 || be.High < 91 || be.Low >= be.N || be.High <= be.N {
		t.Errorf("break-even %.1f [%.1f, %.1f], want ≈91 inside its CI", be.N, be.Low, be.High)
	}
	if be.High-be.Low > 30 || be.Never != 0 {
		t.Errorf("CI [%.1f, %.1f] too wide or 'never' share %v for a clear 20 %% job gap", be.Low, be.High, be.Never)
	}
	swapped, _ := BreakEvenCI(b, a, 0.95, 2000, 1)
	if swapped.N != be.N {
		t.Errorf("the order of the series changed the point: %v vs %v", swapped.N, be.N)
	}
	t.Logf("break-even %.1f jobs, 95%% CI [%.1f, %.1f]", be.N, be.Low, be.High)
}

func TestBreakEvenTiedJobs(t *testing.T) {
	// Same job distribution: the data cannot exclude "never".
	a := CostSamples{Startup: lognormal(10, 1, 0.02, 1), Job: lognormal(10, 0.5, 0.05, 2)}
	b := CostSamples{Startup: lognormal(10, 10, 0.02, 3), Job: lognormal(10, 0.5, 0.05, 4)}
	be, err := BreakEvenCI(a, b, 0.95, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(be.High, 1) || be.Never <= 0.025 {
		t.Errorf("tied jobs: CI [%v, %v], never %v; want an infinite upper bound", be.Low, be.High, be.Never)
	}
	if _, err := BreakEvenCI(a, CostSamples{Startup: []float64{1}}, 0.95, 100, 1); err == nil {
		t.Error("missing job samples must be an error")
	}
}

func TestCrossing(t *testing.T) {
	cases := []struct{ sA, jA, sB, jB, want float64 }{
		{1, 0.5, 10, 0.4, 91},
		{10, 0.5, 1, 0.4, 1},           // B faster from the start
		{1, 0.5, 10, 0.5, math.Inf(1)}, // same job, higher startup: never
		{1, 0.4, 10, 0.5, math.Inf(1)},
	}
	for _, c := range cases {
		if got := crossing(c.sA, c.jA, c.sB, c.jB); math.Abs(got-c.want) > 1e-9 && got != c.want {
			t.Errorf("crossing(%v) = %v, want %v", c, got, c.want)
		}
	}
}
