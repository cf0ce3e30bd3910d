// Package explain answers "why is this series faster or slower than native"
// for a kernel of a finished run: per series, the steady-state time per job
// (the run's prolonged rows after warm-up), the OS counters per job (page
// faults, peak RSS), and the instruction count of one job measured under
// valgrind's callgrind, then a short generated finding comparing each series
// with native:glibc. It writes explain.csv into the run directory, which
// the report's "Why" section reads.
//
// It reads runs (run), launches runtimes (runtimes) and uses stats for
// warm-up detection; it must not import the pipeline, the report or the
// engines: the caller (the mage target) builds the kernels and hands over
// how to find each runtime's input.
package explain

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
	"github.com/rtwasm/rtwasm/toolchain"
)

// FileName is the table explain writes into the run directory.
const FileName = run.ExplainFile

// Baseline is the series every other series is compared with: the paper's native build.
const Baseline = "native:glibc"

// NotRecorded marks a counter the run did not record (-1 in explain.csv).
const NotRecorded = run.NotRecorded

// Row is one benchmark × series of the explanation; the run record owns
// the type, so that the report reads explain.csv without this package.
type Row = run.ExplainRow

// isWasm reports whether the series runs the WebAssembly build.
func isWasm(r Row) bool { return r.Target == string(toolchain.Wasm) }

// Sort orders rows by benchmark, baseline first, native series, then the rest by name.
func Sort(rows []Row) {
	rank := func(r Row) int {
		switch {
		case r.Series == Baseline:
			return 0
		case strings.HasPrefix(r.Series, "native:"):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Benchmark, b.Benchmark), cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Series, b.Series))
	})
}

// WasmFaster returns the benchmarks where some WebAssembly series has a lower
// steady-state time per job than the fastest native series.
func WasmFaster(rows []Row) []string {
	var out []string
	for _, b := range benchmarks(rows) {
		native, wasm := math.Inf(1), math.Inf(1)
		for _, r := range rows {
			if r.Benchmark != b || r.SteadyNS <= 0 {
				continue
			}
			if isWasm(r) {
				wasm = min(wasm, r.SteadyNS)
			} else if strings.HasPrefix(r.Series, "native:") {
				native = min(native, r.SteadyNS)
			}
		}
		if wasm < native {
			out = append(out, b)
		}
	}
	return out
}

func benchmarks(rows []Row) []string {
	var names []string
	for _, r := range rows {
		names = append(names, r.Benchmark)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Explain fills every row's Finding by comparing it with the baseline row
// of its benchmark.
func Explain(rows []Row) {
	for i := range rows {
		base, ok := find(rows, rows[i].Benchmark, Baseline)
		switch {
		case rows[i].Series == Baseline:
			rows[i].Finding = "baseline"
		case !ok:
			rows[i].Finding = "no " + Baseline + " row to compare with"
		default:
			proxy, _ := find(rows, rows[i].Benchmark, Proxies[rows[i].Series])
			rows[i].Finding = finding(rows[i], base, proxy)
		}
	}
}

func find(rows []Row, benchmark, series string) (Row, bool) {
	for _, r := range rows {
		if r.Benchmark == benchmark && r.Series == series {
			return r, true
		}
	}
	return Row{}, false
}

// Proxies name, for a series whose prepared code cannot run under valgrind
// (a module precompiled for the host CPU is refused on valgrind's virtual
// CPU), the series compiling the same module with the same compiler in the
// process, whose instructions stand in for it — compiled for valgrind's CPU
// features, so close but not identical code.
var Proxies = map[string]string{"wasmtime:aot": "wasmtime:cranelift", "wasmtime:cache": "wasmtime:cranelift", "wazero:cache": "wazero:compiler"}

// similar is the band within which two quantities count as the same: wider
// than callgrind's run-to-run wobble of a Go or JIT runtime (well under 1 %),
// narrower than any difference worth explaining.
const similar = 0.05

// finding compares one series with the baseline: time, instructions,
// faults, RSS, and which of them accounts for the time difference.
// proxy, when it has instruction counts and r has none, stands in for r's.
func finding(r, base, proxy Row) string {
	var parts []string
	timeRatio := math.NaN()
	if r.SteadyNS > 0 && base.SteadyNS > 0 {
		timeRatio = r.SteadyNS / base.SteadyNS
		parts = append(parts, fmt.Sprintf("%.2f× the time per job", timeRatio))
	}
	instrRatio := math.NaN()
	switch {
	case r.Instructions() && base.Instructions():
		instrRatio = float64(r.JobInstructions) / float64(base.JobInstructions)
		parts = append(parts, fmt.Sprintf("%.2f× the instructions per job", instrRatio))
	case proxy.Instructions() && base.Instructions():
		instrRatio = float64(proxy.JobInstructions) / float64(base.JobInstructions)
		parts = append(parts, fmt.Sprintf("%.2f× the instructions per job (counted on %s, the same compiler in-process)", instrRatio, proxy.Series))
	}
	faultRatio := math.NaN()
	if r.Counters() && base.Counters() {
		faultRatio = (r.FaultsPerJob + 1) / (base.FaultsPerJob + 1) // +1: a job with no faults is not a division by zero
		parts = append(parts, fmt.Sprintf("%.0f vs %.0f page faults per job", r.FaultsPerJob, base.FaultsPerJob))
		parts = append(parts, fmt.Sprintf("peak RSS %s vs %s", run.FormatKB(r.MaxRSSKB), run.FormatKB(base.MaxRSSKB)))
	}
	if len(parts) == 0 {
		return "nothing to compare: " + orText(r.InstructionNote, "no measurements")
	}
	text := strings.Join(parts, ", ") + " of " + Baseline + "."
	if why := cause(timeRatio, instrRatio, faultRatio); why != "" {
		text += " " + why
	}
	return text
}

// cause names what accounts for a time difference: the amount of work
// (instructions), memory (page faults), or neither — the same work done at a
// different rate, i.e. code layout, alignment, caches or branch prediction,
// which callgrind does not count.
func cause(timeRatio, instrRatio, faultRatio float64) string {
	if math.IsNaN(timeRatio) {
		return ""
	}
	moreFaults := !math.IsNaN(faultRatio) && faultRatio > 1+4*similar
	fewerFaults := !math.IsNaN(faultRatio) && faultRatio < 1-4*similar
	switch {
	case !math.IsNaN(instrRatio) && instrRatio > 8*max(timeRatio, 1):
		return "The instruction count is far above what the time allows: it includes work off the job's critical path " +
			"(compiler threads running beside the jobs, as V8's tier-up does), so it does not compare."
	case math.Abs(timeRatio-1) <= similar:
		return "Same speed."
	case math.IsNaN(instrRatio):
		if moreFaults && timeRatio > 1 {
			return "More page faults per job: memory is touched anew each job."
		}
		return "Instruction counts unavailable, so the cause is not determined."
	case timeRatio < 1 && instrRatio < 1-similar:
		return "Faster because it executes fewer instructions: the compilers generated less work for the same job."
	case timeRatio < 1 && fewerFaults:
		return "Faster with as many or more instructions but fewer page faults: less memory is mapped or zeroed per job."
	case timeRatio < 1:
		return "Faster with as many or more instructions: each instruction costs less — different code layout, alignment or memory access pattern (caches, branch prediction), not less work."
	case instrRatio > 1+similar && instrRatio >= 0.5*timeRatio:
		return "Slower mostly because it executes more instructions (bounds checks, register pressure, less optimisation)."
	case instrRatio > 1+similar:
		return fmt.Sprintf("More instructions account for %.3g× of the %.3g×; each instruction also costs more (an interpreter's dispatch, memory access pattern).", instrRatio, timeRatio)
	case moreFaults:
		return "Slower with more page faults per job: memory is touched anew each job."
	default:
		return "Slower with about the same instructions: each instruction costs more — code layout, alignment or memory access pattern."
	}
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// Steady derives every benchmark × series's steady-state time and OS
// counters per job from a run's rows (ok rows only).
func Steady(rows []run.Sample) []Row {
	type key struct{ benchmark, series string }
	prolonged := map[key]map[int32][]run.Sample{} // by rep
	totals := map[key][]run.Sample{}
	var order []key
	for _, s := range rows {
		if s.Status != run.StatusOK {
			continue
		}
		k := key{s.Benchmark, s.Series()}
		switch s.Experiment {
		case run.Prolonged:
			if prolonged[k] == nil {
				prolonged[k] = map[int32][]run.Sample{}
				order = append(order, k)
			}
			prolonged[k][s.Rep] = append(prolonged[k][s.Rep], s)
		case run.Total:
			totals[k] = append(totals[k], s)
		}
	}
	var out []Row
	for _, k := range order {
		r := Row{Benchmark: k.benchmark, Series: k.series, JobInstructions: NotRecorded, OtherInstructions: NotRecorded}
		steady(&r, prolonged[k])
		perJob(&r, prolonged[k], totals[k])
		out = append(out, r)
	}
	Sort(out)
	return out
}

// steady takes, per process, the iterations after warm-up and the median
// over all processes' steady iterations.
func steady(r *Row, byRep map[int32][]run.Sample) {
	var times []float64
	for _, rep := range slices.Sorted(maps.Keys(byRep)) {
		its := slices.Clone(byRep[rep])
		slices.SortFunc(its, func(a, b run.Sample) int { return cmp.Compare(a.Iteration, b.Iteration) })
		r.Target = its[0].Target
		series := make([]float64, 0, len(its))
		for _, s := range its {
			if s.IterationNS > 0 {
				series = append(series, float64(s.IterationNS))
			}
		}
		start := 0
		if w, err := stats.FindWarmup(series); err == nil {
			start = w.Steady
		} else if len(series) > 1 {
			// Too short to detect: the first job pays for lazy compilation
			// and first-touch faults in every runtime, so it is dropped.
			start = 1
			r.SteadyNote = fmt.Sprintf("%d iterations are too few to detect warm-up; the first is dropped", len(series))
		}
		r.WarmupJobs = max(r.WarmupJobs, start)
		times = append(times, series[start:]...)
	}
	r.SteadyJobs = len(times)
	if len(times) > 0 {
		r.SteadyNS = stats.Median(times)
	}
}

// perJob derives page faults per job and peak RSS from the counter columns.
// A process's counters cover start-up too, so when the run has one-job
// processes of the same series (the total experiment) their faults are
// subtracted: (prolonged − total) / (iterations − 1) is what one more job costs.
func perJob(r *Row, byRep map[int32][]run.Sample, totals []run.Sample) {
	r.FaultsPerJob, r.MaxRSSKB = NotRecorded, NotRecorded
	var faults, rss []float64
	iterations := 0
	for _, its := range byRep {
		// The counters belong to the process; take the largest any of its rows carries.
		var f, m int64
		for _, s := range its {
			f = max(f, s.MinorFaults+s.MajorFaults)
			m = max(m, s.MaxRSSKB)
			iterations = max(iterations, int(s.Iterations))
		}
		if m > 0 {
			faults, rss = append(faults, float64(f)), append(rss, float64(m))
		}
	}
	if len(rss) == 0 {
		r.CounterNote = "OS counters not recorded in this run"
		return
	}
	r.MaxRSSKB = int64(stats.Median(rss))
	process := stats.Median(faults)
	var one []float64
	for _, s := range totals {
		if s.MaxRSSKB > 0 {
			one = append(one, float64(s.MinorFaults+s.MajorFaults))
		}
	}
	if len(one) > 0 && iterations > 1 {
		r.FaultsPerJob = max(0, (process-stats.Median(one))/float64(iterations-1))
		r.CounterNote = fmt.Sprintf("(faults of a %d-job process − faults of a 1-job process) / %d", iterations, iterations-1)
		return
	}
	r.FaultsPerJob = process / float64(max(iterations, 1))
	r.CounterNote = fmt.Sprintf("faults of a %d-job process / %d, start-up included (no 1-job processes in the run)", iterations, max(iterations, 1))
}
