package pipeline

import (
	"context"
	"fmt"
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
	Reason    string // why not available, naming the fix
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

// Registry returns every runtime rtwasm knows, in report order.
func Registry(env Env) []Runtime {
	return []Runtime{
		native{"glibc", toolchain.Glibc},
		native{"musl", toolchain.Musl},
		runnerRuntime{"wazero:interp", env},
		runnerRuntime{"wazero:compiler", env},
	}
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
