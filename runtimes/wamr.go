package runtimes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// wamr runs the WebAssembly Micro Runtime's iwasm CLI in one of its running
// modes. WAMR builds differ in the modes compiled in, and the choice matters
// beyond the flag: a build with both JITs starts LLVM whatever mode runs,
// and in JIT builds --interp is the classic, not the fast, interpreter. So
// RTWASM_IWASM may list several builds, and each mode runs on the build with
// the fewest other modes; the row's Binary names it.
type wamr struct{ mode string }

// wamrAOT runs modules compiled ahead of time by wamrc in the build step.
type wamrAOT struct{ wamr }

// wamrModeFlags are iwasm's running-mode switches; its --help lists only
// those of the modes the build has.
var wamrModeFlags = map[string]string{
	"interp":     "--interp",
	"fast-jit":   "--fast-jit",
	"llvm-jit":   "--llvm-jit",
	"multi-tier": "--multi-tier-jit",
}

// wamrBuildHints name the CMake options that give a build each mode.
var wamrBuildHints = map[string]string{
	"interp":     "a WAMR build (the default build has the fast interpreter)",
	"fast-jit":   "a WAMR build with --fast-jit (-DWAMR_BUILD_FAST_JIT=1)",
	"llvm-jit":   "a WAMR build with --llvm-jit (-DWAMR_BUILD_JIT=1)",
	"multi-tier": "a WAMR build with --multi-tier-jit (-DWAMR_BUILD_FAST_JIT=1 -DWAMR_BUILD_JIT=1 -DWAMR_BUILD_LAZY_JIT=1)",
	"aot":        "a WAMR build (AOT loading is on by default)",
}

// WAMR returns the modes of WAMR\'s iwasm (and wamrc for AOT).
func WAMR() []Runtime {
	return []Runtime{wamr{"interp"}, wamr{"fast-jit"}, wamr{"llvm-jit"}, wamr{"multi-tier"}, wamrAOT{wamr{"aot"}}}
}

func (w wamr) ID() string               { return "wamr:" + w.mode }
func (w wamr) Target() toolchain.Target { return toolchain.Wasm }
func (w wamr) ColdStart() string        { return run.ColdProcess }

func (w wamr) Probe(ctx context.Context) Probe {
	b, err := w.build(ctx)
	if err != nil {
		return Probe{Reason: err.Error()}
	}
	return Probe{Available: true, Version: b.version, Binary: b.String()}
}

func (w wamr) Run(ctx context.Context, artifact string, args []string) Result {
	b, err := w.build(ctx)
	if err != nil {
		return Result{ExitStatus: -1, Err: err}
	}
	return runCLI(ctx, wamrArgv(b.path, w.mode, artifact, args))
}

// wamrArgv is iwasm's command line: the mode's switch (none for an AOT
// module, which iwasm recognises by its header), the module, its arguments.
func wamrArgv(iwasm, mode, module string, args []string) []string {
	argv := []string{iwasm}
	if flag := wamrModeFlags[mode]; flag != "" {
		argv = append(argv, flag)
	}
	return append(append(argv, module), args...)
}

// build returns the iwasm build that serves w's mode.
func (w wamr) build(ctx context.Context) (iwasmBuild, error) {
	hint := wamrBuildHints[w.mode] + "; several builds may be listed, separated by commas"
	paths, err := toolPaths("RTWASM_IWASM", "iwasm", hint)
	if err != nil {
		return iwasmBuild{}, err
	}
	var builds []iwasmBuild
	for _, path := range paths {
		b, err := probeIwasm(ctx, path)
		if err != nil {
			return iwasmBuild{}, err
		}
		builds = append(builds, b)
	}
	return chooseIwasm(builds, w.mode)
}

// iwasmBuild is one iwasm binary and the running modes its --help lists.
type iwasmBuild struct {
	path    string
	version string
	modes   []string
}

func (b iwasmBuild) String() string {
	return fmt.Sprintf("%s (%s; modes: %s)", b.path, b.version, strings.Join(b.modes, ", "))
}

func (b iwasmBuild) has(mode string) bool { return slices.Contains(b.modes, mode) }

func probeIwasm(ctx context.Context, path string) (iwasmBuild, error) {
	help, err := toolOutput(ctx, path, "--help")
	if err != nil {
		return iwasmBuild{}, err
	}
	modes, err := parseIwasmHelp(help)
	if err != nil {
		return iwasmBuild{}, fmt.Errorf("%s: %v", path, err)
	}
	version, err := toolOutput(ctx, path, "--version")
	if err != nil {
		return iwasmBuild{}, err
	}
	return iwasmBuild{path: path, version: firstLine(version), modes: modes}, nil
}

// parseIwasmHelp returns the running modes an iwasm --help lists, in
// wamrModeFlags order.
func parseIwasmHelp(help string) ([]string, error) {
	if !strings.Contains(help, "Usage: iwasm") {
		return nil, fmt.Errorf("not iwasm's help (no \"Usage: iwasm\" line): %.80q", help)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(help, "\n") {
		if fields := strings.Fields(line); len(fields) > 0 {
			listed[fields[0]] = true
		}
	}
	var modes []string
	for _, mode := range []string{"interp", "fast-jit", "llvm-jit", "multi-tier"} {
		if listed[wamrModeFlags[mode]] {
			modes = append(modes, mode)
		}
	}
	return modes, nil
}

// chooseIwasm picks the build for mode: of those that have it, the one with
// the fewest other modes (the first listed on a tie). AOT is not listed in
// --help, so any build qualifies for it.
func chooseIwasm(builds []iwasmBuild, mode string) (iwasmBuild, error) {
	var fit []iwasmBuild
	for _, b := range builds {
		if mode == "aot" || b.has(mode) {
			fit = append(fit, b)
		}
	}
	if len(fit) == 0 {
		var probed []string
		for _, b := range builds {
			probed = append(probed, b.String())
		}
		return iwasmBuild{}, fmt.Errorf("no iwasm build has %s (probed: %s); add %s to RTWASM_IWASM",
			wamrModeFlags[mode], strings.Join(probed, "; "), wamrBuildHints[mode])
	}
	sort.SliceStable(fit, func(i, j int) bool { return len(fit[i].modes) < len(fit[j].modes) })
	return fit[0], nil
}

// Run refuses anything but a wamrc output: iwasm would run a .wasm too, in
// another mode, under this runtime's name.
func (w wamrAOT) Run(ctx context.Context, artifact string, args []string) Result {
	if filepath.Ext(artifact) != ".aot" {
		return Result{ExitStatus: -1, Err: fmt.Errorf("wamr:aot runs modules compiled by wamrc in the build step, not %s", artifact)}
	}
	return w.wamr.Run(ctx, artifact, args)
}

func (w wamrAOT) Probe(ctx context.Context) Probe {
	p := w.wamr.Probe(ctx)
	if !p.Available {
		return p
	}
	wamrc, version, err := findWamrc(ctx)
	if err != nil {
		return Probe{Reason: err.Error()}
	}
	p.Version += "; modules compiled by " + version
	p.Binary += "; AOT compiler " + wamrc
	return p
}

// Prepare compiles the .wasm with wamrc, once per module and wamrc build.
func (w wamrAOT) Prepare(ctx context.Context, wasm toolchain.Artifact, dir string) (string, error) {
	wamrc, version, err := findWamrc(ctx)
	if err != nil {
		return "", err
	}
	key := sha256.Sum256([]byte(wasm.SHA256 + "\x00" + wamrc + "\x00" + version))
	out := filepath.Join(dir, fmt.Sprintf("%s-%s.aot", wasm.Name, hex.EncodeToString(key[:6])))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := out + ".tmp"
	if msg, err := exec.CommandContext(ctx, wamrc, wamrcArgv(tmp, wasm.Path)...).CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("wamrc %s: %v: %s", wasm.Path, err, Tail(msg, 400))
	}
	return out, os.Rename(tmp, out)
}

// wamrcArgv are wamrc's arguments: compile module for the host into out.
func wamrcArgv(out, module string) []string {
	return []string{"-o", out, module}
}

// findWamrc locates WAMR's AOT compiler and its version.
func findWamrc(ctx context.Context) (path, version string, err error) {
	path, err = toolPath("RTWASM_WAMRC", "wamrc", "WAMR's AOT compiler (wamr-compiler/, the same WAMR version as iwasm)")
	if err != nil {
		return "", "", err
	}
	out, err := toolOutput(ctx, path, "--version")
	if err != nil {
		return "", "", err
	}
	return path, firstLine(out), nil
}
