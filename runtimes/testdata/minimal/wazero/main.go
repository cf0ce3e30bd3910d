// Command wazero is the minimal embedding of wazero that BenchmarkRunnerOverhead
// compares rtwasm-run with: MODE (interp|compiler) MODULE [ARGS…], the
// module's stdout and stderr inherited, nothing else.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

func main() {
	ctx := context.Background()
	cfg := wazero.NewRuntimeConfigCompiler()
	if os.Args[1] == "interp" {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	wasm, err := os.ReadFile(os.Args[2])
	if err != nil {
		panic(err)
	}
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	mc := wazero.NewModuleConfig().WithArgs(append([]string{"kernel"}, os.Args[3:]...)...).
		WithStdout(os.Stdout).WithStderr(os.Stderr).WithSysWalltime().WithSysNanotime()
	_, err = r.InstantiateWithConfig(ctx, wasm, mc)
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		os.Exit(int(exit.ExitCode()))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(70)
	}
}
