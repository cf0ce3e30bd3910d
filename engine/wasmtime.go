//go:build wasmtime

package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// wasmtimeEngine runs modules with wasmtime-go. The Engine is made once per
// runner process and shared by its requests, as in an embedding host.
type wasmtimeEngine struct {
	mode     string
	cacheDir string
	serial   bool // compile on one thread (the hybrid's background compile)
	// interruptible: epoch interruption on, so a hybrid can abandon a job
	interruptible bool
	engine        *wasmtime.Engine
}

// wasmtimeEngines are the engines this runner has when built with cgo and
// the wasmtime tag.
func wasmtimeEngines() map[string]func(cacheDir string) Engine {
	m := map[string]func(string) Engine{
		"hybrid:pulley+cranelift": func(string) Engine {
			return hybridEngine{version: "wasmtime-go " + moduleVersion("github.com/bytecodealliance/wasmtime-go/v39") + " Pulley → Cranelift",
				fast: wasmtimeTierWith("pulley", false), opt: wasmtimeTierWith("cranelift", true), compileNSPerByte: craneliftNSPerByte}
		},
		"hybrid:interp+cranelift": func(string) Engine {
			return hybridEngine{version: "wazero " + moduleVersion("github.com/tetratelabs/wazero") + " interpreter → wasmtime-go " +
				moduleVersion("github.com/bytecodealliance/wasmtime-go/v39") + " Cranelift",
				fast: wazeroTierWith(abandonableInterpreter), opt: wasmtimeTierWith("cranelift", true), compileNSPerByte: craneliftNSPerByte}
		},
	}
	for _, mode := range []string{"cranelift", "pulley", "aot", "cache"} {
		m["wasmtime:"+mode] = func(cacheDir string) Engine { return &wasmtimeEngine{mode: mode, cacheDir: cacheDir} }
	}
	return m
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
	cfg.SetParallelCompilation(!w.serial)
	cfg.SetEpochInterruption(w.interruptible)
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
	t := &wasmtimeTier{engine: engine, module: module}
	defer t.close(ctx)
	return runStart(ctx, t, args, stdout, stderr)
}

// wasmtimeTier is a module compiled by one Wasmtime engine.
type wasmtimeTier struct {
	engine        *wasmtime.Engine
	module        *wasmtime.Module
	interruptible bool // calls end at the next epoch check once their context is done
}

func (t *wasmtimeTier) close(context.Context) { t.module.Close() }

// start instantiates the module in a fresh store and runs its _start.
func (t *wasmtimeTier) start(ctx context.Context, args []string, stdout, stderr io.Writer) (instance, error) {
	wasi := wasmtime.NewWasiConfig()
	wasi.SetArgv(append([]string{"kernel"}, args...))
	capture, err := redirect(wasi, stdout, stderr)
	if err != nil {
		return nil, err
	}
	w := &wasmtimeInstance{store: wasmtime.NewStore(t.engine), linker: wasmtime.NewLinker(t.engine), capture: capture, stderr: stderr}
	if t.interruptible {
		w.engine = t.engine
		w.store.SetEpochDeadline(1)
	}
	w.store.SetWasi(wasi)
	if err := w.linker.DefineWasi(); err != nil {
		w.close(ctx)
		return nil, err
	}
	if w.inst, err = w.linker.Instantiate(w.store, t.module); err == nil {
		_, err = w.inst.GetFunc(w.store, "_start").Call(w.store)
	}
	if cerr := capture.copyOut(stdout); err == nil {
		err = cerr
	}
	if status, exited := exitStatusOf(err); exited {
		w.close(ctx)
		return nil, exitStatus(status)
	}
	if err != nil {
		w.close(ctx)
		return nil, err
	}
	return w, nil
}

// wasmtimeInstance is an instance whose _start has returned.
type wasmtimeInstance struct {
	store   *wasmtime.Store
	linker  *wasmtime.Linker
	inst    *wasmtime.Instance
	capture *captured
	stderr  io.Writer
	engine  *wasmtime.Engine // set when calls are interruptible
}

func (w *wasmtimeInstance) call(ctx context.Context, name string) error {
	f := w.inst.GetFunc(w.store, name)
	if f == nil {
		return fmt.Errorf("the module exports no %s (rebuild it with the current harness)", name)
	}
	if w.engine != nil {
		stop := context.AfterFunc(ctx, w.engine.IncrementEpoch)
		defer stop()
	}
	_, err := f.Call(w.store)
	return err
}

func (w *wasmtimeInstance) close(context.Context) {
	w.capture.copyErr(w.stderr)
	w.capture.cleanup()
	w.linker.Close()
	w.store.Close()
}

// wasmtimeTierWith compiles with a fresh engine of the given mode, for the
// hybrid runtimes; a serial compile uses one thread, leaving the other
// cores to the jobs that run meanwhile. The parallel one is the fast tier,
// whose jobs the policy may abandon (epoch interruption).
func wasmtimeTierWith(mode string, serial bool) tierCompiler {
	return func(ctx context.Context, wasm []byte) (tier, error) {
		w := &wasmtimeEngine{mode: mode, serial: serial, interruptible: !serial}
		engine, err := w.load()
		if err != nil {
			return nil, err
		}
		module, err := wasmtime.NewModule(engine, wasm)
		if err != nil {
			return nil, err
		}
		return &wasmtimeTier{engine: engine, module: module, interruptible: !serial}, nil
	}
}

// exitStatusOf separates a WASI proc_exit from a real failure.
func exitStatusOf(err error) (int, bool) {
	var werr *wasmtime.Error
	if errors.As(err, &werr) {
		if status, ok := werr.ExitStatus(); ok {
			return int(status), true
		}
	}
	return 0, false
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
	dir, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-wasmtime-%d-", os.Getpid()))
	if err != nil {
		return nil, err
	}
	c := &captured{dir: dir, stdout: filepath.Join(dir, "stdout"), stderr: filepath.Join(dir, "stderr")}
	if err := wasi.SetStdoutFile(c.stdout); err != nil {
		return c, err
	}
	return c, wasi.SetStderrFile(c.stderr)
}

// copyOut and copyErr hand the guest's captured output to the host.
func (c *captured) copyOut(w io.Writer) error { return c.copyFile(c.stdout, w) }
func (c *captured) copyErr(w io.Writer) error { return c.copyFile(c.stderr, w) }

func (c *captured) copyFile(path string, w io.Writer) error {
	if c.dir == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		_, err = w.Write(b)
	}
	return err
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
