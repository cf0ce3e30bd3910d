package runtimes

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// nodeRuntime runs the kernel on V8 through Node.js's WASI (preview1), with
// rtwasm's own runner script, in a fresh node process per sample:
//
//	node:liftoff   V8's baseline compiler only, functions compiled on first call
//	node:turbofan  V8's optimizing compiler only, every function compiled at load
//	node:tiered    V8's default: Liftoff first, hot functions recompiled by
//	               TurboFan (the closest analogue of WAMR's multi-tier JIT)
//
// Node's WASI (uvwasi) reads CLOCK_REALTIME with gettimeofday: the guest sees
// microseconds although clock_res_get claims 1 ns. Probe measures both and
// states them in the version, which the manifest records; the rows'
// clock_res_ns hold the claimed value.
type nodeRuntime struct{ mode string }

//go:embed node_wasi.mjs
var nodeScript []byte

// nodeModeFlags select V8's WebAssembly tiers (Node 20, V8 11.3).
var nodeModeFlags = map[string][]string{
	"liftoff":  {"--liftoff-only"},
	"turbofan": {"--no-liftoff", "--no-wasm-lazy-compilation"},
	"tiered":   nil,
}

// nodeCommonFlags go on every run: --no-warnings keeps node:wasi's
// "experimental" warning out of the kernel's stderr (the dumps);
// --no-turbo-fast-api-calls avoids a crash at exit seen with Node 20 WASI
// runs (not reproduced with v20.20.2 here; it concerns JS-to-C++ calls, not
// WebAssembly tiering).
var nodeCommonFlags = []string{"--no-warnings", "--no-turbo-fast-api-calls"}

// Node returns V8 through Node.js in its three tier settings.
func Node() []Runtime {
	return []Runtime{nodeRuntime{"liftoff"}, nodeRuntime{"turbofan"}, nodeRuntime{"tiered"}}
}

func (n nodeRuntime) ID() string               { return "node:" + n.mode }
func (n nodeRuntime) Target() toolchain.Target { return toolchain.Wasm }
func (n nodeRuntime) ColdStart() string        { return run.ColdProcess }

func (n nodeRuntime) Probe(ctx context.Context) Probe {
	bin, script, err := nodeSetup()
	if err != nil {
		return Probe{Reason: err.Error()}
	}
	argv := nodeArgv(bin, script, n.mode, "--probe", nil)
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return Probe{Reason: fmt.Sprintf("%s cannot run %s: %v: %s", bin, n.ID(), err, Tail(out, 300))}
	}
	version, err := parseNodeProbe(string(out))
	if err != nil {
		return Probe{Reason: fmt.Sprintf("%s: %v", bin, err)}
	}
	return Probe{Available: true, Version: version, Binary: bin}
}

func (n nodeRuntime) Run(ctx context.Context, artifact string, args []string) Result {
	bin, script, err := nodeSetup()
	if err != nil {
		return Result{ExitStatus: -1, Err: err}
	}
	return RunProcess(ctx, nodeArgv(bin, script, n.mode, artifact, args))
}

// nodeArgv is node's command line for a mode: V8 flags, the runner script,
// the module (or --probe) and the module's arguments.
func nodeArgv(bin, script, mode, module string, args []string) []string {
	argv := append([]string{bin}, nodeCommonFlags...)
	argv = append(argv, nodeModeFlags[mode]...)
	return append(append(argv, script, module), args...)
}

// parseNodeProbe turns the runner's --probe line into the version text.
func parseNodeProbe(out string) (string, error) {
	var nodeV, v8V string
	var res, gran int64
	line := firstLine(out)
	if _, err := fmt.Sscanf(line, "node %s v8 %s clock_res %d clock_granularity %d", &nodeV, &v8V, &res, &gran); err != nil {
		return "", fmt.Errorf("unexpected probe output %q: %v", line, err)
	}
	return fmt.Sprintf("Node.js v%s (V8 %s), node:wasi preview1; guest CLOCK_REALTIME steps of %d ns (clock_res_get reports %d ns)",
		nodeV, v8V, gran, res), nil
}

var (
	nodeOnce                sync.Once
	nodeBin, nodeScriptPath string
	nodeSetupErr            error
)

// nodeSetup finds node and writes the runner script out, once per process.
func nodeSetup() (bin, script string, err error) {
	nodeOnce.Do(func() {
		if nodeBin, nodeSetupErr = exec.LookPath("node"); nodeSetupErr != nil {
			nodeSetupErr = fmt.Errorf("node not found on PATH; install Node.js 20 or later (apt-get install nodejs)")
			return
		}
		nodeScriptPath, nodeSetupErr = writeNodeScript()
	})
	return nodeBin, nodeScriptPath, nodeSetupErr
}

// writeNodeScript stores the embedded script under the user's cache
// directory (the temporary directory if there is none), named by its digest
// so that every version of rtwasm finds its own.
func writeNodeScript() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	sum := sha256.Sum256(nodeScript)
	path := filepath.Join(dir, "rtwasm", "node", "node_wasi-"+hex.EncodeToString(sum[:6])+".mjs")
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, nodeScript) {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("node runner script: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".node_wasi-*")
	if err != nil {
		return "", fmt.Errorf("node runner script: %w", err)
	}
	_, err = tmp.Write(nodeScript)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("node runner script: %w", err)
	}
	return path, nil
}
