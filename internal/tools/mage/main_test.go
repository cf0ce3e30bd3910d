package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentInvocations: two `go tool mage` started at once in one
// checkout, each time from an empty mage cache (so both compile), both run
// their target; Mage alone fails about half the time here with
// "open ./mage_output_file.go: no such file or directory".
func TestConcurrentInvocations(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the magefile 10 times")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 5; round++ {
		cache, data := t.TempDir(), t.TempDir()
		var wg sync.WaitGroup
		outs := make([]string, 2)
		codes := make([]int, 2)
		for i, args := range [][]string{{"tool", "mage", "-l"}, {"tool", "mage", "report"}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command("go", args...)
				cmd.Dir = root
				// A fresh user cache (no compiled magefile), the real Go cache.
				cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache, "GOCACHE="+strings.TrimSpace(string(gocache)), "RTWASM_DATA="+data)
				out, _ := cmd.CombinedOutput()
				outs[i], codes[i] = string(out), cmd.ProcessState.ExitCode()
			}()
		}
		wg.Wait()
		for i, out := range outs {
			if strings.Contains(out, "mage_output_file") || strings.Contains(out, "Error compiling") {
				t.Fatalf("round %d, invocation %d: mage's compile race:\n%s", round, i, out)
			}
		}
		if codes[0] != 0 || !strings.Contains(outs[0], "Targets:") {
			t.Errorf("round %d: -l exit %d:\n%s", round, codes[0], outs[0])
		}
		// report on an empty data directory runs and fails as it should.
		if codes[1] == 0 || !strings.Contains(outs[1], "no complete run yet") {
			t.Errorf("round %d: report exit %d, want its own error:\n%s", round, codes[1], outs[1])
		}
	}
}

// TestDataDirCheckedFirst: an RTWASM_DATA that cannot take runs (here a
// file) is refused, naming the variable, before the toolchain and the build
// touch their directories.
func TestDataDirCheckedFirst(t *testing.T) {
	root, _ := filepath.Abs("../../..")
	tmp := t.TempDir()
	file, cache, build := filepath.Join(tmp, "file"), filepath.Join(tmp, "cache"), filepath.Join(tmp, "build")
	os.WriteFile(file, []byte("x"), 0o644)
	os.Mkdir(cache, 0o755)
	for _, target := range []string{"all", "startup"} {
		cmd := exec.Command("go", "tool", "mage", target)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "RTWASM_DATA="+file, "RTWASM_CACHE="+cache, "RTWASM_BUILD="+build, "RTWASM_BENCHMARKS=gemm")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "RTWASM_DATA="+file+" is a file, not a directory") {
			t.Errorf("%s with RTWASM_DATA a file: %v, want a refusal naming RTWASM_DATA:\n%s", target, err, out)
		}
		if entries, _ := os.ReadDir(cache); len(entries) > 0 {
			t.Errorf("%s: the toolchain ran before the data dir check (%d entries in its cache)", target, len(entries))
		}
		if _, err := os.Stat(build); err == nil {
			t.Errorf("%s: the build ran before the data dir check", target)
		}
	}
}

// TestCompiledBinaryRemovedOnceStarted: the compiled magefile's private
// directory is gone as soon as the magefile runs, so a kill -9 of this
// wrapper leaves no binary behind. The "magefile" (a copy of sh) waits, up
// to a minute, for its own file to vanish: exit 0 if it did, 3 if not.
func TestCompiledBinaryRemovedOnceStarted(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-mage-%d-", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "mage")
	sh, err := os.ReadFile("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, sh, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SELF", exe)
	script := `for i in $(seq 600); do [ -e "$SELF" ] || exit 0; sleep 0.1; done; exit 3`
	if code := runCompiled(exe, []string{"-c", script}, func() { os.RemoveAll(dir) }); code != 0 {
		t.Errorf("the compiled binary outlived the start of the magefile (exit %d)", code)
	}
}
