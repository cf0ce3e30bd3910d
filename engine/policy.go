package engine

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// The hybrid's adaptive tier-up policy decides, per process, how job 1 uses
// the fast tier while the optimizing compile is pending. It cannot read a
// job's length off the module (PolyBench's trip counts are constants inside
// loop nests, and a job's length is their product), so it predicts online:
// the fast tier's job is a probe that is abandoned once running it on is
// predicted dearer than restarting on the optimized tier. PolyBench
// re-initialises its data every job, so a restarted job is exact; the
// abandoned instance is discarded and the job's latency (launch → end) pays
// for the probe.
//
// race (more than one CPU allowed): the compile runs on another CPU from
// launch, job 1 runs on the fast tier meanwhile. If the fast job is still
// running when the optimized tier is ready, it has already outlasted the
// compile C, so its whole length T ≥ C; restarting costs T/S more on the
// optimized tier (S, the speedup gap, is ≥ 10 for an interpreter against an
// optimizing compiler on PolyBench), finishing costs the unknown rest. The
// policy predicts the rest to be long — a job that ran C is predicted to run
// at least as long again — and restarts: the worst case (the job was about
// to end) costs T/S ≤ 10 % extra, the best case saves the interpreted
// remainder (floyd-warshall: 734 ms interpreted against ~80 ms compile).
// A fast job that ends before the compile simply was short.
//
// probe (one CPU allowed): the compile would share the CPU with the job and
// slow both, so nothing compiles during the probe. Job 1 runs on the fast
// tier for at most the module's expected compile time (ski rental: renting
// for as long as buying costs is at most 2× the best choice in hindsight);
// a job that ends within it was short and ran alone, the compile starts after
// it. A job that has not ended by then is abandoned: the compile runs alone,
// then job 1 runs optimized. Short compiles are thus preferred to long
// interpretation, and a short job never waits for a compile.
type tierPolicy struct {
	Mode   string        // policyRace | policyProbe
	CPUs   int           // CPUs this process may run on
	Budget time.Duration // probe: longest fast-tier job 1 before it is abandoned
}

const (
	policyRace  = "race"
	policyProbe = "probe"
)

// decidePolicy picks the policy from the CPUs the process may use and the
// optimizing tier's expected compile time for this module.
func decidePolicy(cpus int, expectedCompile time.Duration) tierPolicy {
	if cpus > 1 {
		return tierPolicy{Mode: policyRace, CPUs: cpus}
	}
	return tierPolicy{Mode: policyProbe, CPUs: cpus, Budget: expectedCompile}
}

// compileNice is the compile thread's nice value: below the job's, so a
// loaded host runs the job first.
const compileNice = 10

// decisions is what the policy did in one process.
type decisions struct {
	Abandoned  int           // fast job abandoned for the optimized tier; 0: none
	Niced      bool          // the compile thread's priority was lowered
	CPU        int           // where the compile ran: a CPU, cpuShared, cpuUnpinned or cpuNone
	CPUTime    time.Duration // the compile thread's CPU time; 0: unknown
	Clock      string        // what boundary decisions measured the compile by: thread, wall or none
	Boundaries []string      // the boundary decisions, <job>:<wait|run>:<reason>
}

// line is the "rtwasm hybrid_policy …" line's fields, recorded per process;
// compile_nice is 0 where the compile thread's priority could not be lowered,
// boundary is "none" where no boundary found the compile pending.
func (p tierPolicy) line(d decisions) string {
	nice := 0
	if d.Niced {
		nice = compileNice
	}
	boundaries := strings.Join(d.Boundaries, ",")
	if boundaries == "" {
		boundaries = "none"
	}
	return fmt.Sprintf("%s cpus=%d budget_ns=%d abandoned_job=%d compile_nice=%d compile_cpu=%s compile_cpu_ns=%d compile_clock=%s boundary=%s",
		p.Mode, p.CPUs, p.Budget.Nanoseconds(), d.Abandoned, nice, cpuField(d.CPU), d.CPUTime.Nanoseconds(), d.Clock, boundaries)
}

// expectedCompile predicts an optimizing compile's wall time from the size of
// the module's code section: compilers are linear in code size to first
// order. nsPerByte is the optimizing tier's rate on one core (see the
// hybrid engines); a module that cannot be read as sections predicts from
// its whole size.
func expectedCompile(wasm []byte, nsPerByte float64) time.Duration {
	return time.Duration(float64(codeSectionSize(wasm)) * nsPerByte)
}

// codeSectionSize is the byte size of the module's code section (id 10), or
// the whole module's size when the sections cannot be walked.
func codeSectionSize(wasm []byte) int {
	const header = 8 // magic and version
	if len(wasm) < header {
		return len(wasm)
	}
	for rest := wasm[header:]; len(rest) > 0; {
		id := rest[0]
		size, n := binary.Uvarint(rest[1:])
		if n <= 0 || uint64(len(rest)-1-n) < size {
			return len(wasm)
		}
		if id == 10 {
			return int(size)
		}
		rest = rest[1+n+int(size):]
	}
	return len(wasm)
}
