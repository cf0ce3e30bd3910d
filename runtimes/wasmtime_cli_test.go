package runtimes

import (
	"reflect"
	"testing"
)

func TestWasmtimeCLIArgv(t *testing.T) {
	got := wasmtimeCLIArgv("/opt/wasmtime", "winch", "k.wasm", []string{"--iterations", "0"})
	want := []string{"/opt/wasmtime", "run", "-C", "cache=n", "-C", "compiler=winch", "k.wasm", "--iterations", "0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("argv %q, want %q", got, want)
	}
}

func TestParseWasmtimeVersion(t *testing.T) {
	for file, want := range map[string]int{"wasmtime-version.txt": 25, "wasmtime-13-version.txt": 13} {
		version, major, err := parseWasmtimeVersion(readFixture(t, file))
		if err != nil || major != want || version == "" {
			t.Errorf("%s: %q major %d (%v), want major %d", file, version, major, err, want)
		}
	}
	if _, _, err := parseWasmtimeVersion("wasmer 4.4.0\n"); err == nil {
		t.Error("another program's version was taken for wasmtime's")
	}
}

func TestParseWasmtimeCodegenHelp(t *testing.T) {
	got := parseWasmtimeCodegenHelp(readFixture(t, "wasmtime-run-C-help.txt"))
	if want := []string{"cranelift", "winch"}; !reflect.DeepEqual(got, want) {
		t.Errorf("compilers %q, want %q", got, want)
	}
	// cranelift-<KEY> and the other lines name cranelift too; only the
	// compiler= line counts.
	noCompiler := "Available codegen options:\n\n  -C cranelift-<KEY>[=val] -- Set a cranelift-specific option.\n"
	if got := parseWasmtimeCodegenHelp(noCompiler); got != nil {
		t.Errorf("compilers %q from a help without the compiler option", got)
	}
}
