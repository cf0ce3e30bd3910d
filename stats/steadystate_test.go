package stats

import (
	"errors"
	"testing"
)

// process is n jobs around level(i) with CV 1 %.
func process(n int, seed uint64, level func(i int) float64) []float64 {
	x := lognormal(n, 1, 0.01, seed)
	for i := range x {
		x[i] *= level(i)
	}
	return x
}

func TestClassifySteadyState(t *testing.T) {
	for _, tc := range []struct {
		name   string
		level  func(i int) float64
		class  SteadyClass
		steady int // -1: any
	}{
		{"flat", func(int) float64 { return 1 }, SteadyFlat, 0},
		{"warm-up", func(i int) float64 { return map[bool]float64{true: 2, false: 1}[i < 4] }, SteadyWarmup, 4},
		{"first job only", func(i int) float64 { return map[bool]float64{true: 5, false: 1}[i == 0] }, SteadyWarmup, 1},
		{"slowdown", func(i int) float64 { return map[bool]float64{true: 1, false: 1.3}[i < 12] }, SteadySlowdown, 12},
		{"no steady state", func(i int) float64 { return 1 + 0.05*float64(i) }, SteadyNone, 30},
		{"late change", func(i int) float64 { return map[bool]float64{true: 1, false: 1.5}[i < 27] }, SteadyNone, 30},
	} {
		hits := 0
		for seed := range uint64(20) {
			s, err := ClassifySteadyState(process(30, seed, tc.level))
			if err != nil {
				t.Fatal(err)
			}
			if s.Class == tc.class && (tc.steady < 0 || s.Steady == tc.steady) {
				hits++
			} else if seed == 0 {
				t.Logf("%s seed 0: %v steady %d segments %v", tc.name, s.Class, s.Steady, s.Segments)
			}
		}
		if hits < 18 {
			t.Errorf("%s: recognised in %d of 20 seeds, want ≥ 18", tc.name, hits)
		}
	}
}

func TestClassifySteadyStateOutlier(t *testing.T) {
	x := process(30, 3, func(int) float64 { return 1 })
	x[15] *= 3 // one preempted job
	if s, _ := ClassifySteadyState(x); s.Class != SteadyFlat {
		t.Errorf("one slow job in a flat process: %v %v", s.Class, s.Segments)
	}
}

func TestClassifySteadyStateInput(t *testing.T) {
	if _, err := ClassifySteadyState(make([]float64, 5)); !errors.Is(err, ErrTooShort) {
		t.Errorf("5 jobs: %v", err)
	}
	x := process(12, 1, func(int) float64 { return 1 })
	x[3] = 0
	if _, err := ClassifySteadyState(x); err == nil {
		t.Error("a zero time must be refused")
	}
}

// Flat processes are rarely split, and a small shift after a large first
// job is still found: the two errors the penalty and σ trade.
func TestClassifySteadyStateErrorRates(t *testing.T) {
	split, found := 0, 0
	for seed := range uint64(300) {
		if s, _ := ClassifySteadyState(lognormal(12, 1, 0.1, seed+1000)); s.Class != SteadyFlat {
			split++
		}
		if seed >= 100 {
			continue
		}
		x := lognormal(20, 1, 0.02, seed)
		x[0] *= 5
		for i := 10; i < 20; i++ {
			x[i] *= 1.1
		}
		if s, _ := ClassifySteadyState(x); s.Class == SteadySlowdown && s.Steady == 10 {
			found++
		}
	}
	if split > 15 || found < 90 {
		t.Errorf("flat 12-job processes (10 %% noise) split in %d of 300 (want ≤ 15); 10 %% slowdown after a 5× first job found in %d of 100 (want ≥ 90)", split, found)
	}
}
