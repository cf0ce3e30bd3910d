package paper

import (
	"slices"
	"strings"
	"testing"
)

// TestClaimsAreWellFormed: unique ids, every id constant listed, texts
// present, only WasmtimeNext formatted, the data-sensitive claims known.
func TestClaimsAreWellFormed(t *testing.T) {
	ids := []string{StartupIndependent, FastJITsStartFirst, WasmtimeNext, LLVMSlowerStart, ShortWorst, LongWin,
		ProlongedWinners, WasmFasterNative, BinarySize}
	var listed []string
	for _, c := range Claims {
		listed = append(listed, c.ID)
		if c.Claim == "" || c.Paper == "" {
			t.Errorf("%s: claim or paper text missing", c.ID)
		}
		if strings.Contains(c.Claim, "%s") != (c.ID == WasmtimeNext) {
			t.Errorf("%s: only %s's claim names the run's series (%%s)", c.ID, WasmtimeNext)
		}
		if Lookup(c.ID) != c {
			t.Errorf("Lookup(%s) finds another claim", c.ID)
		}
	}
	if !slices.Equal(listed, ids) {
		t.Errorf("claims %v, want %v", listed, ids)
	}
	for _, id := range DataSensitive {
		if !slices.Contains(ids, id) {
			t.Errorf("data-sensitive claim %s is not a claim", id)
		}
	}
}

// TestCutsAreClearOfTheLine: short below the 1-second line, long beyond it.
func TestCutsAreClearOfTheLine(t *testing.T) {
	if !(ShortCutS < LongMS/1000.0 && LongMS/1000.0 < LongCutS) {
		t.Errorf("cuts %v s and %v s do not straddle the %d ms line", ShortCutS, LongCutS, LongMS)
	}
	for _, k := range ShortKernels {
		if slices.Contains(LongKernels, k) {
			t.Errorf("%s is both short and long", k)
		}
	}
	for _, s := range []string{FastJIT, MultiTier, LLVMJIT, WasmtimeCLI, Container, Native} {
		if !slices.Contains(Series, s) {
			t.Errorf("the claims profile does not measure %s", s)
		}
	}
}

func TestLookupPanicsOnUnknownClaim(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Lookup of an unknown claim returned")
		}
	}()
	Lookup("no-such-claim")
}
