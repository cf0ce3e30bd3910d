package runtimes

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// wasmtimeCLI runs the Wasmtime command-line program with one of its
// compilers. The CLI caches compiled code by default; -C cache=n makes every
// sample a cold compile.
type wasmtimeCLI struct{ compiler string }

// WasmtimeCLI returns the Wasmtime CLI\'s compilers.
func WasmtimeCLI() []Runtime {
	return []Runtime{wasmtimeCLI{"cranelift"}, wasmtimeCLI{"winch"}}
}

func (w wasmtimeCLI) ID() string               { return "wasmtime-cli:" + w.compiler }
func (w wasmtimeCLI) Target() toolchain.Target { return toolchain.Wasm }
func (w wasmtimeCLI) ColdStart() string        { return run.ColdProcess }

func (w wasmtimeCLI) Probe(ctx context.Context) Probe {
	path, version, err := w.binary(ctx)
	if err != nil {
		return Probe{Reason: err.Error()}
	}
	return Probe{Available: true, Version: version, Binary: path}
}

func (w wasmtimeCLI) Run(ctx context.Context, artifact string, args []string) Result {
	path, _, err := w.binary(ctx)
	if err != nil {
		return Result{ExitStatus: -1, Err: err}
	}
	return runCLI(ctx, wasmtimeCLIArgv(path, w.compiler, artifact, args))
}

// wasmtimeCLIArgv is the Wasmtime command line; everything after the module
// is the module's arguments.
func wasmtimeCLIArgv(wasmtime, compiler, module string, args []string) []string {
	return append([]string{wasmtime, "run", "-C", "cache=n", "-C", "compiler=" + compiler, module}, args...)
}

// binary finds wasmtime and checks it can compile with w's compiler: its
// version must know the -C options, `run -C help` must list the compiler,
// and compiling an empty module with it must succeed (builds may leave a
// compiler out even though the option parser accepts its name).
func (w wasmtimeCLI) binary(ctx context.Context) (path, version string, err error) {
	path, err = toolPath("RTWASM_WASMTIME", "wasmtime", "a Wasmtime CLI (version 14 or later)")
	if err != nil {
		return "", "", err
	}
	out, err := toolOutput(ctx, path, "--version")
	if err != nil {
		return "", "", err
	}
	version, major, err := parseWasmtimeVersion(out)
	if err != nil {
		return "", "", fmt.Errorf("%s --version: %v", path, err)
	}
	if major < 14 {
		return "", "", fmt.Errorf("%s is %s, older than the -C option syntax (Wasmtime 14); set RTWASM_WASMTIME to a newer one", path, version)
	}
	help, err := toolOutput(ctx, path, "run", "-C", "help")
	if err != nil {
		return "", "", err
	}
	if compilers := parseWasmtimeCodegenHelp(help); !slices.Contains(compilers, w.compiler) {
		return "", "", fmt.Errorf("%s (%s): `run -C help` offers compilers %v, not %s", path, version, compilers, w.compiler)
	}
	if err := wasmtimeCompiles(ctx, path, w.compiler); err != nil {
		return "", "", fmt.Errorf("%s (%s) cannot compile with %s: %v", path, version, w.compiler, err)
	}
	return path, version, nil
}

var wasmtimeVersionLine = regexp.MustCompile(`^wasmtime(?:-cli)? (\d+)\.\d+\.\d+`)

// parseWasmtimeVersion reads `wasmtime --version` ("wasmtime 25.0.1 (hash
// date)"; "wasmtime-cli 13.0.0" before 14).
func parseWasmtimeVersion(out string) (version string, major int, err error) {
	version = firstLine(out)
	m := wasmtimeVersionLine.FindStringSubmatch(version)
	if m == nil {
		return "", 0, fmt.Errorf("not wasmtime's version line: %.80q", version)
	}
	major, _ = strconv.Atoi(m[1])
	return version, major, nil
}

// parseWasmtimeCodegenHelp returns the compilers named on the "compiler="
// line of `wasmtime run -C help` ("-C compiler=winch|cranelift -- Either
// `cranelift` or `winch`."), or none when there is no such option.
func parseWasmtimeCodegenHelp(help string) []string {
	var compilers []string
	for _, line := range strings.Split(help, "\n") {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "-C" && strings.HasPrefix(fields[1], "compiler=") {
			for _, c := range []string{"cranelift", "winch"} {
				if strings.Contains(line, c) {
					compilers = append(compilers, c)
				}
			}
		}
	}
	return compilers
}

var wasmtimeCompileChecks sync.Map // toolKey → error

// wasmtimeCompiles compiles an empty module with the compiler, once per
// binary and compiler.
func wasmtimeCompiles(ctx context.Context, path, compiler string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	key := toolKey{path, info.ModTime(), info.Size(), compiler}
	if e, ok := wasmtimeCompileChecks.Load(key); ok {
		err, _ := e.(error)
		return err
	}
	err = compileEmptyModule(ctx, path, compiler)
	wasmtimeCompileChecks.Store(key, err)
	return err
}

func compileEmptyModule(ctx context.Context, path, compiler string) error {
	dir, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-wasmtime-probe-%d-", os.Getpid()))
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	empty := filepath.Join(dir, "empty.wasm")
	if err := os.WriteFile(empty, []byte("\x00asm\x01\x00\x00\x00"), 0o644); err != nil {
		return err
	}
	argv := []string{"compile", "-C", "cache=n", "-C", "compiler=" + compiler, "-o", filepath.Join(dir, "empty.cwasm"), empty}
	if out, err := exec.CommandContext(ctx, path, argv...).CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, Tail(out, 300))
	}
	return nil
}
