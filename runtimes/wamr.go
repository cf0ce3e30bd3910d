package runtimes

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
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
type wamr struct {
	mode  string
	built *wamrBuilt // never nil; a pointer keeps wamr comparable (probe caches key on runtimes)
}

// wamrBuilt are the builds rtwasm made itself (toolchain.BuildWAMR).
type wamrBuilt struct {
	iwasm  []toolchain.WAMRBuild
	wamrc  *toolchain.WAMRBuild
	whyNot string // why there are none
}

func newWamrBuilt(env Env) *wamrBuilt {
	b := &wamrBuilt{}
	if env.WAMR == nil {
		return b
	}
	b.whyNot = env.WAMR.WhyNot
	for _, w := range env.WAMR.Builds {
		if w.Mode == "wamrc" {
			b.wamrc = &w
		} else {
			b.iwasm = append(b.iwasm, w)
		}
	}
	return b
}

// hint adds to an "iwasm not found" error how rtwasm could build it.
func (b *wamrBuilt) hint() string {
	if b.whyNot != "" {
		return "; or let go tool mage wamr build WAMR " + toolchain.WAMRVersion + ": " + b.whyNot
	}
	return "; or set " + toolchain.WAMRSrcVar + " to the directory of WAMR " + toolchain.WAMRVersion + "'s source archives (or go online) and run go tool mage wamr"
}

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

// WAMR returns the modes of WAMR's iwasm (and wamrc for AOT); env.WAMR
// serves them when RTWASM_IWASM and RTWASM_WAMRC are unset.
func WAMR(env Env) []Runtime {
	b := newWamrBuilt(env)
	return []Runtime{wamr{"interp", b}, wamr{"fast-jit", b}, wamr{"llvm-jit", b}, wamr{"multi-tier", b}, wamrAOT{wamr{"aot", b}}}
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
	builds, bad, err := w.iwasmBuilds(ctx)
	if err != nil {
		return iwasmBuild{}, err
	}
	b, err := chooseIwasm(builds, w.mode)
	if err != nil && len(bad) > 0 {
		err = fmt.Errorf("%w (unusable RTWASM_IWASM entries: %s)", err, strings.Join(bad, "; "))
	}
	return b, err
}

// iwasmBuilds probes every build RTWASM_IWASM lists (or, when it is unset,
// the builds rtwasm made, else iwasm on PATH). An entry that is not an
// executable iwasm is skipped and named in bad: it disables only itself.
func (w wamr) iwasmBuilds(ctx context.Context) (builds []iwasmBuild, bad []string, err error) {
	hint := wamrBuildHints[w.mode] + "; several builds may be listed, separated by commas"
	value := strings.TrimSpace(os.Getenv("RTWASM_IWASM"))
	if value == "" && len(w.built.iwasm) > 0 {
		return w.built.probe(ctx)
	}
	if value == "" {
		paths, err := toolPaths("RTWASM_IWASM", "iwasm", hint+w.built.hint())
		if err != nil {
			return nil, nil, err
		}
		b, err := probeIwasm(ctx, paths[0])
		if err != nil {
			return nil, nil, err
		}
		return []iwasmBuild{b}, nil, nil
	}
	for _, entry := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ':' }) {
		path, err := exec.LookPath(strings.TrimSpace(entry))
		if err == nil {
			var b iwasmBuild
			if b, err = probeIwasm(ctx, path); err == nil {
				builds = append(builds, b)
				continue
			}
		}
		bad = append(bad, fmt.Sprintf("%q: %v", entry, err))
	}
	if len(builds) == 0 {
		return nil, bad, fmt.Errorf("RTWASM_IWASM=%s has no usable iwasm (%s); set it to %s", value, strings.Join(bad, "; "), hint)
	}
	return builds, bad, nil
}

// probe probes the builds rtwasm made; one that no longer runs is bad.
func (b *wamrBuilt) probe(ctx context.Context) (builds []iwasmBuild, bad []string, err error) {
	for _, w := range b.iwasm {
		ib, err := probeIwasm(ctx, w.Path)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s (built by go tool mage wamr): %v", w.Path, err))
			continue
		}
		ib.built = "built here by go tool mage wamr; LLVM: " + w.LLVM
		builds = append(builds, ib)
	}
	if len(builds) == 0 {
		return nil, bad, fmt.Errorf("no usable iwasm built by go tool mage wamr (%s); remove them and run go tool mage wamr again", strings.Join(bad, "; "))
	}
	return builds, bad, nil
}

// jitTiers are the JIT modes a build may carry besides the one it serves.
var jitTiers = []string{"fast-jit", "llvm-jit", "multi-tier"}

// WamrServing says, per wamr mode, which RTWASM_IWASM build serves it, and
// warns when that build carries JIT tiers other than the mode (its
// start-up may then include them: a build with LLVM JIT starts LLVM
// whatever mode runs), when entries are unusable, and when iwasm's and
// wamrc's versions differ. For doctor.
func WamrServing(ctx context.Context, env Env) []string {
	var lines []string
	var iwasmVersion string
	for _, r := range WAMR(env) {
		mode := strings.TrimPrefix(r.ID(), "wamr:")
		w := wamr{mode, newWamrBuilt(env)}
		builds, bad, err := w.iwasmBuilds(ctx)
		for _, b := range bad {
			lines = append(lines, fmt.Sprintf("WARNING %s: RTWASM_IWASM entry skipped: %s", r.ID(), b))
		}
		if err != nil {
			lines = append(lines, fmt.Sprintf("%s: unavailable: %v", r.ID(), err))
			continue
		}
		b, err := chooseIwasm(builds, mode)
		if err != nil {
			lines = append(lines, fmt.Sprintf("%s: unavailable: %v", r.ID(), err))
			continue
		}
		iwasmVersion = b.version
		lines = append(lines, fmt.Sprintf("%s: served by %s", r.ID(), b))
		if extra := b.otherJITs(mode); len(extra) > 0 {
			lines = append(lines, fmt.Sprintf("WARNING %s: its build also carries %s; add a leaner build to RTWASM_IWASM", r.ID(), strings.Join(extra, ", ")))
		}
	}
	wamrc, wamrcVersion, err := wamr{"aot", newWamrBuilt(env)}.findWamrc(ctx)
	if err != nil {
		lines = append(lines, "wamr:aot: no AOT compiler: "+err.Error())
	} else {
		lines = append(lines, "wamr:aot: modules compiled by "+wamrc+" ("+wamrcVersion+")")
	}
	if err == nil && iwasmVersion != "" {
		if msg := wamrVersionMismatch(iwasmVersion, wamrcVersion); msg != "" {
			lines = append(lines, "WARNING wamr:aot: "+msg)
		}
	}
	return lines
}

// otherJITs lists the JIT tiers b has besides mode.
func (b iwasmBuild) otherJITs(mode string) []string {
	if mode == "multi-tier" { // it runs both JITs
		return nil
	}
	var extra []string
	for _, t := range jitTiers {
		if t != mode && b.has(t) {
			extra = append(extra, t)
		}
	}
	return extra
}

// wamrVersionMismatch compares "iwasm X" with "wamrc Y": AOT files are
// tied to the WAMR version that wrote them.
func wamrVersionMismatch(iwasm, wamrc string) string {
	iv, wv := lastField(iwasm), lastField(wamrc)
	if iv == "" || wv == "" || iv == wv {
		return ""
	}
	return fmt.Sprintf("iwasm is %s but wamrc is %s; AOT modules may not load or may differ: use wamrc from the same WAMR release (RTWASM_WAMRC)", iv, wv)
}

func lastField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// iwasmBuild is one iwasm binary and the running modes its --help lists.
type iwasmBuild struct {
	path    string
	version string
	modes   []string
	built   string // how rtwasm built it; "" for a build it was given
}

func (b iwasmBuild) String() string {
	s := fmt.Sprintf("%s (%s; modes: %s", b.path, b.version, strings.Join(b.modes, ", "))
	if b.built != "" {
		s += "; " + b.built
	}
	return s + ")"
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
	slices.SortStableFunc(fit, func(a, b iwasmBuild) int { return cmp.Compare(len(a.modes), len(b.modes)) })
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
	wamrc, version, err := w.findWamrc(ctx)
	if err != nil {
		return Probe{Reason: err.Error()}
	}
	p.Version += "; modules compiled by " + version
	if msg := wamrVersionMismatch(p.Version[:strings.IndexByte(p.Version+";", ';')], version); msg != "" {
		p.Version += "; WARNING: " + msg
	}
	p.Binary += "; AOT compiler " + wamrc
	return p
}

// Prepare compiles the .wasm with wamrc, once per module and wamrc build.
func (w wamrAOT) Prepare(ctx context.Context, wasm toolchain.Artifact, dir string) (string, error) {
	wamrc, version, err := w.findWamrc(ctx)
	if err != nil {
		return "", err
	}
	key := sha256.Sum256([]byte(strings.Join([]string{wasm.SHA256, wamrc, version, wamrcTarget(),
		strings.Join(wamrcArgv("", ""), " ")}, "\x00")))
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

// wamrcTarget is what wamrc compiles for when given no --target or --cpu:
// the host's architecture and CPU model (its default is the host CPU), so
// a cache moved to another machine is not reused.
func wamrcTarget() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				model = strings.TrimSpace(value)
				break
			}
		}
	}
	return runtime.GOARCH + " " + model
}

// findWamrc locates WAMR's AOT compiler (RTWASM_WAMRC, else the one rtwasm
// built, else wamrc on PATH) and its version.
func (w wamr) findWamrc(ctx context.Context) (path, version string, err error) {
	if os.Getenv("RTWASM_WAMRC") == "" && w.built.wamrc != nil {
		path = w.built.wamrc.Path
	} else if path, err = toolPath("RTWASM_WAMRC", "wamrc", "WAMR's AOT compiler (wamr-compiler/, the same WAMR version as iwasm)"+w.built.hint()); err != nil {
		return "", "", err
	}
	out, err := toolOutput(ctx, path, "--version")
	if err != nil {
		return "", "", err
	}
	return path, firstLine(out), nil
}
