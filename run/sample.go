// Package run is the data of a run, shared by the pipeline that records it
// and the report that reads it: Sample (one row of samples.parquet), the
// Manifest (host, tools, options, artifacts), the Parquet store and the
// crash-safe journal, and every type the report reads besides: compiler
// provenance and WAMR builds (filled by toolchain), the dataset names (used
// by kernels) and explain.csv's rows (written by explain). It holds types and
// their files only: it imports host and internal/safefile of rtwasm, never
// the pipeline, toolchain, kernels, explain, the runtime adapters, the
// engines or the report, which import it.
package run

// Sample is one measurement: one process (or one embedded request) for the
// startup and total experiments, one iteration of it for the prolonged
// experiment. The same struct is written to and read from samples.parquet.
//
// All times are CLOCK_REALTIME nanoseconds. LaunchNS is taken by rtwasm just
// before the runtime starts; MainStartNS, IterationEndNS and MainEndNS come
// from the kernel's own harness.
type Sample struct {
	RunID      string `parquet:"run_id" json:"run_id"`
	Experiment string `parquet:"experiment" json:"experiment"` // startup | total | prolonged
	Benchmark  string `parquet:"benchmark" json:"benchmark"`
	Category   string `parquet:"category" json:"category"`
	Dataset    string `parquet:"dataset" json:"dataset"`
	Runtime    string `parquet:"runtime" json:"runtime"` // engine:mode
	Engine     string `parquet:"engine" json:"engine"`
	Mode       string `parquet:"mode" json:"mode"`
	Target     string `parquet:"target" json:"target"`         // wasm32-wasi | native-glibc | native-musl
	Binary     string `parquet:"binary" json:"binary"`         // program or build that served the runtime
	ColdStart  string `parquet:"cold_start" json:"cold_start"` // process | embedded
	Rep        int32  `parquet:"rep" json:"rep"`               // 1-based repetition
	Iteration  int32  `parquet:"iteration" json:"iteration"`   // 1-based in prolonged rows, 0 otherwise
	Iterations int32  `parquet:"iterations" json:"iterations"` // init+kernel runs the process was asked for
	Order      int32  `parquet:"order" json:"order"`           // position in the (shuffled) run order
	// Replicate is 1 on the rows of a replicate: the second, independent
	// series of one runtime measured interleaved with the first for the
	// true A/A (ReplicatedSeries); 0 on every other row.
	Replicate int32 `parquet:"replicate" json:"replicate,omitempty"`

	LaunchNS       int64 `parquet:"launch_ns" json:"launch_ns"`
	MainStartNS    int64 `parquet:"main_start_ns" json:"main_start_ns"`
	MainEndNS      int64 `parquet:"main_end_ns" json:"main_end_ns"`
	IterationEndNS int64 `parquet:"iteration_end_ns" json:"iteration_end_ns"`
	StartupNS      int64 `parquet:"startup_ns" json:"startup_ns"`     // main_start - launch
	ExecNS         int64 `parquet:"exec_ns" json:"exec_ns"`           // main_end - main_start
	TotalNS        int64 `parquet:"total_ns" json:"total_ns"`         // main_end - launch
	IterationNS    int64 `parquet:"iteration_ns" json:"iteration_ns"` // this iteration alone (prolonged)
	ClockResNS     int64 `parquet:"clock_res_ns" json:"clock_res_ns"` // resolution the guest clock reports

	// Hybrid executor only: the tier that ran this iteration (fast | opt),
	// the first iteration on the optimized tier (0: never), the optimizing
	// compile's wall time, and a note when it failed.
	Tier            string `parquet:"tier" json:"tier"`
	SwitchIteration int32  `parquet:"switch_iteration" json:"switch_iteration"`
	OptCompileNS    int64  `parquet:"opt_compile_ns" json:"opt_compile_ns"`
	Note            string `parquet:"note" json:"note"`

	// Where and under which conditions the sample was taken.
	Host   string `parquet:"host" json:"host"`               // host name of the machine that ran it
	Shard  int32  `parquet:"shard" json:"shard"`             // fleet shard (0 on a local run)
	Stress string `parquet:"stress" json:"stress"`           // interference on the other CPUs: none | cpu | memory | io
	Sched  string `parquet:"sched" json:"sched"`             // scheduling policy the process ran with: other | fifo:<prio>
	Mlock  string `parquet:"mlock" json:"mlock"`             // on | off | n/a (the runtime cannot lock its memory)
	Stack  int64  `parquet:"stack_bytes" json:"stack_bytes"` // RLIMIT_STACK of the sampled process

	// What the OS counted for the sampled process (wait4's rusage; for an
	// embedded request, the runner's delta over the request), and hardware
	// counters where the host has a PMU (-1 when unavailable; HWNote says why).
	MinorFaults       int64  `parquet:"minor_faults" json:"minor_faults"`
	MajorFaults       int64  `parquet:"major_faults" json:"major_faults"`
	VoluntarySwitch   int64  `parquet:"voluntary_switches" json:"voluntary_switches"`
	InvoluntarySwitch int64  `parquet:"involuntary_switches" json:"involuntary_switches"`
	MaxRSSKB          int64  `parquet:"max_rss_kb" json:"max_rss_kb"`
	UserNS            int64  `parquet:"user_ns" json:"user_ns"`
	SystemNS          int64  `parquet:"system_ns" json:"system_ns"`
	Instructions      int64  `parquet:"instructions" json:"instructions"`
	Cycles            int64  `parquet:"cycles" json:"cycles"`
	CacheMisses       int64  `parquet:"cache_misses" json:"cache_misses"`
	HWNote            string `parquet:"hw_note" json:"hw_note"`

	Status     string `parquet:"status" json:"status"` // ok | error | unavailable
	ExitStatus int32  `parquet:"exit_status" json:"exit_status"`
	Error      string `parquet:"error" json:"error"`
}

// Sample statuses.
const (
	StatusOK          = "ok"
	StatusError       = "error"
	StatusUnavailable = "unavailable"
)

// Experiments, in the order the paper presents them.
const (
	Startup   = "startup"
	Total     = "total"
	Prolonged = "prolonged"
)

// AllExperiments lists the experiments in paper order.
var AllExperiments = []string{Startup, Total, Prolonged}

// Series is the runtime and cold-start model the row belongs to, as reports
// label it.
func (s Sample) Series() string { return Series(s.Runtime, s.ColdStart) }

// ReplicatedSeries are the series every run measures twice, as two
// independent interleaved series (the second with Replicate = 1), when
// they are selected: the same binary, the same launch, only chance
// between them — the true A/A of the noise floor. One native and one
// embedded engine, so both launch paths have a floor.
var ReplicatedSeries = []string{"native:musl", "wazero:compiler (embedded)"}

// Cold-start models.
const (
	ColdProcess  = "process"  // a fresh OS process per sample
	ColdEmbedded = "embedded" // the engine already loaded in a host process
)

// Series names a runtime in one cold-start model: the id, marked when the
// model is not the paper's fresh process.
func Series(id, coldStart string) string {
	if coldStart == ColdEmbedded {
		return id + " (embedded)"
	}
	return id
}
