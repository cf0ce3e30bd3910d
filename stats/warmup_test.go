package stats

import (
	"errors"
	"math"
	"testing"
)

func TestWarmupThreeSlowIterations(t *testing.T) {
	for seed := range uint64(20) {
		times := append([]float64{20, 14, 12}, lognormal(27, 10, 0.03, seed)...)
		w, err := FindWarmup(times)
		if err != nil {
			t.Fatal(err)
		}
		if w.Steady != 3 {
			t.Fatalf("seed %d: steady from %d (MSER %d), want 3", seed, w.Steady, w.Candidate)
		}
		if !w.Stationary {
			t.Errorf("seed %d: remainder flagged non-stationary (trend p %.3g)", seed, w.TrendP)
		}
		if steady := Median(times[w.Steady:]); math.Abs(steady/10-1) > 0.02 {
			t.Errorf("seed %d: steady median %.3f, want ≈10 with warm-up excluded", seed, steady)
		}
	}
}

func TestWarmupStationary(t *testing.T) {
	alarms := 0
	for seed := range uint64(200) {
		w, err := FindWarmup(lognormal(30, 10, 0.03, seed))
		if err != nil {
			t.Fatal(err)
		}
		if w.Steady != 0 {
			alarms++
		}
	}
	t.Logf("warm-up found in %d of 200 stationary series", alarms)
	if alarms > 4 {
		t.Errorf("stationary series: warm-up found in %d of 200 seeds, want ≤ 2 %%", alarms)
	}
	if w, _ := FindWarmup(lognormal(30, 10, 0.03, 1)); w.Steady != 0 || !w.Stationary {
		t.Errorf("stationary series (seed 1): %+v, want steady from 0", w)
	}
}

func TestWarmupGradual(t *testing.T) {
	// Excess decays as e^(−i/2): 1.8× at i = 0, under 1 % (a third of the
	// 3 % noise) from i ≈ 9.
	times := lognormal(40, 10, 0.03, 5)
	for i := range times {
		times[i] *= 1 + 0.8*math.Exp(-float64(i)/2)
	}
	w, err := FindWarmup(times)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gradual warm-up: steady from %d (MSER %d)", w.Steady, w.Candidate)
	if w.Steady < 3 || w.Steady > 12 {
		t.Errorf("gradual warm-up: steady from %d, want 3…12", w.Steady)
	}
}

func TestWarmupTrendLeft(t *testing.T) {
	times := lognormal(40, 10, 0.01, 6)
	for i := range times {
		times[i] *= 1 + 0.01*float64(40-i) // still speeding up by 1 % per iteration
	}
	w, err := FindWarmup(times)
	if err != nil {
		t.Fatal(err)
	}
	if w.Stationary {
		t.Errorf("a steady downward trend must show as non-stationary: %+v", w)
	}
}

func TestWarmupTooShort(t *testing.T) {
	if _, err := FindWarmup([]float64{3, 1, 1, 1, 1}); !errors.Is(err, ErrTooShort) {
		t.Errorf("5 iterations: err %v, want ErrTooShort", err)
	}
	if _, err := FindWarmup(append([]float64{0}, lognormal(20, 1, 0.01, 1)...)); err == nil || errors.Is(err, ErrTooShort) {
		t.Errorf("a zero time must be an error other than ErrTooShort, got %v", err)
	}
}
