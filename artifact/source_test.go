package artifact

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/internal/testkit"
)

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestSourceFromGit: a clean checkout gives git archive of HEAD (ignored
// outputs left out); a dirty one is refused, naming the file and the fix.
func TestSourceFromGit(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "go.mod"), []byte("module example\n"), 0o644)
	writeFile(t, filepath.Join(src, ".gitignore"), []byte("/build/\n"), 0o644)
	writeFile(t, filepath.Join(src, "build", "cache.bin"), []byte("x"), 0o644)
	git(t, src, "init", "-q")
	git(t, src, "add", ".")
	git(t, src, "commit", "-qm", "one")
	dst := filepath.Join(t.TempDir(), "source") // not there yet, as in a bundle
	s, err := copySource(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Commit) != 40 || s.Files != 2 || !strings.Contains(s.String(), "git commit "+s.Commit) {
		t.Errorf("source %+v (%s); want a commit and 2 files", s, s)
	}
	if _, err := os.Stat(filepath.Join(dst, "build", "cache.bin")); err == nil {
		t.Error("an ignored file went into the source")
	}
	writeFile(t, filepath.Join(src, "go.mod"), []byte("module changed\n"), 0o644)
	_, err = copySource(src, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "go.mod") || !strings.Contains(err.Error(), "commit or stash") {
		t.Errorf("a dirty checkout: %v; want a refusal naming go.mod and the fix", err)
	}
}

// TestPartialRunRefused: an interrupted run is completed first, not bundled.
func TestPartialRunRefused(t *testing.T) {
	dir := t.TempDir()
	runDir := filepath.Join(dir, "r")
	writeFile(t, filepath.Join(runDir, "manifest.json"), []byte(`{"run_id":"r","state":"interrupted"}`), 0o644)
	_, err := Write(Options{RunDir: runDir, SourceDir: dir, OutDir: filepath.Join(dir, "out")})
	if err == nil || !strings.Contains(err.Error(), "RTWASM_RESUME=r go tool mage resume") {
		t.Errorf("Write of an interrupted run: %v", err)
	}
}

// TestImportRules: the package links no pipeline, container runtime or
// engine, so checking a bundle needs no compiler and no runtime; it imports
// no runtime itself.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps gave %v", deps)
	}
	const mod = "github.com/rtwasm/rtwasm/"
	for _, d := range deps {
		if d == mod+"engine" || strings.HasPrefix(d, mod+"pipeline") || strings.HasPrefix(d, mod+"runtimes/") ||
			strings.HasPrefix(d, mod+"cmd/") || strings.HasPrefix(d, mod+"toolchain/") {
			t.Errorf("package artifact links %s", d)
		}
	}
	for name, paths := range testkit.Imports(t) {
		for _, p := range paths {
			if strings.HasPrefix(p, mod) && p != mod+"run" && p != mod+"reports" && p != mod+"toolchain" {
				t.Errorf("%s imports %s: artifact may import run, reports and toolchain (its SHA-256 and safe untar) only", name, p)
			}
		}
	}
}

// TestStaleReportRefused: a run whose report differs from what this code
// renders (rendered by other code, or edited) is not bundled.
func TestStaleReportRefused(t *testing.T) {
	dir := t.TempDir()
	runDir := fixtureRun(t, dir)
	md := filepath.Join(runDir, "report", "report.md")
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, md, append(b, "edited\n"...), 0o644)
	_, err = Write(Options{RunDir: runDir, SourceDir: plainSource(t, dir), OutDir: filepath.Join(dir, "out")})
	if err == nil || !strings.Contains(err.Error(), "re-render differs: run/"+fixtureID+"/report/report.md") ||
		!strings.Contains(err.Error(), "RTWASM_RUN="+fixtureID+" go tool mage report") {
		t.Errorf("Write of a run with an edited report: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "out")); len(entries) != 0 {
		t.Errorf("a refused bundle left %v", entries)
	}
}
