package harness

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTimeline(t *testing.T) {
	out := "rtwasm main_start 100\nrtwasm clock_resolution 1000\nnoise from the guest\n" +
		"rtwasm iteration 1 150\nrtwasm iteration 2 210\nrtwasm main_end 220\n"
	got, err := ParseTimeline([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := Timeline{MainStart: 100, MainEnd: 220, IterationEnds: []int64{150, 210}, ClockRes: 1000}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestParseTimelineRejects(t *testing.T) {
	for name, tc := range map[string]struct{ out, want string }{
		"empty":          {"", "no main_start"},
		"unfinished":     {"rtwasm main_start 1\nrtwasm iteration 1 2\n", "no main_end"},
		"bad number":     {"rtwasm main_start 12x\n", "bad number"},
		"skipped iter":   {"rtwasm main_start 1\nrtwasm iteration 2 5\nrtwasm main_end 6\n", "out of sequence"},
		"backwards":      {"rtwasm main_start 10\nrtwasm iteration 1 5\nrtwasm main_end 11\n", "backwards"},
		"twice started":  {"rtwasm main_start 1\nrtwasm main_start 2\n", "unexpected event"},
		"unknown event":  {"rtwasm lunch 1\n", "unexpected event"},
		"missing number": {"rtwasm main_end\n", "unexpected event"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseTimeline([]byte(tc.out))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
