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
	"syscall"

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
	nodeOnce     sync.Once
	nodeMu       sync.Mutex
	nodeBin      string
	nodeDir      string // private: 0700, owned by this user
	nodeSetupErr error
)

// nodeSetup finds node and a private directory for the runner script once
// per process, then on every call checks the script there is rtwasm's own
// (rewriting it if not), so that what node runs is never another user's file.
func nodeSetup() (bin, script string, err error) {
	nodeOnce.Do(func() {
		if nodeBin, nodeSetupErr = exec.LookPath("node"); nodeSetupErr != nil {
			nodeSetupErr = fmt.Errorf("node not found on PATH; install Node.js 20 or later (apt-get install nodejs)")
			return
		}
		nodeDir, nodeSetupErr = nodeScriptDir()
	})
	if nodeSetupErr != nil {
		return "", "", nodeSetupErr
	}
	nodeMu.Lock()
	defer nodeMu.Unlock()
	script, err = writeNodeScript(nodeDir)
	return nodeBin, script, err
}

// nodeScriptDir is <user cache>/rtwasm/node if it is private to this user,
// else (no HOME, or a directory others could write) a fresh private
// directory from os.MkdirTemp: never a predictable shared path.
func nodeScriptDir() (string, error) {
	if base, err := os.UserCacheDir(); err == nil {
		dir := filepath.Join(base, "rtwasm", "node")
		if os.MkdirAll(dir, 0o700) == nil && privateDir(dir) == nil {
			return dir, nil
		}
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-node-%d-", os.Getpid()))
	if err != nil {
		return "", fmt.Errorf("node runner script: %w", err)
	}
	return dir, nil
}

// privateDir accepts a real directory owned by this user that no one else
// may write to.
func privateDir(dir string) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	switch {
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	case !ok || int(st.Uid) != os.Geteuid():
		return fmt.Errorf("%s is not owned by uid %d", dir, os.Geteuid())
	case info.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s is writable by other users (mode %v)", dir, info.Mode().Perm())
	}
	return nil
}

// writeNodeScript returns the runner script's path in dir, named by its
// digest, after checking the file holds exactly the embedded script, is
// ours and is not a link; otherwise it writes it anew (atomically).
func writeNodeScript(dir string) (string, error) {
	sum := sha256.Sum256(nodeScript)
	path := filepath.Join(dir, "node_wasi-"+hex.EncodeToString(sum[:6])+".mjs")
	if nodeScriptIntact(path) {
		return path, nil
	}
	if err := privateDir(dir); err != nil {
		return "", fmt.Errorf("node runner script: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".node_wasi-*")
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

// nodeScriptIntact: a regular file of this user, not writable by others,
// holding the embedded script byte for byte.
func nodeScriptIntact(path string) bool {
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o022 != 0 {
		return false
	}
	if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
		return false
	}
	have, err := os.ReadFile(path)
	return err == nil && bytes.Equal(have, nodeScript)
}
