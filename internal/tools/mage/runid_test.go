package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRunIDEveryTarget: RTWASM_RUN=<id> (and latest) reaches the named run
// in every target that reads one, and a path is refused by all of them
// with the same message, before any of them reads or builds anything.
func TestRunIDEveryTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool mage a dozen times")
	}
	root, _ := filepath.Abs("../../..")
	data := t.TempDir()
	const id = "20261127T133824Z"
	dir := filepath.Join(data, id)
	os.Mkdir(dir, 0o755)
	for _, f := range []string{"manifest.json", "samples.parquet"} {
		if err := copyFile(filepath.Join(root, "reports/testdata/run", f), filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(id, filepath.Join(data, "latest"))
	// RTWASM_BUILD is a file: explain stops there once it has read the
	// run, before it builds or measures anything.
	build := filepath.Join(t.TempDir(), "file")
	os.WriteFile(build, nil, 0o644)
	mage := func(target, value string) string {
		cmd := exec.Command("go", "tool", "mage", target)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "RTWASM_DATA="+data, "RTWASM_RUN="+value, "RTWASM_BUILD="+build, "RTWASM_BENCHMARKS=gemm", "RTWASM_COMPARE=")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	// What each target says once it has the run: it got past the resolver.
	rendered := "report written to " + filepath.Join(dir, "report", "index.html")
	reached := map[string][]string{
		"report":       {rendered},
		"explain":      {"mkdir " + build + ": not a directory", "valgrind not found"},
		"interference": {"set RTWASM_COMPARE"},
		"status":       {"run " + id + " (local)"},
		"hybrid":       {rendered},
	}
	refusal := `RTWASM_RUN="` + dir + `": want a run id`
	// artifact with an id goes on to build the runner: only its refusal.
	if out := mage("artifact", dir); !strings.Contains(out, refusal) {
		t.Errorf("artifact with RTWASM_RUN a path: want %q:\n%s", refusal, out)
	}
	for target, want := range reached {
		if out := mage(target, dir); !strings.Contains(out, refusal) {
			t.Errorf("%s with RTWASM_RUN a path: want %q:\n%s", target, refusal, out)
		}
		for _, value := range []string{id, "latest"} {
			out := mage(target, value)
			if strings.Contains(out, "want a run id") || !slices.ContainsFunc(want, func(w string) bool { return strings.Contains(out, w) }) {
				t.Errorf("%s with RTWASM_RUN=%s: want %q:\n%s", target, value, want, out)
			}
		}
	}
}
