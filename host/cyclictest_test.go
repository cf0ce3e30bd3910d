package host

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseCyclictest reads a real cyclictest --json file (one thread, 1 s, 997 wake-ups,
// one wake-up beyond the histogram's range).
func TestParseCyclictest(t *testing.T) {
	b, err := os.ReadFile("testdata/cyclictest.json")
	if err != nil {
		t.Fatal(err)
	}
	var l Latency
	if err := l.parse(b); err != nil {
		t.Fatal(err)
	}
	var inHist int64
	for _, n := range l.Histogram {
		inHist += n
	}
	if l.Cycles != 997 || l.Overflows != 1 || inHist+l.Overflows != l.Cycles || l.MaxUS != 2119 || l.MinUS != 12 {
		t.Errorf("cycles %d (histogram %d + overflow %d), min %d, max %d; want 997 = 996 + 1, min 12, max 2119", l.Cycles, inHist, l.Overflows, l.MinUS, l.MaxUS)
	}
	if !(l.MinUS <= l.P99US && l.P99US <= l.P999US && l.P999US <= l.MaxUS) {
		t.Errorf("min %d, p99 %d, p99.9 %d, max %d: not ordered", l.MinUS, l.P99US, l.P999US, l.MaxUS)
	}
	for _, bad := range []string{"{", `{"thread": {}}`, `{"thread": {"0": {"histogram": {"x": 1}, "cycles": 1}}}`} {
		if err := new(Latency).parse([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestLatencyQuantile(t *testing.T) {
	l := Latency{Cycles: 1000, MaxUS: 5000, Histogram: map[int]int64{10: 900, 20: 90, 30: 9}} // one overflow
	for q, want := range map[float64]int64{0.5: 10, 0.9: 10, 0.99: 20, 0.999: 30, 1: 5000} {
		if got := l.Quantile(q); got != want {
			t.Errorf("q %v: %d µs, want %d", q, got, want)
		}
	}
}

func TestCyclictestArgs(t *testing.T) {
	args := strings.Join(CyclictestArgs(1500*time.Millisecond, []int{1, 3}, "fifo:80", "/x.json"), " ")
	for _, want := range []string{"-D 2", "-t 2 -a 1,3", "--policy=fifo -p 80", "--json=/x.json", "-h 10000"} {
		if !strings.Contains(args, want) {
			t.Errorf("%q lacks %q", args, want)
		}
	}
	if args := CyclictestArgs(time.Second, nil, "", "/x"); !slices.Contains(args, "--policy=other") || slices.Contains(args, "-a") {
		t.Errorf("unpinned SCHED_OTHER: %q", args)
	}
}

// TestCyclictestRuns measures one second on CPU 0 where rt-tests is
// installed, and records a missing binary as unavailable, not an error.
func TestCyclictestRuns(t *testing.T) {
	if _, err := exec.LookPath("cyclictest"); err != nil {
		t.Skip("cyclictest not installed (rt-tests)")
	}
	l := Cyclictest(context.Background(), "before", time.Second, []int{0}, "")
	if !l.Available || l.Cycles < 100 || l.MaxUS < l.P99US {
		t.Errorf("1 s of cyclictest: %+v", l)
	}
	t.Setenv("PATH", t.TempDir())
	if l := Cyclictest(context.Background(), "after", time.Second, []int{0}, ""); l.Available || !strings.Contains(l.Reason, "rt-tests") {
		t.Errorf("without cyclictest: available %v, reason %q", l.Available, l.Reason)
	}
}
