//go:build !wasmtime

package engine

// wasmtimeEngines is empty in a runner built without the wasmtime tag (or
// without cgo): the pipeline then reports the Wasmtime runtimes unavailable.
func wasmtimeEngines() map[string]func(cacheDir string) Engine { return nil }
