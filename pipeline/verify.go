package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// Check is one benchmark's dump on one runtime compared with its reference.
type Check struct {
	Benchmark string
	Runtime   string
	Status    string // ok | mismatch | error | unavailable
	Detail    string // first differing line, or the error
}

// Verify runs every benchmark with its dump switch on every runtime and
// compares standard error with o.Reference/<benchmark>.txt byte for byte.
func Verify(ctx context.Context, o run.Options, b *Builds) ([]Check, error) {
	defer closeAll(b.Runtimes)
	if _, err := os.Stat(o.Reference); err != nil {
		return nil, fmt.Errorf("no reference dumps for %s: %v; set RTWASM_REFERENCE to a directory of <benchmark>.txt files", o.Dataset, err)
	}
	var checks []Check
	for _, r := range b.Runtimes {
		probe := b.Probe(ctx, r)
		for _, name := range o.Benchmarks {
			c := Check{Benchmark: name, Runtime: run.Series(r.ID(), r.ColdStart())}
			if !probe.Available {
				c.Status, c.Detail = run.StatusUnavailable, probe.Reason
			} else {
				c.Status, c.Detail = verifyOne(ctx, o, b, r, name)
			}
			checks = append(checks, c)
		}
	}
	return checks, nil
}

func verifyOne(ctx context.Context, o run.Options, b *Builds, r runtimes.Runtime, name string) (status, detail string) {
	want, err := os.ReadFile(filepath.Join(o.Reference, name+".txt"))
	if err != nil {
		return run.StatusError, fmt.Sprintf("no reference: %v", err)
	}
	input, err := b.Input(r, name)
	if err != nil {
		return run.StatusError, err.Error()
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	res := r.Run(ctx, input, []string{"--dump"})
	if res.Err != nil {
		return run.StatusError, res.Err.Error()
	}
	if d := FirstDifference(want, res.Stderr); d != "" {
		return "mismatch", d
	}
	return run.StatusOK, ""
}

// FirstDifference describes the first line where got differs from want, or
// returns "" when they are byte-identical.
func FirstDifference(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	wl, gl := splitLines(want), splitLines(got)
	for i := 0; ; i++ {
		w, g := lineAt(wl, i), lineAt(gl, i)
		if w != g {
			return fmt.Sprintf("line %d: want %q, got %q", i+1, w, g)
		}
	}
}

func splitLines(b []byte) []string {
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of output)"
}

// PrintChecks writes a benchmark × runtime table and the details of every
// failure, and returns how many checks failed.
func PrintChecks(w io.Writer, checks []Check) int {
	var benches, rts []string
	cells := map[[2]string]Check{}
	for _, c := range checks {
		if !contains(benches, c.Benchmark) {
			benches = append(benches, c.Benchmark)
		}
		if !contains(rts, c.Runtime) {
			rts = append(rts, c.Runtime)
		}
		cells[[2]string{c.Benchmark, c.Runtime}] = c
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "benchmark\t%s\n", strings.Join(rts, "\t"))
	for _, bench := range benches {
		row := []string{bench}
		for _, r := range rts {
			row = append(row, cells[[2]string{bench, r}].Status)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	failures := 0
	unverified := map[string]bool{}
	for _, c := range checks {
		switch c.Status {
		case run.StatusOK:
		case run.StatusUnavailable:
			if !unverified[c.Runtime] {
				unverified[c.Runtime] = true
				fmt.Fprintf(w, "not verified: %s: %s\n", c.Runtime, c.Detail)
			}
		default:
			failures++
			fmt.Fprintf(w, "FAIL %s on %s: %s\n", c.Benchmark, c.Runtime, c.Detail)
		}
	}
	return failures
}
