// Command wasmtime is the minimal embedding of wasmtime-go that
// BenchmarkRunnerOverhead compares rtwasm-run with: MODE (cranelift|pulley)
// MODULE [ARGS…], the module's stdout and stderr inherited, nothing else.
package main

import (
	"fmt"
	"os"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

func main() {
	cfg := wasmtime.NewConfig()
	cfg.SetStrategy(wasmtime.StrategyCranelift)
	if os.Args[1] == "pulley" {
		if err := cfg.SetTarget("pulley64"); err != nil {
			panic(err)
		}
	}
	engine := wasmtime.NewEngineWithConfig(cfg)
	module, err := wasmtime.NewModuleFromFile(engine, os.Args[2])
	if err != nil {
		panic(err)
	}
	wasi := wasmtime.NewWasiConfig()
	wasi.SetArgv(append([]string{"kernel"}, os.Args[3:]...))
	wasi.InheritStdout()
	wasi.InheritStderr()
	store := wasmtime.NewStore(engine)
	store.SetWasi(wasi)
	linker := wasmtime.NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		panic(err)
	}
	inst, err := linker.Instantiate(store, module)
	if err == nil {
		_, err = inst.GetFunc(store, "_start").Call(store)
	}
	if werr, ok := err.(*wasmtime.Error); ok {
		if status, exited := werr.ExitStatus(); exited {
			os.Exit(int(status))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(70)
	}
}
