package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/rtwasm/rtwasm/toolchain"
)

// Engine runs a WebAssembly module inside the current process. Embedded
// engines are executed by rtwasm's runner program (cmd/rtwasm-run), so that a
// cold sample still starts a fresh OS process, as in the paper.
type Engine interface {
	// Version names the engine's library and version.
	Version() string
	// Run compiles and instantiates the module and runs its _start with
	// args; it returns the guest's exit status.
	Run(ctx context.Context, wasm []byte, args []string, stdout, stderr io.Writer) (int, error)
}

// engines maps runtime ids to the embedded engines compiled into this binary.
var engines = map[string]Engine{}

// LookupEngine returns the embedded engine for a runtime id.
func LookupEngine(id string) (Engine, error) {
	e, ok := engines[id]
	if !ok {
		var ids []string
		for k := range engines {
			ids = append(ids, k)
		}
		sort.Strings(ids)
		return nil, fmt.Errorf("no embedded engine %q; this runner has: %s", id, strings.Join(ids, ", "))
	}
	return e, nil
}

// runnerRuntime is a runtime whose engine is embedded in the runner program.
type runnerRuntime struct {
	id  string
	env Env
}

func (r runnerRuntime) ID() string               { return r.id }
func (r runnerRuntime) Target() toolchain.Target { return toolchain.Wasm }
func (r runnerRuntime) ColdStart() string        { return ColdProcess }

func (r runnerRuntime) Probe(ctx context.Context) Probe {
	if r.env.Runner == "" {
		return Probe{Reason: "the rtwasm-run runner was not built (run `go tool mage build`)"}
	}
	out, err := exec.CommandContext(ctx, r.env.Runner, "--probe", r.id).CombinedOutput()
	if err != nil {
		return Probe{Reason: fmt.Sprintf("runner %s cannot run %s: %s", r.env.Runner, r.id, strings.TrimSpace(string(out)))}
	}
	return Probe{Available: true, Version: strings.TrimSpace(string(out))}
}

func (r runnerRuntime) Run(ctx context.Context, artifact string, args []string) Result {
	return runProcess(ctx, append([]string{r.env.Runner, r.id, artifact}, args...))
}

// RunnerMain is the runner program: "rtwasm-run --probe ID" prints the
// engine's version; "rtwasm-run ID MODULE.wasm [ARGS…]" runs the module and
// exits with its status (70 when the engine itself fails).
func RunnerMain(args []string) int {
	ctx := context.Background()
	if len(args) == 2 && args[0] == "--probe" {
		e, err := LookupEngine(args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "rtwasm-run:", err)
			return 2
		}
		fmt.Println(e.Version())
		return 0
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rtwasm-run ENGINE:MODE MODULE.wasm [ARGS...] | rtwasm-run --probe ENGINE:MODE")
		return 2
	}
	e, err := LookupEngine(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtwasm-run:", err)
		return 2
	}
	wasm, err := os.ReadFile(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtwasm-run:", err)
		return 70
	}
	status, err := e.Run(ctx, wasm, args[2:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "rtwasm-run: %s: %v\n", args[0], err)
		return 70
	}
	return status
}
