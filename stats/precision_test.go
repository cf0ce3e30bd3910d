package stats

import (
	"math"
	"testing"
)

func TestMedianCIOrderStatistics(t *testing.T) {
	if n := MinPrecisionSamples(PrecisionLevel); n != 6 {
		t.Fatalf("a 95 %% median CI needs 6 samples (2·0.5⁶ = 3.1 %%), got %d", n)
	}
	if _, _, ok := MedianCI([]float64{1, 2, 3, 4, 5}, PrecisionLevel); ok {
		t.Error("5 samples cannot give a 95 % median CI")
	}
	x := []float64{9, 1, 8, 2, 7, 3, 6, 4, 5, 10}
	// n = 10: 2·P(B ≤ 1) = 2.1 % ≤ 5 %, 2·P(B ≤ 2) = 10.9 %: l = 2.
	if lo, hi, ok := MedianCI(x, PrecisionLevel); !ok || lo != 2 || hi != 9 {
		t.Errorf("CI of 1…10: got [%v, %v] %v, want [2, 9]", lo, hi, ok)
	}
	if h := RelativeHalfWidth(x); math.Abs(h-3.5/5.5) > 1e-12 {
		t.Errorf("relative half-width %v, want %v", h, 3.5/5.5)
	}
}

func TestSamplesForPrecision(t *testing.T) {
	quiet := lognormal(10, 5, 0.005, 1)
	if n := SamplesForPrecision(quiet, 0.05); n != len(quiet) {
		t.Errorf("a 0.5 %% CV cell meets 5 %% with 10 samples; asked for %d", n)
	}
	noisy := lognormal(10, 5, 0.3, 2)
	if n := SamplesForPrecision(noisy, 0.05); n <= 10 {
		t.Errorf("a 30 %% CV cell cannot meet 5 %% with 10 samples; asked for %d", n)
	}
	if n := SamplesForPrecision([]float64{1, 2}, 0.05); n != 6 {
		t.Errorf("without a CI the first estimate is the minimum, got %d", n)
	}
}
