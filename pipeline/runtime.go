package pipeline

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/rtwasm/rtwasm/toolchain"
)

// Runtime runs one built kernel once and says when it launched it. Each
// runtime lives in a file of its own; its id is "engine:mode".
type Runtime interface {
	ID() string
	// Target is the build the runtime executes.
	Target() toolchain.Target
	// ColdStart is the start-up model: ColdProcess or ColdEmbedded.
	ColdStart() string
	// Probe says whether the runtime can run on this host, and its version.
	Probe(ctx context.Context) Probe
	// Run executes the artifact with the harness arguments.
	Run(ctx context.Context, artifact string, args []string) Result
}

// Cold-start models.
const (
	ColdProcess  = "process"  // a fresh OS process per sample
	ColdEmbedded = "embedded" // the engine already loaded in a host process
)

// Probe is a runtime's availability on this host.
type Probe struct {
	Available bool
	Version   string
	Binary    string // the program or build that serves the runtime, if any
	Reason    string // why not available, naming the fix
}

// Preparer is a runtime that turns the built .wasm into a form of its own
// (an ahead-of-time compiled module, say) once, in the build step; Run then
// receives the prepared file instead of the .wasm.
type Preparer interface {
	Prepare(ctx context.Context, wasm toolchain.Artifact, dir string) (string, error)
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
}

// Env locates rtwasm's own helper programs for the runtimes that need them.
type Env struct {
	Runner string // the rtwasm-run executable (embedded engines)
}

// family builds the runtimes of one engine; each runtime file registers its
// own with register, so adding a runtime touches no other file.
type family struct {
	order int // position in reports: native first, containers last
	make  func(Env) []Runtime
}

var families []family

func register(order int, make func(Env) []Runtime) {
	families = append(families, family{order, make})
	sort.SliceStable(families, func(i, j int) bool { return families[i].order < families[j].order })
}

// Registry returns every runtime rtwasm knows, in report order.
func Registry(env Env) []Runtime {
	var list []Runtime
	for _, f := range families {
		list = append(list, f.make(env)...)
	}
	return list
}

// RuntimeIDs returns every registered runtime id, in registry order.
func RuntimeIDs() []string {
	var ids []string
	for _, r := range Registry(Env{}) {
		ids = append(ids, r.ID())
	}
	return ids
}

// SelectRuntimes returns the registered runtimes with the given ids.
func SelectRuntimes(env Env, ids []string) ([]Runtime, error) {
	var list []Runtime
	for _, id := range ids {
		found := false
		for _, r := range Registry(env) {
			if r.ID() == id {
				list, found = append(list, r), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown runtime %q; valid: %s", id, strings.Join(RuntimeIDs(), ", "))
		}
	}
	return list, nil
}

// splitID splits "engine:mode".
func splitID(id string) (engine, mode string) {
	engine, mode, _ = strings.Cut(id, ":")
	return engine, mode
}
