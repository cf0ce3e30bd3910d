package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// wazeroEngine is the pure-Go wazero runtime: "interp" is its interpreter,
// "compiler" its single-pass compiler (compiling the whole module at load),
// "cache" the compiler with a compilation cache on disk, warmed in the build
// step.
type wazeroEngine struct {
	mode     string
	cacheDir string
}

func (w wazeroEngine) Version() string {
	return "wazero " + moduleVersion("github.com/tetratelabs/wazero")
}

func (w wazeroEngine) runtime(ctx context.Context) (wazero.Runtime, error) {
	switch w.mode {
	case "interp":
		return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter()), nil
	case "cache":
		cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(w.cacheDir, "wazero"))
		if err != nil {
			return nil, err
		}
		return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCompilationCache(cache)), nil
	}
	return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler()), nil
}

func (w wazeroEngine) Run(ctx context.Context, module string, args []string, stdout, stderr io.Writer) (int, error) {
	wasm, err := os.ReadFile(module)
	if err != nil {
		return 0, err
	}
	r, err := w.runtime(ctx)
	if err != nil {
		return 0, err
	}
	t, err := newWazeroTier(ctx, r, wasm)
	if err != nil {
		return 0, err
	}
	defer t.close(ctx)
	return runStart(ctx, t, args, stdout, stderr)
}

// wazeroTier is a module compiled by one wazero runtime, ready to instantiate.
type wazeroTier struct {
	r        wazero.Runtime
	compiled wazero.CompiledModule
}

// newWazeroTier compiles wasm with r (taking ownership of r).
func newWazeroTier(ctx context.Context, r wazero.Runtime, wasm []byte) (*wazeroTier, error) {
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		r.Close(ctx)
		return nil, err
	}
	return &wazeroTier{r, compiled}, nil
}

// start instantiates the module afresh and runs its _start with args.
func (t *wazeroTier) start(ctx context.Context, args []string, stdout, stderr io.Writer) (instance, error) {
	mc := wazero.NewModuleConfig().WithName("").
		WithArgs(append([]string{"kernel"}, args...)...).
		WithStdout(stdout).WithStderr(stderr).
		WithSysWalltime().WithSysNanotime() // real clocks: the default is fake
	mod, err := t.r.InstantiateModule(ctx, t.compiled, mc)
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return nil, exitStatus(exit.ExitCode())
	}
	if err != nil {
		return nil, err
	}
	return wazeroInstance{mod}, nil
}

// wazeroInstance is a module whose _start has returned.
type wazeroInstance struct{ mod api.Module }

func (w wazeroInstance) call(ctx context.Context, name string) error {
	f := w.mod.ExportedFunction(name)
	if f == nil {
		return fmt.Errorf("the module exports no %s (rebuild it with the current harness)", name)
	}
	_, err := f.Call(ctx)
	return err
}

func (w wazeroInstance) close(ctx context.Context) { w.mod.Close(ctx) }

func (t *wazeroTier) close(ctx context.Context) { t.r.Close(ctx) }

// Prepare warms the compilation cache with the module and copies it to out.
func (w wazeroEngine) Prepare(ctx context.Context, wasm, out string) error {
	b, err := os.ReadFile(wasm)
	if err != nil {
		return err
	}
	r, err := w.runtime(ctx)
	if err != nil {
		return err
	}
	defer r.Close(ctx)
	if _, err := r.CompileModule(ctx, b); err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
