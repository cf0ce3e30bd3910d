package pipeline

// Wasmtime through wasmtime-go, embedded in the runner (see
// wasmtime_engine.go, built with cgo and the wasmtime tag):
//
//	wasmtime:cranelift  Cranelift, compile cache off: a true cold compile
//	wasmtime:pulley     Pulley, Wasmtime's portable interpreter
//	wasmtime:aot        Cranelift ahead of time: compiled and serialized in the build step
//	wasmtime:cache      Cranelift with its compile cache on, warmed in the build step
//
// A runner built without cgo reports these runtimes unavailable.
func init() {
	preparedExtension["wasmtime:aot"] = ".cwasm"
	preparedExtension["wasmtime:cache"] = ".wasm"
	register(30, func(env Env) []Runtime {
		return runnerRuntimes(env, "wasmtime:cranelift", "wasmtime:pulley", "wasmtime:aot", "wasmtime:cache")
	})
}
