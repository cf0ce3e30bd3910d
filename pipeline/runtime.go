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
// receives the prepared file instead of the .wasm. It returns "" when the
// .wasm needs no preparation.
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
	Runner      string // the rtwasm-run executable (embedded engines)
	EngineCache string // where engines keep compilation caches
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

// RuntimeIDs returns every registered runtime id once, in registry order.
func RuntimeIDs() []string {
	var ids []string
	for _, r := range Registry(Env{}) {
		if !contains(ids, r.ID()) {
			ids = append(ids, r.ID())
		}
	}
	return ids
}

// SelectRuntimes returns the registered runtimes with the given ids, in
// every cold-start model listed (an id may have a process and an embedded
// variant).
func SelectRuntimes(env Env, ids, coldStarts []string) ([]Runtime, error) {
	var list []Runtime
	for _, id := range ids {
		found := false
		for _, r := range Registry(env) {
			if r.ID() == id {
				found = true
				if contains(coldStarts, r.ColdStart()) {
					list = append(list, r)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown runtime %q; valid: %s", id, strings.Join(RuntimeIDs(), ", "))
		}
	}
	return list, nil
}

// Series names a runtime in one cold-start model: the id, marked when the
// model is not the paper's fresh process.
func Series(id, coldStart string) string {
	if coldStart == ColdEmbedded {
		return id + " (embedded)"
	}
	return id
}

// splitID splits "engine:mode".
func splitID(id string) (engine, mode string) {
	engine, mode, _ = strings.Cut(id, ":")
	return engine, mode
}
