package harness

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzParseTimeline: any output parses or is refused without a panic, and
// what parses is a consistent timeline that prints back to itself.
// Seed corpus: testdata/fuzz/FuzzParseTimeline.
func FuzzParseTimeline(f *testing.F) {
	f.Add([]byte("rtwasm main_start 100\nrtwasm iteration 1 150\nrtwasm main_end 160\n"))
	f.Add([]byte("dump\nrtwasm clock_resolution 1\nrtwasm main_start 5\nrtwasm tier 1 fast\nrtwasm iteration 1 9\nrtwasm hybrid_switch 2\nrtwasm main_end 9"))
	f.Fuzz(func(t *testing.T, out []byte) {
		tl, err := ParseTimeline(out)
		if err != nil {
			return
		}
		if tl.MainStart == 0 || tl.MainEnd == 0 {
			t.Fatalf("accepted without main_start/main_end: %+v", tl)
		}
		prev := tl.MainStart
		for _, end := range append(append([]int64{}, tl.IterationEnds...), tl.MainEnd) {
			if end < prev {
				t.Fatalf("accepted a clock going backwards: %+v", tl)
			}
			prev = end
		}
		again, err := ParseTimeline([]byte(format(tl)))
		if err != nil || format(again) != format(tl) {
			t.Fatalf("round trip: %+v → %q → %+v (%v)", tl, format(tl), again, err)
		}
	})
}

// format prints a timeline in the protocol (the events the parser keeps).
func format(t Timeline) string {
	var b strings.Builder
	if t.ClockRes != 0 {
		fmt.Fprintf(&b, "rtwasm clock_resolution %d\n", t.ClockRes)
	}
	fmt.Fprintf(&b, "rtwasm main_start %d\n", t.MainStart)
	for i, tier := range t.Tiers {
		fmt.Fprintf(&b, "rtwasm tier %d %s\n", i+1, tier)
	}
	for i, end := range t.IterationEnds {
		fmt.Fprintf(&b, "rtwasm iteration %d %d\n", i+1, end)
	}
	if t.Switch != 0 {
		fmt.Fprintf(&b, "rtwasm hybrid_switch %d\n", t.Switch)
	}
	if t.OptCompileNS != 0 {
		fmt.Fprintf(&b, "rtwasm hybrid_compile_ns %d\n", t.OptCompileNS)
	}
	if t.Note != "" {
		fmt.Fprintf(&b, "rtwasm hybrid_note %s\n", t.Note)
	}
	fmt.Fprintf(&b, "rtwasm main_end %d\n", t.MainEnd)
	return b.String()
}
