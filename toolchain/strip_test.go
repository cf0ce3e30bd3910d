package toolchain

import (
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var root2 = Job{Name: "root2", Sources: map[string][]byte{"root2.c": []byte(
	"#include <math.h>\n#include <stdio.h>\nint main(int argc, char **argv) { printf(\"%.6f\\n\", sqrt(argc + 1.0)); return 0; }\n")}}

func TestEveryTargetBuildsStrippedPrograms(t *testing.T) {
	set := resolve(t, Targets...)
	cache := t.TempDir()
	for _, target := range Targets {
		a, err := Build(context.Background(), set[target], root2, cache)
		if err != nil {
			t.Fatal(err)
		}
		if debug, err := DebugSections(a.Path); err != nil || len(debug) > 0 {
			t.Errorf("%s: debug sections %v (%v)", target, debug, err)
		}
		p := set[target].Provenance()
		if clang := strings.Contains(p.Version, "clang version 19"); clang == strings.HasSuffix(string(target), "-gcc") {
			t.Errorf("%s built by %q (%s), want clang 19 for every target but the -gcc ones", target, p.Name, p.Version)
		}
		if target == Wasm {
			m, _ := os.ReadFile(a.Path)
			if names, err := wasmCustomSections(m); err != nil || !slices.Contains(names, "name") {
				t.Errorf("wasm custom sections %v (%v), want the name section kept", names, err)
			}
			continue
		}
		out, err := exec.Command(a.Path).Output()
		if err != nil || string(out) != "1.414214\n" {
			t.Errorf("%s: ran with %q, %v; want 1.414214", target, out, err)
		}
		if static := isStatic(t, a.Path); static != strings.HasPrefix(string(target), "native-musl") {
			t.Errorf("%s: static %v", target, static)
		}
	}
}

func isStatic(t *testing.T, path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			return false
		}
	}
	return true
}

// section encodes one wasm section; sizes here stay below 128 bytes, so one
// LEB128 byte each.
func section(id byte, body []byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
func custom(name string) []byte           { return section(0, append([]byte{byte(len(name))}, name+"xyz"...)) }

func TestDebugSectionsParsesWasm(t *testing.T) {
	module := []byte("\x00asm\x01\x00\x00\x00")
	module = append(module, section(1, []byte{0})...) // an empty type section
	module = append(module, custom("name")...)
	module = append(module, custom(".debug_info")...)
	module = append(module, custom(".debug_line")...)
	dir := t.TempDir()
	path := filepath.Join(dir, "m.wasm")
	os.WriteFile(path, module, 0o644)
	if debug, err := DebugSections(path); err != nil || !slices.Equal(debug, []string{".debug_info", ".debug_line"}) {
		t.Fatalf("DebugSections = %v, %v; want .debug_info and .debug_line", debug, err)
	}
	os.WriteFile(path, module[:len(module)-3], 0o644)
	if _, err := DebugSections(path); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated module: %v, want an error", err)
	}
}

func TestDebugSectionsFindsELFDWARF(t *testing.T) {
	clang, err := exec.LookPath("clang-19")
	if err != nil {
		resolve(t, Glibc) // installs it
		clang, _ = exec.LookPath("clang-19")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "g.c")
	os.WriteFile(src, []byte("int main(void) { return 0; }\n"), 0o644)
	if out, err := exec.Command(clang, "-g", src, "-o", filepath.Join(dir, "g")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if debug, err := DebugSections(filepath.Join(dir, "g")); err != nil || !slices.Contains(debug, ".debug_info") {
		t.Fatalf("DebugSections = %v, %v; want .debug_info found", debug, err)
	}
}
