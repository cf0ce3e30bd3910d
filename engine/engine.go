// Package engine holds the WebAssembly engines rtwasm embeds — wazero,
// Wasmtime through wasmtime-go (build tag wasmtime, cgo) and the
// tier-up hybrid runtimes — and the runner program's logic that drives them
// (cmd/rtwasm-run). Everything here is inside the measured path: a sample
// of an embedded engine times this code starting and running a module, so
// the package imports the engines, the harness protocol, the standard
// library and golang.org/x/sys (thread affinity) only. It must not import the pipeline, the runtime adapters, the
// run record, Docker, Parquet or anything of the report.
package engine

import (
	"context"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
)

// Engine runs a WebAssembly module inside the current process. The runner
// program starts afresh per sample for the process cold-start model, or
// keeps running and is sent one request per sample for the embedded model.
type Engine interface {
	// Version names the engine's library and version.
	Version() string
	// Run loads the module file (compiling it as the mode says),
	// instantiates it and runs _start with args; it returns the guest's
	// exit status.
	Run(ctx context.Context, module string, args []string, stdout, stderr io.Writer) (int, error)
}

// PreparingEngine is an engine with a build step: ahead-of-time compilation
// or warming a compilation cache. Prepare writes the file Run will load.
type PreparingEngine interface {
	Engine
	Prepare(ctx context.Context, wasm, out string) error
}

// engines returns the engines compiled into this binary, by runtime id.
func engines() map[string]func(cacheDir string) Engine {
	m := map[string]func(string) Engine{"hybrid:interp+compiler": hybridInterpCompiler}
	for _, mode := range []string{"interp", "compiler", "cache"} {
		m["wazero:"+mode] = func(cacheDir string) Engine { return wazeroEngine{mode, cacheDir} }
	}
	maps.Copy(m, wasmtimeEngines())
	return m
}

// New returns the embedded engine for a runtime id; cacheDir is where
// engines with a compilation cache keep it.
func New(id, cacheDir string) (Engine, error) {
	all := engines()
	f, ok := all[id]
	if !ok {
		ids := slices.Sorted(maps.Keys(all))
		return nil, fmt.Errorf("no embedded engine %q in this runner (it has: %s)", id, strings.Join(ids, ", "))
	}
	return f(cacheDir), nil
}

// moduleVersion reports the version of a dependency built into this binary.
func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == path {
				return m.Version
			}
		}
	}
	return "(unknown version)"
}
