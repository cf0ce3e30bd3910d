package stats

import (
	"math"
	"testing"
)

func TestDescribe(t *testing.T) {
	s := Describe([]float64{4, 1, 3, 2})
	if s.N != 4 || s.Median != 2.5 || s.Mean != 2.5 || s.Min != 1 || s.Max != 4 || s.P99 != 4 {
		t.Errorf("summary %+v", s)
	}
	// sd = 1.2910, t(0.975, 3) = 3.1824: half-width 2.0543.
	if math.Abs(s.CIHigh-s.Mean-2.0543) > 1e-3 || math.Abs(s.CV-0.5164) > 1e-3 {
		t.Errorf("CI [%v, %v], CV %v", s.CILow, s.CIHigh, s.CV)
	}
	if one := Describe([]float64{7}); one.Median != 7 || !math.IsNaN(one.CILow) || !math.IsNaN(one.CV) {
		t.Errorf("single value summary %+v", one)
	}
	if empty := Describe(nil); empty.N != 0 || !math.IsNaN(empty.Median) {
		t.Errorf("empty summary %+v", empty)
	}
}

func TestBlockMaxima(t *testing.T) {
	got := BlockMaxima([]float64{1, 5, 2, 3, 9, 4, 7}, 3)
	if len(got) != 2 || got[0] != 5 || got[1] != 9 {
		t.Errorf("BlockMaxima = %v, want [5 9] (the incomplete last block dropped)", got)
	}
	if b := BlockSize(10000, 5); b != 100 {
		t.Errorf("BlockSize(10000) = %d, want √n = 100", b)
	}
	if b := BlockSize(60, 5); b != 6 {
		t.Errorf("BlockSize(60) = %d, want n/MinMaxima = 6", b)
	}
	if b := BlockSize(30, 5); b != 5 {
		t.Errorf("BlockSize(30) = %d, want the smallest block, 5", b)
	}
}

// TestCheckIID: an AR(1) series fails independence, a drifting one the
// identical distribution, an i.i.d. one neither; too short a series fails
// (NaN is no evidence of i.i.d.).
func TestCheckIID(t *testing.T) {
	n := 400
	ar, drift, iid := make([]float64, n), make([]float64, n), make([]float64, n)
	prev, state := 0.0, uint64(7)
	next := func() float64 { // a fixed uniform stream: xorshift
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return float64(state>>11) / (1 << 53)
	}
	for i := range n {
		prev = 0.8*prev + next() - 0.5
		ar[i], drift[i], iid[i] = prev, next()+float64(i)/100, next()
	}
	if c := CheckIID(ar, 0.05); c.Independent() {
		t.Errorf("AR(1) independent: Ljung–Box p %v", c.LjungBoxP)
	}
	if c := CheckIID(drift, 0.05); c.IdenticallyDistributed() {
		t.Errorf("drift identically distributed: KS p %v", c.KSP)
	}
	if c := CheckIID(iid, 0.05); !c.Independent() || !c.IdenticallyDistributed() || c.Lags != LjungBoxLags {
		t.Errorf("i.i.d. check %+v", c)
	}
	if c := CheckIID([]float64{1, 2}, 0.05); c.Independent() {
		t.Errorf("two values shown independent: %+v", c)
	}
}
