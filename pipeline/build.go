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
	"github.com/rtwasm/rtwasm/toolchain"
)

// RunnerPackage is the Go package of rtwasm's runner program.
const RunnerPackage = "github.com/rtwasm/rtwasm/pipeline/cmd/rtwasm-run"

// Builds holds the kernels built for one dataset: every benchmark × target
// either has an artifact or the reason it has none.
type Builds struct {
	Dataset   kernels.Dataset
	Compilers toolchain.Set
	Artifacts map[string]toolchain.Artifact // by buildKey
	Failures  map[string]error              // by buildKey
	Env       Env
}

func buildKey(bench string, t toolchain.Target) string { return bench + "/" + string(t) }

// Artifact returns the built kernel or why there is none.
func (b *Builds) Artifact(bench string, t toolchain.Target) (toolchain.Artifact, error) {
	k := buildKey(bench, t)
	if a, ok := b.Artifacts[k]; ok {
		return a, nil
	}
	if err, ok := b.Failures[k]; ok {
		return toolchain.Artifact{}, err
	}
	return toolchain.Artifact{}, fmt.Errorf("%s was not built for %s", bench, t)
}

// Build compiles the benchmarks for every target the runtimes need, and the
// runner program. A compiler or kernel that fails is recorded in Failures;
// only an unusable build directory is an error.
func Build(ctx context.Context, o Options, benchmarks []string, targets []toolchain.Target, log io.Writer) (*Builds, error) {
	buildDir, err := filepath.Abs(o.BuildDir)
	if err != nil {
		return nil, err
	}
	b := &Builds{Dataset: o.Dataset, Compilers: toolchain.Set{},
		Artifacts: map[string]toolchain.Artifact{}, Failures: map[string]error{}}
	var jobs []func()
	var mu sync.Mutex
	for _, t := range targets {
		set, err := toolchain.Resolve(ctx, toolchain.Config{CacheDir: o.CacheDir, Log: log}, t)
		if err != nil {
			fmt.Fprintf(log, "build: no compiler for %s: %v\n", t, err)
		}
		for _, name := range benchmarks {
			key, compiler := buildKey(name, t), set[t]
			if compiler == nil {
				b.Failures[key] = fmt.Errorf("no compiler for %s: %w", t, err)
				continue
			}
			b.Compilers[t] = compiler
			jobs = append(jobs, func() {
				a, err := buildKernel(ctx, compiler, name, o.Dataset, filepath.Join(buildDir, "cache"))
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
	b.Env.Runner, err = BuildRunner(ctx, filepath.Join(buildDir, "bin"))
	if err != nil {
		fmt.Fprintf(log, "build: %v\n", err)
	}
	fmt.Fprintf(log, "build: %d artifacts (%d compiled, %d from cache), %d failures\n",
		len(b.Artifacts), b.count(false), b.count(true), len(b.Failures))
	return b, nil
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

func buildKernel(ctx context.Context, c toolchain.Compiler, name string, d kernels.Dataset, cacheDir string) (toolchain.Artifact, error) {
	k, err := kernels.Lookup(name)
	if err != nil {
		return toolchain.Artifact{}, err
	}
	srcs, err := k.SourceFiles()
	if err != nil {
		return toolchain.Artifact{}, err
	}
	return toolchain.Build(ctx, c, toolchain.Job{Name: name, Sources: srcs, Defines: k.Defines(d)}, cacheDir)
}

// BuildRunner compiles the runner program into dir and returns its path.
func BuildRunner(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "rtwasm-run")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, RunnerPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", RunnerPackage, err, msg)
	}
	return out, nil
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
func TargetsOf(runtimes []Runtime) []toolchain.Target {
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
