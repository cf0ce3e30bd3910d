package pipeline

import (
	"runtime"
	"slices"
	"testing"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// TestPermutationBijection: the seeded permutation visits every index of
// [0, n) exactly once, whatever n (powers of two and odd sizes), and the
// order depends on the seed.
func TestPermutationBijection(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 7, 16, 100, 1000, 4097} {
		for _, seed := range []uint64{0, 1, 42} {
			p := newPermutation(n, seed, 0)
			seen := make([]bool, n)
			for i := range n {
				j := p.at(i)
				if j < 0 || j >= n || seen[j] {
					t.Fatalf("n=%d seed=%d: index %d maps to %d, out of range or already taken", n, seed, i, j)
				}
				seen[j] = true
			}
		}
	}
	order := func(seed, stream uint64) []int {
		p := newPermutation(1000, seed, stream)
		out := make([]int, 1000)
		for i := range out {
			out[i] = p.at(i)
		}
		return out
	}
	a, b, c, again := order(1, 0), order(2, 0), order(1, 1), order(1, 0)
	if slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("seeds 1 and 2 (or streams 0 and 1) give the same order; want the seed to decide it")
	}
	if !slices.Equal(a, again) {
		t.Error("seed 1 gave two different orders; want the same (resume replays it)")
	}
	fixed := 0
	for i, j := range a {
		if i == j {
			fixed++
		}
	}
	if fixed > 20 { // a random permutation of 1000 has about one fixed point
		t.Errorf("%d of 1000 indices stay in place: not shuffled", fixed)
	}
}

// TestTrialPlanOrder: a small stressed plan has every trial once plain and
// once stressed (keys unique, the replicate included), alternates in blocks
// plain first, and is the same for the same seed.
func TestTrialPlanOrder(t *testing.T) {
	musl := &fakeRuntime{id: "native:musl"}
	other := &fakeRuntime{id: "fake:other"}
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Stress = []string{"gemm", "atax"}, 12, StressCPU
	mk := func(seed int64) []string {
		o.Seed = seed
		p, _, err := listTrials("r", o, []string{run.Startup}, []runtimes.Runtime{musl, other}, []runtimes.Probe{{Available: true}, {Available: true}})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for pos, c := range p.All() {
			if pos != len(keys) {
				t.Fatalf("position %d yielded as the %dth trial", pos, len(keys))
			}
			keys = append(keys, c.key())
		}
		if len(keys) != p.Len() {
			t.Fatalf("%d trials yielded, Len %d", len(keys), p.Len())
		}
		return keys
	}
	keys := mk(1)
	// 2 benchmarks × (musl + its replicate + other) × 12 reps, plain and stressed.
	if want := 2 * 3 * 12 * 2; len(keys) != want || len(uniq(keys)) != want {
		t.Fatalf("%d trials, %d unique; want %d unique", len(keys), len(uniq(keys)), want)
	}
	var blocks []int
	for i, k := range keys {
		if i == 0 || isStressed(keys[i-1]) != isStressed(k) {
			blocks = append(blocks, 0)
		}
		blocks[len(blocks)-1]++
	}
	// 72 per condition in blocks of 10: 7 of 10 and one of 2 each, plain first.
	if isStressed(keys[0]) || len(blocks) != 16 || blocks[0] != 10 || blocks[15] != 2 {
		t.Errorf("blocks %v (first stressed: %v); want 16 alternating, 10 long but the last two 2, plain first", blocks, isStressed(keys[0]))
	}
	if !slices.Equal(keys, mk(1)) {
		t.Error("seed 1 planned two different orders; want the same (resume is exact)")
	}
	if slices.Equal(keys, mk(2)) {
		t.Error("seeds 1 and 2 planned the same order")
	}
}

func isStressed(key string) bool {
	return len(key) > 7 && key[len(key)-len("|stress="+StressCPU):] == "|stress="+StressCPU
}

func uniq(keys []string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// TestTrialPlanStreamsGiantPlan: a plan of 10 million trials is walked in
// full while the heap stays small: the trials are made on demand, never
// listed (a list of them would hold well over a gigabyte).
func TestTrialPlanStreamsGiantPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("walks 10 million trials")
	}
	o := testOptions(t)
	o.Benchmarks, o.Reps = []string{"gemm", "atax"}, 2_500_000 // 2 benchmarks × 2 series × 2.5M reps
	rts := []runtimes.Runtime{&fakeRuntime{id: "fake:a"}, &fakeRuntime{id: "fake:b"}}
	var before, during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, _, err := listTrials("r", o, []string{run.Startup}, rts, []runtimes.Probe{{Available: true}, {Available: true}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 10_000_000
	if p.Len() != n {
		t.Fatalf("plan of %d trials; want %d", p.Len(), n)
	}
	count, repSum := 0, map[string]int{}
	for pos, c := range p.All() {
		if pos == n/2 { // mid-walk, with the plan live: what it holds now is what it costs
			runtime.GC()
			runtime.ReadMemStats(&during)
		}
		count++
		repSum[c.cellID()] += c.rep
	}
	// Every cell's repetitions 1..2.5M came exactly once each (their sum).
	const reps = 2_500_000
	for cell, sum := range repSum {
		if sum != reps*(reps+1)/2 {
			t.Errorf("cell %s: repetitions sum to %d; want 1..%d once each (%d)", cell, sum, reps, reps*(reps+1)/2)
		}
	}
	if count != n || len(repSum) != 4 {
		t.Fatalf("walked %d trials of %d cells; want %d of 4", count, len(repSum), n)
	}
	growth := int64(during.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap growth mid-walk: %d bytes", growth)
	if growth > 64<<20 {
		t.Errorf("the heap grew %d MB walking the plan; want < 64 MB (the trials must be streamed, not listed)", growth>>20)
	}
}
