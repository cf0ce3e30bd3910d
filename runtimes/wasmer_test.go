package runtimes

import (
	"reflect"
	"testing"
)

func TestWasmerArgv(t *testing.T) {
	got := wasmerArgv("/opt/wasmer", "singlepass", "/tmp/c", "k.wasm", []string{"--iterations", "0"})
	want := []string{"/opt/wasmer", "run", "--singlepass", "--cache-dir", "/tmp/c", "k.wasm", "--", "--iterations", "0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("argv %q, want %q", got, want)
	}
}

func TestParseWasmerVersion(t *testing.T) {
	for file, want := range map[string][]string{
		"wasmer-vV-all.txt":       {"singlepass", "cranelift", "llvm"},
		"wasmer-vV-cranelift.txt": {"cranelift"},
	} {
		version, backends, err := parseWasmerVersion(readFixture(t, file))
		if err != nil || version != "wasmer 4.4.0 (0000000 2024-10-04)" || !reflect.DeepEqual(backends, want) {
			t.Errorf("%s: %q %q (%v), want backends %q", file, version, backends, err, want)
		}
	}
	if _, _, err := parseWasmerVersion("wasmer 4.4.0\n"); err == nil {
		t.Error("a version without the compiler line was accepted (the plain --version has none)")
	}
	if _, _, err := parseWasmerVersion("wasmtime 25.0.1\ncompiler: cranelift\n"); err == nil {
		t.Error("another program's version was taken for wasmer's")
	}
}
