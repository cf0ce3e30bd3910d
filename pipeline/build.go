package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// RunnerPackage is the Go package of rtwasm's runner program.
const RunnerPackage = "github.com/rtwasm/rtwasm/cmd/rtwasm-run"

// Builds holds the kernels built for one dataset: every benchmark × target
// (and every benchmark × preparing runtime) has a file or the reason it has none.
type Builds struct {
	Dataset   kernels.Dataset
	Compilers toolchain.Set
	Artifacts map[string]toolchain.Artifact // by buildKey(benchmark, target)
	Prepared  map[string]string             // by buildKey(benchmark, runtime id)
	Failures  map[string]error              // by either key
	Env       runtimes.Env
	Runtimes  []runtimes.Runtime // the selected runtimes, bound to Env

	probes *probeCache // each runtime probed and set up once
}

// probeCache holds the probes of one invocation, by runtime instance (a
// test's fresh instance of the same id is probed anew).
type probeCache struct {
	mu sync.Mutex
	m  map[runtimes.Runtime]runtimes.Probe
}

// Probe returns what r's probe said, after its set-up: once per runtime per
// invocation, however many steps ask.
func (b *Builds) Probe(ctx context.Context, r runtimes.Runtime) runtimes.Probe {
	b.probes.mu.Lock()
	defer b.probes.mu.Unlock()
	if p, ok := b.probes.m[r]; ok {
		return p
	}
	p := setUp(ctx, r, r.Probe(ctx))
	b.probes.m[r] = p
	return p
}

func setUp(ctx context.Context, r runtimes.Runtime, p runtimes.Probe) runtimes.Probe {
	if s, ok := r.(runtimes.SetUpper); ok && p.Available {
		return s.SetUp(ctx, p)
	}
	return p
}

func buildKey[T ~string](bench string, t T) string { return bench + "/" + string(t) }

// Artifact returns the built kernel or why there is none.
func (b *Builds) Artifact(bench string, t toolchain.Target) (toolchain.Artifact, error) {
	k := buildKey(bench, t)
	if a, ok := b.Artifacts[k]; ok {
		return a, nil
	}
	return toolchain.Artifact{}, b.failure(k)
}

// Input returns the file runtime r executes for bench: what it prepared,
// if it prepares anything, else the artifact of its target.
func (b *Builds) Input(r runtimes.Runtime, bench string) (string, error) {
	k := buildKey(bench, r.ID())
	if path, ok := b.Prepared[k]; ok {
		return path, nil
	}
	if err, ok := b.Failures[k]; ok {
		return "", err
	}
	a, err := b.Artifact(bench, r.Target())
	return a.Path, err
}

func (b *Builds) failure(key string) error {
	if err, ok := b.Failures[key]; ok {
		return err
	}
	return fmt.Errorf("%s was not built", key)
}

// Build compiles the runner program, then o.Benchmarks for every target the
// runtimes in o.Runtimes need, probes each runtime, lets preparing runtimes
// prepare the kernels, and sets up the runtimes that need it. A
// compiler, kernel or preparation that fails is recorded in Failures; only
// an unusable build directory or option is an error.
func Build(ctx context.Context, o run.Options, log io.Writer) (*Builds, error) {
	buildDir, err := filepath.Abs(o.BuildDir)
	if err != nil {
		return nil, err
	}
	b := &Builds{Dataset: o.Dataset, Compilers: toolchain.Set{}, Artifacts: map[string]toolchain.Artifact{},
		Prepared: map[string]string{}, Failures: map[string]error{}, probes: &probeCache{m: map[runtimes.Runtime]runtimes.Probe{}}}
	b.Env.EngineCache = filepath.Join(buildDir, "engine-cache")
	b.Env.WAMR = cachedWAMR(ctx, o)
	if b.Env.Runner, b.Env.PureRunner, err = BuildRunners(ctx, filepath.Join(buildDir, "bin"), log); err != nil {
		fmt.Fprintf(log, "build: %v\n", err)
	}
	if b.Runtimes, err = SelectRuntimes(b.Env, o.Runtimes, o.ColdStarts); err != nil {
		return nil, err
	}
	b.compile(ctx, o, filepath.Join(buildDir, "cache"), log)
	looked := map[runtimes.Runtime]runtimes.Probe{}
	for _, r := range b.Runtimes {
		looked[r] = r.Probe(ctx)
	}
	b.prepare(ctx, looked, o.Benchmarks, filepath.Join(buildDir, "prepared"), log)
	for _, r := range b.Runtimes {
		b.probes.m[r] = setUp(ctx, r, looked[r])
	}
	fmt.Fprintf(log, "build: %d artifacts (%d compiled, %d from cache), %d prepared, %d failures\n",
		len(b.Artifacts), b.count(false), b.count(true), len(b.Prepared), len(b.Failures))
	return b, nil
}

func (b *Builds) compile(ctx context.Context, o run.Options, cacheDir string, log io.Writer) {
	var jobs []func()
	var mu sync.Mutex
	for _, t := range TargetsOf(b.Runtimes) {
		set, err := toolchain.Resolve(ctx, toolchain.Config{CacheDir: o.CacheDir, Log: log}, t)
		if err != nil {
			fmt.Fprintf(log, "build: no compiler for %s: %v\n", t, err)
			for _, name := range o.Benchmarks {
				b.Failures[buildKey(name, t)] = fmt.Errorf("no compiler for %s: %w", t, err)
			}
			continue
		}
		compiler := set[t]
		b.Compilers[t] = compiler
		for _, name := range o.Benchmarks {
			key := buildKey(name, t)
			jobs = append(jobs, func() {
				a, err := buildKernel(ctx, compiler, name, o.Dataset, cacheDir, log)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					b.Failures[key] = err
					fmt.Fprintf(log, "build: %v\n", err)
					return
				}
				b.Artifacts[key] = a
			})
		}
	}
	runParallel(jobs)
}

// prepare runs every preparing runtime over every benchmark's .wasm.
func (b *Builds) prepare(ctx context.Context, probes map[runtimes.Runtime]runtimes.Probe, benchmarks []string, dir string, log io.Writer) {
	for _, r := range b.Runtimes {
		p, ok := r.(runtimes.Preparer)
		if !ok || !probes[r].Available {
			continue
		}
		for _, name := range benchmarks {
			key := buildKey(name, r.ID())
			wasm, err := b.Artifact(name, r.Target()) // the .wasm, or the musl binary of a container runtime
			path := ""
			if err == nil {
				path, err = p.Prepare(ctx, wasm, filepath.Join(dir, r.ID()))
			}
			if path != "" {
				b.Prepared[key] = path
			}
			if err != nil {
				b.Failures[key] = fmt.Errorf("prepare %s for %s: %w", name, r.ID(), err)
				fmt.Fprintf(log, "build: %v\n", b.Failures[key])
			}
		}
	}
}

func (b *Builds) count(cached bool) int {
	n := 0
	for _, a := range b.Artifacts {
		if a.Cached == cached {
			n++
		}
	}
	return n
}

func buildKernel(ctx context.Context, c toolchain.Compiler, name string, d kernels.Dataset, cacheDir string, log io.Writer) (toolchain.Artifact, error) {
	k, err := kernels.Lookup(name)
	if err != nil {
		return toolchain.Artifact{}, err
	}
	srcs, err := k.SourceFiles()
	if err != nil {
		return toolchain.Artifact{}, err
	}
	return toolchain.Build(ctx, c, toolchain.Job{Name: name, Sources: srcs, Defines: k.Defines(d), Log: log}, cacheDir)
}

// BuildRunners compiles the runner program twice into dir: in pure Go for
// the engines that need no cgo (wazero), so that their samples do not pay
// for loading Wasmtime's library, and with cgo and the wasmtime tag for the
// others. When the cgo build fails it says why and returns no cgo runner:
// the Wasmtime runtimes are then unavailable with the reason.
func BuildRunners(ctx context.Context, dir string, log io.Writer) (cgo, pure string, err error) {
	pure = filepath.Join(dir, "rtwasm-run-purego")
	if msg, err := goBuild(ctx, pure, "CGO_ENABLED=0"); err != nil {
		return "", "", fmt.Errorf("go build %s: %v\n%s", RunnerPackage, err, msg)
	}
	cgo = filepath.Join(dir, "rtwasm-run")
	if msg, err := goBuild(ctx, cgo, "CGO_ENABLED=1", "-tags", "wasmtime"); err != nil {
		fmt.Fprintf(log, "build: runner without Wasmtime (its cgo build failed: %v\n%s)\n", err, msg)
		return pure, pure, nil
	}
	return cgo, pure, nil
}

func goBuild(ctx context.Context, out, cgo string, flags ...string) ([]byte, error) {
	args := append(append([]string{"build", "-o", out}, flags...), RunnerPackage)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), cgo)
	return cmd.CombinedOutput()
}

// runParallel runs the jobs on as many workers as there are CPUs.
func runParallel(jobs []func()) {
	work := make(chan func())
	var wg sync.WaitGroup
	for i := 0; i < runtime.NumCPU(); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range work {
				job()
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
}

// TargetsOf lists the build targets the runtimes execute, without repeats.
func TargetsOf(runtimes []runtimes.Runtime) []toolchain.Target {
	var list []toolchain.Target
	for _, t := range toolchain.Targets {
		for _, r := range runtimes {
			if r.Target() == t {
				list = append(list, t)
				break
			}
		}
	}
	return list
}
