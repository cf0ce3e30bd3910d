package pipeline

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/toolchain"
)

// Engine runs a WebAssembly module inside the current process. Embedded
// engines are executed by rtwasm's runner program (cmd/rtwasm-run): started
// afresh per sample for the process cold-start model, or kept running and
// sent one request per sample for the embedded model.
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

// engineFactories maps runtime ids to the embedded engines compiled into
// this binary; cacheDir is where engines with a compilation cache keep it.
var engineFactories = map[string]func(cacheDir string) Engine{}

// NewEngine returns the embedded engine for a runtime id.
func NewEngine(id, cacheDir string) (Engine, error) {
	f, ok := engineFactories[id]
	if !ok {
		ids := slices.Sorted(maps.Keys(engineFactories))
		return nil, fmt.Errorf("no embedded engine %q in this runner (it has: %s)", id, strings.Join(ids, ", "))
	}
	return f(cacheDir), nil
}

// runnerRuntime is a runtime whose engine is embedded in the runner program,
// started as a fresh process for every sample.
type runnerRuntime struct {
	id  string
	env Env
}

// runnerRuntimes returns the process and embedded variants of each id.
func runnerRuntimes(env Env, ids ...string) []Runtime {
	var list []Runtime
	for _, id := range ids {
		list = append(list, runnerRuntime{id, env}, &embeddedRuntime{runnerRuntime: runnerRuntime{id, env}})
	}
	return list
}

func (r runnerRuntime) ID() string               { return r.id }
func (r runnerRuntime) Target() toolchain.Target { return toolchain.Wasm }
func (r runnerRuntime) ColdStart() string        { return ColdProcess }

func (r runnerRuntime) Probe(ctx context.Context) Probe {
	if r.env.Runner == "" {
		return Probe{Reason: "the rtwasm-run runner was not built (see the build step's error; run `go tool mage build`)"}
	}
	out, err := r.command(ctx, "--probe", r.id).CombinedOutput()
	if err != nil {
		return Probe{Reason: fmt.Sprintf("runner cannot run %s: %s", r.id, strings.TrimSpace(string(out)))}
	}
	return Probe{Available: true, Version: strings.TrimSpace(string(out)), Binary: r.env.Runner}
}

func (r runnerRuntime) Run(ctx context.Context, module string, args []string) Result {
	return runProcess(ctx, append(r.argv(r.id, module), args...))
}

// Prepare asks the runner to prepare the module when the engine has a build
// step; otherwise the .wasm itself is the input.
func (r runnerRuntime) Prepare(ctx context.Context, wasm toolchain.Artifact, dir string) (string, error) {
	ext, ok := preparedExtension[r.id]
	if !ok {
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

// preparedExtension names the engines with a build step and their file type.
var preparedExtension = map[string]string{}

func (r runnerRuntime) argv(args ...string) []string {
	return append([]string{r.env.Runner, "-cache", r.env.EngineCache}, args...)
}

func (r runnerRuntime) command(ctx context.Context, args ...string) *exec.Cmd {
	argv := r.argv(args...)
	return exec.CommandContext(ctx, argv[0], argv[1:]...)
}

// RunnerMain is the runner program:
//
//	rtwasm-run [-cache DIR] ID MODULE [ARGS…]   run once; exit with the guest's status (70: engine failure)
//	rtwasm-run [-cache DIR] --probe ID          print the engine's version
//	rtwasm-run [-cache DIR] --prepare ID IN OUT build-step preparation
//	rtwasm-run [-cache DIR] --serve ID          answer run requests on stdin (embedded model)
func RunnerMain(args []string) int {
	fs := flag.NewFlagSet("rtwasm-run", flag.ContinueOnError)
	cacheDir := fs.String("cache", "", "engine compilation cache directory")
	probe := fs.Bool("probe", false, "print the engine's version")
	prepare := fs.Bool("prepare", false, "prepare IN into OUT")
	serve := fs.Bool("serve", false, "serve run requests on stdin")
	if fs.Parse(args) != nil || fs.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: rtwasm-run [-cache DIR] [--probe|--prepare|--serve] ENGINE:MODE [MODULE ARGS…]")
		return 2
	}
	rest := fs.Args()
	e, err := NewEngine(rest[0], *cacheDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtwasm-run:", err)
		return 2
	}
	ctx := context.Background()
	switch {
	case *probe:
		fmt.Println(e.Version())
	case *serve:
		err = serveRequests(ctx, e, os.Stdin, os.Stdout)
	case *prepare && len(rest) == 3:
		err = prepareModule(ctx, e, rest[1], rest[2])
	case len(rest) >= 2 && !*prepare:
		var status int
		status, err = e.Run(ctx, rest[1], rest[2:], os.Stdout, os.Stderr)
		if err == nil {
			return status
		}
	default:
		fmt.Fprintln(os.Stderr, "rtwasm-run: missing module arguments")
		return 2
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "rtwasm-run: %s: %v\n", rest[0], err)
		return 70
	}
	return 0
}

func prepareModule(ctx context.Context, e Engine, in, out string) error {
	p, ok := e.(PreparingEngine)
	if !ok {
		return fmt.Errorf("this engine has no build step")
	}
	return p.Prepare(ctx, in, out)
}
