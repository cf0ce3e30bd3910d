package pipeline

import (
	"context"
	"errors"
	"io"
	"runtime/debug"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// wazeroEngine is the pure-Go wazero runtime: "interp" is its interpreter,
// "compiler" its single-pass ahead-of-time compiler (compiled at load).
type wazeroEngine struct{ mode string }

func init() {
	engines["wazero:interp"] = wazeroEngine{"interp"}
	engines["wazero:compiler"] = wazeroEngine{"compiler"}
	register(20, func(env Env) []Runtime {
		return []Runtime{runnerRuntime{"wazero:interp", env}, runnerRuntime{"wazero:compiler", env}}
	})
}

func (w wazeroEngine) Version() string {
	return "wazero " + moduleVersion("github.com/tetratelabs/wazero")
}

func (w wazeroEngine) Run(ctx context.Context, wasm []byte, args []string, stdout, stderr io.Writer) (int, error) {
	cfg := wazero.NewRuntimeConfigInterpreter()
	if w.mode == "compiler" {
		cfg = wazero.NewRuntimeConfigCompiler()
	}
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	mc := wazero.NewModuleConfig().
		WithArgs(append([]string{"kernel"}, args...)...).
		WithStdout(stdout).WithStderr(stderr).
		WithSysWalltime().WithSysNanotime() // real clocks: the default is fake
	_, err := r.InstantiateWithConfig(ctx, wasm, mc)
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return int(exit.ExitCode()), nil
	}
	return 0, err
}

// moduleVersion reports the version of a dependency built into this binary.
func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == path {
				return m.Version
			}
		}
	}
	return "(unknown version)"
}
