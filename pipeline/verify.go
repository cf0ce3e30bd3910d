package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// Verify modes (RTWASM_VERIFY).
const (
	VerifyReference = "reference" // every dump equals the reference file
	VerifyCross     = "cross"     // every dump equals native:glibc's, run now
)

// CrossReference is the runtime whose dump the cross mode compares with.
const CrossReference = "native:glibc"

// Check is one benchmark's dump on one runtime compared with its reference.
type Check struct {
	Benchmark string
	Runtime   string
	Status    string // ok | mismatch | error | unavailable
	Detail    string // first differing line, or the error
}

// Verify runs every benchmark with its dump switch on every runtime and
// compares standard error byte for byte with the expected dump: the file
// <Reference>/<benchmark>.txt (falling back to the bundled
// kernels/reference/<DATASET>), or in cross mode native:glibc's own dump,
// so any dataset is checked without reference files.
func Verify(ctx context.Context, o run.Options, b *Builds) ([]Check, error) {
	defer closeAll(b.Runtimes)
	expected, err := expectedDumps(ctx, o, b)
	if err != nil {
		return nil, err
	}
	var checks []Check
	for _, r := range b.Runtimes {
		probe := b.Probe(ctx, r)
		for _, name := range o.Benchmarks {
			c := Check{Benchmark: name, Runtime: run.Series(r.ID(), r.ColdStart())}
			if !probe.Available {
				c.Status, c.Detail = run.StatusUnavailable, probe.Reason
			} else {
				c.Status, c.Detail = verifyOne(ctx, o, b, r, name, expected)
			}
			checks = append(checks, c)
		}
	}
	return checks, nil
}

// expectedDumps returns a function giving each benchmark's expected dump.
func expectedDumps(ctx context.Context, o run.Options, b *Builds) (func(string) ([]byte, error), error) {
	if o.Verify != VerifyCross {
		if _, err := os.Stat(o.Reference); err != nil {
			return nil, fmt.Errorf("no reference dumps for %s: %v; set RTWASM_REFERENCE to a directory of <benchmark>.txt files, or RTWASM_VERIFY=cross", o.Dataset, err)
		}
		return func(name string) ([]byte, error) { return referenceDump(o, name) }, nil
	}
	var ref runtimes.Runtime
	for _, r := range b.Runtimes {
		if r.ID() == CrossReference {
			ref = r
		}
	}
	if ref == nil {
		return nil, fmt.Errorf("RTWASM_VERIFY=cross compares with %s; add it to RTWASM_RUNTIMES", CrossReference)
	}
	dumps := map[string][]byte{} // run once per benchmark, not once per runtime
	return func(name string) ([]byte, error) {
		if dump, ok := dumps[name]; ok {
			return dump, nil
		}
		dump, err := dumpOf(ctx, o, b, ref, name)
		if err != nil {
			return nil, fmt.Errorf("%s (the cross reference) failed: %w", CrossReference, err)
		}
		dumps[name] = dump
		return dump, nil
	}, nil
}

// referenceDump reads o.Reference/<name>.txt, or the bundled copy when the
// reference directory has none for this benchmark (the shared PolyBench
// references do not cover rtwasm's own apps).
func referenceDump(o run.Options, name string) ([]byte, error) {
	want, err := os.ReadFile(filepath.Join(o.Reference, name+".txt"))
	if os.IsNotExist(err) {
		if bundled, berr := os.ReadFile(filepath.Join("kernels", "reference", string(o.Dataset), name+".txt")); berr == nil {
			return bundled, nil
		}
	}
	return want, err
}

// dumpOf runs a benchmark's dump on r.
func dumpOf(ctx context.Context, o run.Options, b *Builds, r runtimes.Runtime, name string) ([]byte, error) {
	input, err := b.Input(r, name)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	res := r.Run(ctx, input, harness.Args(1, true))
	return res.Stderr, res.Err
}

func verifyOne(ctx context.Context, o run.Options, b *Builds, r runtimes.Runtime, name string, expected func(string) ([]byte, error)) (status, detail string) {
	want, err := expected(name)
	if err != nil {
		return run.StatusError, fmt.Sprintf("no reference: %v", err)
	}
	got, err := dumpOf(ctx, o, b, r, name)
	if err != nil {
		return run.StatusError, err.Error()
	}
	if d := FirstDifference(want, got); d != "" {
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
		if !slices.Contains(benches, c.Benchmark) {
			benches = append(benches, c.Benchmark)
		}
		if !slices.Contains(rts, c.Runtime) {
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
