package harness

import (
	"strings"
	"testing"
)

// TestParseTimelineLongLines: guest output lines of megabytes (beyond any
// scanner's default) around the protocol lines do not hide them.
func TestParseTimelineLongLines(t *testing.T) {
	long := strings.Repeat("x", 5<<20)
	out := long + "\nrtwasm main_start 100\n" + long + "\nrtwasm iteration 1 150\nrtwasm main_end 160\n" + long
	got, err := ParseTimeline([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if got.MainStart != 100 || got.MainEnd != 160 || len(got.IterationEnds) != 1 {
		t.Fatalf("got %+v", got)
	}
}
