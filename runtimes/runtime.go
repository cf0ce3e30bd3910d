// Package runtimes is the narrow boundary between the pipeline and the
// things it measures. A Runtime runs one built kernel once and says when it
// launched it; each adapter lives in a file of its own (native, the embedded
// engines through rtwasm's runner, Node.js, the WAMR/Wasmer/Wasmtime CLIs;
// containers in runtimes/container). It also owns launching a sampled
// process: pinning, the launch timestamp, output capture, killing the
// process group. It must not import the pipeline, the report or the
// engines' libraries (engines run in the runner program, not here).
package runtimes

import (
	"context"

	"github.com/rtwasm/rtwasm/toolchain"
)

// Runtime runs one built kernel once and says when it launched it. Each
// runtime lives in a file of its own; its id is "engine:mode".
type Runtime interface {
	ID() string
	// Target is the build the runtime executes.
	Target() toolchain.Target
	// ColdStart is the start-up model: run.ColdProcess or run.ColdEmbedded.
	ColdStart() string
	// Probe says whether the runtime can run on this host, and its version.
	Probe(ctx context.Context) Probe
	// Run executes the artifact with the harness arguments.
	Run(ctx context.Context, artifact string, args []string) Result
}

// Probe is a runtime's availability on this host.
type Probe struct {
	Available bool
	Version   string
	Binary    string // the program or build that serves the runtime, if any
	Reason    string // why not available, naming the fix
}

// Preparer is a runtime that turns the built .wasm into a form of its own
// (an ahead-of-time compiled module, say) once, in the build step; Run then
// receives the prepared file instead of the .wasm. It returns "" when the
// .wasm needs no preparation.
type Preparer interface {
	Prepare(ctx context.Context, wasm toolchain.Artifact, dir string) (string, error)
}

// SetUpper is a runtime with work to do once per invocation, after the
// build step has given it its inputs and before the first sample: building
// an image or a root filesystem, removing what dead runs left behind. Probe
// only looks; SetUp changes things. It completes an available probe (version
// details, the serving binary) or returns it unavailable with the reason.
type SetUpper interface {
	SetUp(ctx context.Context, p Probe) Probe
}

// Closer is a runtime holding resources across samples (a server process,
// images); the matrix closes it when done.
type Closer interface {
	Close() error
}

// Result is one execution.
type Result struct {
	LaunchNS   int64 // CLOCK_REALTIME just before the runtime was started
	Stdout     []byte
	Stderr     []byte
	ExitStatus int   // -1 when killed or never started
	Err        error // nil when the runtime exited 0

	Usage   Usage  // what the OS counted for the process
	Applied Launch // the launch settings actually in force (Sched "" = not applicable)
}

// Usage is what the OS counted for one sampled process (wait4's rusage),
// and hardware counters where the host has a PMU (-1 when unavailable, with
// HWNote saying why).
type Usage struct {
	MinorFaults, MajorFaults           int64
	VoluntarySwitch, InvoluntarySwitch int64
	MaxRSSKB                           int64
	UserNS, SystemNS                   int64
	Instructions, Cycles, CacheMisses  int64
	HWNote                             string
}

// Env locates rtwasm's own helper programs for the runtimes that need them.
type Env struct {
	Runner      string // the rtwasm-run executable (embedded engines), with cgo and Wasmtime
	PureRunner  string // rtwasm-run in pure Go, for the engines that need no cgo; "": Runner serves all
	EngineCache string // where engines keep compilation caches
	// WAMR are the iwasm and wamrc builds of `go tool mage wamr`, used when
	// RTWASM_IWASM or RTWASM_WAMRC is unset (nil: none). A pointer keeps Env
	// comparable: runtimes that hold it are map keys.
	WAMR *WAMRBuilds
}

// WAMRBuilds are the builds rtwasm made of WAMR, and why there are none.
type WAMRBuilds struct {
	Builds []toolchain.WAMRBuild
	WhyNot string // for the unavailable rows
}

// List returns the builds; none for a nil w.
func (w *WAMRBuilds) List() []toolchain.WAMRBuild {
	if w == nil {
		return nil
	}
	return w.Builds
}
