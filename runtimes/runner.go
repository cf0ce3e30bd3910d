package runtimes

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rtwasm/rtwasm/engine/wire"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// Runner returns every embedded engine (wazero, Wasmtime through
// wasmtime-go, the tier-up hybrid runtimes) in both cold-start models: a
// fresh runner process per sample, and one request per sample to a
// long-lived runner.
func Runner(env Env) []Runtime {
	var list []Runtime
	for _, id := range wire.IDs {
		list = append(list, runnerRuntime{id, env}, &embeddedRuntime{runnerRuntime: runnerRuntime{id, env}})
	}
	return list
}

// runnerRuntime is a runtime whose engine is embedded in the runner program,
// started as a fresh process for every sample.
type runnerRuntime struct {
	id  string
	env Env
}

func (r runnerRuntime) ID() string               { return r.id }
func (r runnerRuntime) Target() toolchain.Target { return toolchain.Wasm }
func (r runnerRuntime) ColdStart() string        { return run.ColdProcess }

func (r runnerRuntime) Probe(ctx context.Context) Probe {
	if r.binary() == "" {
		return Probe{Reason: "the rtwasm-run runner was not built (see the build step's error; run `go tool mage build`)"}
	}
	out, err := r.command(ctx, "--probe", r.id).CombinedOutput()
	if err != nil {
		return Probe{Reason: fmt.Sprintf("runner cannot run %s: %s", r.id, strings.TrimSpace(string(out)))}
	}
	return Probe{Available: true, Version: strings.TrimSpace(string(out)), Binary: r.binary()}
}

func (r runnerRuntime) Run(ctx context.Context, module string, args []string) Result {
	return runProcess(ctx, append(r.argv(r.id, module), args...), true)
}

// Prepare asks the runner to prepare the module when the engine has a build
// step; otherwise the .wasm itself is the input.
func (r runnerRuntime) Prepare(ctx context.Context, wasm toolchain.Artifact, dir string) (string, error) {
	ext := wire.PreparedExtension(r.id)
	if ext == "" {
		return "", nil
	}
	out := filepath.Join(dir, wasm.Key[:24], wasm.Name+ext)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", err
	}
	if msg, err := r.command(ctx, "--prepare", r.id, wasm.Path, out).CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(string(msg)))
	}
	return out, nil
}

func (r runnerRuntime) argv(args ...string) []string {
	return append([]string{r.binary(), "-cache", r.env.EngineCache}, args...)
}

// binary is the runner that serves the engine: the pure-Go build unless the
// engine needs cgo, so a wazero sample does not load Wasmtime's library.
func (r runnerRuntime) binary() string {
	if r.env.PureRunner != "" && !wire.NeedsCgo(r.id) {
		return r.env.PureRunner
	}
	return r.env.Runner
}

func (r runnerRuntime) command(ctx context.Context, args ...string) *exec.Cmd {
	argv := r.argv(args...)
	return exec.CommandContext(ctx, argv[0], argv[1:]...)
}

// LocksMemory: rtwasm-run calls mlockall at start when RTWASM_MLOCK=1.
func (r runnerRuntime) LocksMemory() bool { return true }
