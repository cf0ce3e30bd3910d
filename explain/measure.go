package explain

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// Natives are measured under callgrind whether or not the run had them: the
// glibc build is the baseline, the static musl build the container's.
var Natives = []string{"native:glibc", "native:musl"}

// Select keeps the rows of the given benchmarks and adds a row (not in the
// run) for each of the named series, and each proxy of a kept series
// (Proxies), that a benchmark lacks.
func Select(rows []Row, benchmarks []string, series ...string) []Row {
	var out []Row
	for _, r := range rows {
		if slices.Contains(benchmarks, r.Benchmark) {
			out = append(out, r)
		}
	}
	for _, b := range benchmarks {
		want := slices.Clone(series)
		for _, r := range out {
			if p := Proxies[r.Series]; r.Benchmark == b && p != "" && !slices.Contains(want, p) {
				want = append(want, p)
			}
		}
		for _, s := range want {
			if _, ok := find(out, b, s); !ok {
				out = append(out, Row{Benchmark: b, Series: s, FaultsPerJob: NotRecorded, MaxRSSKB: NotRecorded,
					JobInstructions: NotRecorded, OtherInstructions: NotRecorded, CounterNote: "not in the run"})
			}
		}
	}
	Sort(out)
	return out
}

// Build is what explain needs of the build step: the runtimes built for,
// their environment, each runtime's input per benchmark and its probe.
type Build struct {
	Runtimes []runtimes.Runtime
	Env      runtimes.Env
	Input    func(r runtimes.Runtime, benchmark string) (string, error)
	Probe    func(ctx context.Context, r runtimes.Runtime) runtimes.Probe
}

// Measure counts one job's instructions for every row whose series the
// build has, recording in InstructionNote how, or why not.
func (c *Callgrind) Measure(ctx context.Context, rows []Row, b Build, log io.Writer) {
	for i := range rows {
		r := &rows[i]
		rt := b.runtime(r.Series)
		if rt == nil && strings.HasSuffix(r.Series, run.Series("", run.ColdEmbedded)) {
			r.InstructionNote = "not measured: an embedded series runs inside a long-lived runner serving other requests; its code is its process series'"
			continue
		}
		if rt == nil {
			r.InstructionNote = "not measured: the runtime is not registered or not selected"
			continue
		}
		if r.Target == "" {
			r.Target = string(rt.Target())
		}
		fmt.Fprintf(log, "explain: %s on %s under callgrind…\n", r.Benchmark, r.Series)
		job, other, k, err := c.measure(ctx, rt, r.Benchmark, b)
		if err != nil {
			r.InstructionNote = "does not run under valgrind: " + err.Error()
			continue
		}
		r.JobInstructions, r.OtherInstructions = job, other
		r.InstructionNote = fmt.Sprintf("callgrind Ir of every thread: (a %d-job process − a 1-job process) / %d = one job (%s; Go programs with GOMAXPROCS=1, GOGC=off, no async preemption)", 1+k, k, c.version)
	}
}

func (c *Callgrind) measure(ctx context.Context, rt runtimes.Runtime, benchmark string, b Build) (job, other int64, jobs int, err error) {
	if p := b.Probe(ctx, rt); !p.Available {
		return 0, 0, 0, fmt.Errorf("runtime unavailable: %s", p.Reason)
	}
	input, err := b.Input(rt, benchmark)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("no input: %w", err)
	}
	launch, err := c.Launcher(rt, b.Env, input)
	if err != nil {
		return 0, 0, 0, err
	}
	return c.Job(ctx, launch)
}

// runtime finds the build's runtime of a series.
func (b Build) runtime(series string) runtimes.Runtime {
	for _, r := range b.Runtimes {
		if run.Series(r.ID(), r.ColdStart()) == series {
			return r
		}
	}
	return nil
}
