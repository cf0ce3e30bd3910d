package runtimes

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// wasmer runs the Wasmer CLI with one of its compiler backends. Wasmer keeps
// compiled modules in a cache directory; every run gets a fresh, empty one,
// so each sample compiles the module cold (and, like any first run, stores
// it there).
type wasmer struct{ backend string }

// Wasmer returns the Wasmer CLI\'s backends.
func Wasmer() []Runtime {
	return []Runtime{wasmer{"cranelift"}, wasmer{"singlepass"}, wasmer{"llvm"}}
}

func (w wasmer) ID() string               { return "wasmer:" + w.backend }
func (w wasmer) Target() toolchain.Target { return toolchain.Wasm }
func (w wasmer) ColdStart() string        { return run.ColdProcess }

func (w wasmer) Probe(ctx context.Context) Probe {
	path, version, err := w.binary(ctx)
	if err != nil {
		return Probe{Reason: err.Error()}
	}
	return Probe{Available: true, Version: version, Binary: path}
}

func (w wasmer) Run(ctx context.Context, artifact string, args []string) Result {
	path, _, err := w.binary(ctx)
	if err != nil {
		return Result{ExitStatus: -1, Err: err}
	}
	cache, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-wasmer-cache-%d-", os.Getpid()))
	if err != nil {
		return Result{ExitStatus: -1, Err: err}
	}
	defer os.RemoveAll(cache)
	return runCLI(ctx, wasmerArgv(path, w.backend, cache, artifact, args))
}

// wasmerArgv is the Wasmer command line: the backend's switch, the compiled
// module cache, the module, and after "--" its arguments (which start with
// dashes that wasmer would otherwise take for its own options).
func wasmerArgv(bin, backend, cacheDir, module string, args []string) []string {
	return append([]string{bin, "run", "--" + backend, "--cache-dir", cacheDir, module, "--"}, args...)
}

// binary finds wasmer and checks that it has w's backend.
func (w wasmer) binary(ctx context.Context) (path, version string, err error) {
	path, err = toolPath("RTWASM_WASMER", "wasmer", "a Wasmer CLI with the "+w.backend+" backend")
	if err != nil {
		return "", "", err
	}
	out, err := toolOutput(ctx, path, "-vV")
	if err != nil {
		return "", "", err
	}
	version, backends, err := parseWasmerVersion(out)
	if err != nil {
		return "", "", fmt.Errorf("%s -vV: %v", path, err)
	}
	if !slices.Contains(backends, w.backend) {
		return "", "", fmt.Errorf("%s (%s) has no %s backend (it has: %s); set RTWASM_WASMER to a build with it",
			path, version, w.backend, strings.Join(backends, ", "))
	}
	return path, version, nil
}

// parseWasmerVersion reads `wasmer -vV`: the version line and the compiler
// backends listed on its "compiler:" line.
func parseWasmerVersion(out string) (version string, backends []string, err error) {
	version = firstLine(out)
	if !strings.HasPrefix(version, "wasmer ") {
		return "", nil, fmt.Errorf("not wasmer's version output: %.80q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if list, ok := strings.CutPrefix(strings.TrimSpace(line), "compiler:"); ok {
			for _, b := range strings.Split(list, ",") {
				if b = strings.TrimSpace(b); b != "" {
					backends = append(backends, b)
				}
			}
			return version, backends, nil
		}
	}
	return "", nil, fmt.Errorf("no \"compiler:\" line listing the backends in %.120q", out)
}
