//go:build wasmtime

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bytecodealliance/wasmtime-go/v39"
	"github.com/tetratelabs/wazero"
)

// wasmtimeEngine runs modules with wasmtime-go. The Engine is made once per
// runner process and shared by its requests, as in an embedding host.
type wasmtimeEngine struct {
	mode     string
	cacheDir string
	engine   *wasmtime.Engine
}

func init() {
	for _, mode := range []string{"cranelift", "pulley", "aot", "cache"} {
		engineFactories["wasmtime:"+mode] = func(cacheDir string) Engine {
			return &wasmtimeEngine{mode: mode, cacheDir: cacheDir}
		}
	}
	engineFactories["hybrid:pulley+cranelift"] = func(string) Engine {
		return hybridEngine{version: "wasmtime-go " + moduleVersion("github.com/bytecodealliance/wasmtime-go/v39") + " Pulley → Cranelift",
			fast: wasmtimeTierWith("pulley"), opt: wasmtimeTierWith("cranelift")}
	}
	engineFactories["hybrid:interp+cranelift"] = func(string) Engine {
		return hybridEngine{version: "wazero " + moduleVersion("github.com/tetratelabs/wazero") + " interpreter → wasmtime-go " +
			moduleVersion("github.com/bytecodealliance/wasmtime-go/v39") + " Cranelift",
			fast: wazeroTierWith(wazero.NewRuntimeConfigInterpreter), opt: wasmtimeTierWith("cranelift")}
	}
}

func (w *wasmtimeEngine) Version() string {
	return "wasmtime-go " + moduleVersion("github.com/bytecodealliance/wasmtime-go/v39") + " (" + w.mode + ")"
}

func (w *wasmtimeEngine) load() (*wasmtime.Engine, error) {
	if w.engine != nil {
		return w.engine, nil
	}
	cfg := wasmtime.NewConfig()
	cfg.SetStrategy(wasmtime.StrategyCranelift)
	switch w.mode {
	case "pulley":
		if err := cfg.SetTarget("pulley64"); err != nil {
			return nil, fmt.Errorf("select pulley64: %w", err)
		}
	case "cache":
		if err := w.enableCache(cfg); err != nil {
			return nil, err
		}
	}
	w.engine = wasmtime.NewEngineWithConfig(cfg)
	return w.engine, nil
}

// enableCache points Wasmtime's compile cache at the engine cache directory.
func (w *wasmtimeEngine) enableCache(cfg *wasmtime.Config) error {
	dir, err := filepath.Abs(filepath.Join(w.cacheDir, "wasmtime"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	toml := filepath.Join(dir, "cache.toml")
	text := fmt.Sprintf("[cache]\ndirectory = %q\n", dir)
	if err := os.WriteFile(toml, []byte(text), 0o644); err != nil {
		return err
	}
	if err := cfg.CacheConfigLoad(toml); err != nil {
		return fmt.Errorf("enable the Wasmtime cache: %w", err)
	}
	return nil
}

func (w *wasmtimeEngine) module(engine *wasmtime.Engine, path string) (*wasmtime.Module, error) {
	if w.mode == "aot" {
		return wasmtime.NewModuleDeserializeFile(engine, path)
	}
	return wasmtime.NewModuleFromFile(engine, path)
}

func (w *wasmtimeEngine) Run(ctx context.Context, path string, args []string, stdout, stderr io.Writer) (int, error) {
	engine, err := w.load()
	if err != nil {
		return 0, err
	}
	module, err := w.module(engine, path)
	if err != nil {
		return 0, err
	}
	t := &wasmtimeTier{engine, module}
	defer t.close(ctx)
	return t.runJob(ctx, args, stdout, stderr)
}

// wasmtimeTier is a module compiled by one Wasmtime engine.
type wasmtimeTier struct {
	engine *wasmtime.Engine
	module *wasmtime.Module
}

func (t *wasmtimeTier) close(context.Context) { t.module.Close() }

// runJob instantiates the module in a fresh store and runs its _start.
func (t *wasmtimeTier) runJob(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	wasi := wasmtime.NewWasiConfig()
	wasi.SetArgv(append([]string{"kernel"}, args...))
	capture, err := redirect(wasi, stdout, stderr)
	if err != nil {
		return 0, err
	}
	defer capture.cleanup()
	store := wasmtime.NewStore(t.engine)
	defer store.Close()
	store.SetWasi(wasi)
	linker := wasmtime.NewLinker(t.engine)
	defer linker.Close()
	if err := linker.DefineWasi(); err != nil {
		return 0, err
	}
	instance, err := linker.Instantiate(store, t.module)
	if err != nil {
		return 0, err
	}
	_, err = instance.GetFunc(store, "_start").Call(store)
	status, err := exitStatus(err)
	if cerr := capture.copy(stdout, stderr); err == nil {
		err = cerr
	}
	return status, err
}

// wasmtimeTierWith compiles with a fresh engine of the given mode, for the
// hybrid executor.
func wasmtimeTierWith(mode string) tierCompiler {
	return func(ctx context.Context, wasm []byte) (tier, error) {
		w := &wasmtimeEngine{mode: mode}
		engine, err := w.load()
		if err != nil {
			return nil, err
		}
		module, err := wasmtime.NewModule(engine, wasm)
		if err != nil {
			return nil, err
		}
		return &wasmtimeTier{engine, module}, nil
	}
}

// exitStatus separates a WASI proc_exit from a real failure.
func exitStatus(err error) (int, error) {
	var werr *wasmtime.Error
	if errors.As(err, &werr) {
		if status, ok := werr.ExitStatus(); ok {
			return int(status), nil
		}
	}
	return 0, err
}

// Prepare serializes the compiled module (aot) or compiles it once with the
// cache on (cache).
func (w *wasmtimeEngine) Prepare(ctx context.Context, wasm, out string) error {
	engine, err := w.load()
	if err != nil {
		return err
	}
	module, err := wasmtime.NewModuleFromFile(engine, wasm)
	if err != nil {
		return err
	}
	defer module.Close()
	if w.mode != "aot" {
		return copyFile(wasm, out)
	}
	b, err := module.Serialize()
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

// captured holds the guest's output files when the host wants it in memory.
type captured struct {
	dir            string
	stdout, stderr string
}

// redirect inherits the runner's stdout and stderr when those are the
// targets, and otherwise sends the guest's output to temporary files.
func redirect(wasi *wasmtime.WasiConfig, stdout, stderr io.Writer) (*captured, error) {
	if stdout == io.Writer(os.Stdout) && stderr == io.Writer(os.Stderr) {
		wasi.InheritStdout()
		wasi.InheritStderr()
		return &captured{}, nil
	}
	dir, err := os.MkdirTemp("", "rtwasm-wasmtime")
	if err != nil {
		return nil, err
	}
	c := &captured{dir: dir, stdout: filepath.Join(dir, "stdout"), stderr: filepath.Join(dir, "stderr")}
	if err := wasi.SetStdoutFile(c.stdout); err != nil {
		return c, err
	}
	return c, wasi.SetStderrFile(c.stderr)
}

func (c *captured) copy(stdout, stderr io.Writer) error {
	if c.dir == "" {
		return nil
	}
	var errs []string
	for path, w := range map[string]io.Writer{c.stdout: stdout, c.stderr: stderr} {
		if b, err := os.ReadFile(path); err != nil {
			errs = append(errs, err.Error())
		} else {
			w.Write(b)
		}
	}
	if errs != nil {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

func (c *captured) cleanup() {
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
