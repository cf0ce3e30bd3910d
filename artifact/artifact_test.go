package artifact

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

const fixtureID = "20261127T133824Z" // the committed run's id (reports/testdata/run)

// fixtureRun copies the committed fixture run into dir/runs/<id> with a
// writer's lock and a fleet's compiled targets beside it (both must stay
// out of a bundle), and renders its report.
func fixtureRun(t *testing.T, dir string) string {
	t.Helper()
	runDir := filepath.Join(dir, "runs", fixtureID)
	for _, name := range []string{"manifest.json", run.SamplesFile} {
		b, err := os.ReadFile(filepath.Join("..", "reports", "testdata", "run", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(runDir, name), b, 0o644)
	}
	writeFile(t, filepath.Join(runDir, "lock"), []byte("123\n"), 0o644)
	writeFile(t, filepath.Join(runDir, "slurm", "rtwasm-mage"), []byte("\x7fELF"), 0o755)
	if _, err := reports.Render(runDir); err != nil {
		t.Fatal(err)
	}
	return runDir
}

func writeFile(t *testing.T, path string, b []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, mode); err != nil {
		t.Fatal(err)
	}
}

// plainSource is a source tree that is not a git checkout, with outputs
// (a build cache, runs) that must stay out.
func plainSource(t *testing.T, dir string) string {
	t.Helper()
	src := filepath.Join(dir, "src")
	writeFile(t, filepath.Join(src, "go.mod"), []byte("module example\n"), 0o644)
	writeFile(t, filepath.Join(src, ".ci", "run"), []byte("#!/bin/sh\n"), 0o755)
	writeFile(t, filepath.Join(src, "build", "bin", "rtwasm-run"), []byte("binary"), 0o755)
	writeFile(t, filepath.Join(src, "data", "runs", "x", "manifest.json"), []byte("{}"), 0o644)
	return src
}

func remeasures() map[string]Remeasure {
	m := map[string]Remeasure{AllClaims: {Command: "cmd-all", Estimate: "est-all"}}
	for id := range reports.ClaimEvidence {
		m[id] = Remeasure{Command: "cmd-" + id + " go tool mage all", Estimate: "about " + id}
	}
	return m
}

var (
	sharedOnce sync.Once
	shared     Written
	sharedErr  error
)

// sharedBundle is a bundle of the fixture run, written once per test binary.
func sharedBundle(t *testing.T) Written {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rtwasm-artifact-test-*")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = Write(Options{RunDir: fixtureRun(t, dir), SourceDir: plainSource(t, dir), OutDir: filepath.Join(dir, "out"), Remeasure: remeasures()})
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// unpacked unpacks the shared bundle into a fresh directory: its top directory.
func unpacked(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := toolchain.UntarGz(sharedBundle(t).Path, dir); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, Name(fixtureID))
}

func TestBundleOfFixtureChecksClean(t *testing.T) {
	w := sharedBundle(t)
	if filepath.Base(w.Path) != Name(fixtureID)+".tar.gz" || w.Bytes <= 0 || w.Files < 10 {
		t.Errorf("written %+v", w)
	}
	for _, input := range []string{w.Path, unpacked(t), filepath.Dir(unpacked(t))} {
		r, err := Check(input)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		r.Print(&out)
		if !r.Available() || !r.Functional() || r.Files+1 != w.Files || r.Identical < 20 {
			t.Errorf("%s: not clean (%d files, %d identical):\n%s", input, r.Files, r.Identical, out.String())
		}
		for _, want := range []string{"available           yes", "functional          yes", "results reproduced  not by this check"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("the table lacks %q:\n%s", want, out.String())
			}
		}
	}
	root := unpacked(t)
	for _, gone := range []string{"run/" + fixtureID + "/lock", "run/" + fixtureID + "/slurm/rtwasm-mage", "source/build/bin/rtwasm-run",
		"source/data/runs/x/manifest.json"} {
		if _, err := os.Stat(filepath.Join(root, gone)); err == nil {
			t.Errorf("%s is in the bundle", gone)
		}
	}
	for _, kept := range []string{"source/go.mod", "source/.ci/run", "run/" + fixtureID + "/samples.parquet", GuideFile} {
		if _, err := os.Stat(filepath.Join(root, kept)); err != nil {
			t.Errorf("%s is not in the bundle: %v", kept, err)
		}
	}
}

// TestGuideListsEveryClaim: ARTIFACT.md has every claim of the bundled
// verdict with its evidence, commands and estimate, and the archive's size.
func TestGuideListsEveryClaim(t *testing.T) {
	root := unpacked(t)
	guideText, err := os.ReadFile(filepath.Join(root, GuideFile))
	if err != nil {
		t.Fatal(err)
	}
	text := string(guideText)
	rows, err := reports.ReadVerdicts(filepath.Join(root, RunDirName, fixtureID, reports.ReportDir, "verdict.csv"))
	if err != nil || len(rows) != len(reports.ClaimEvidence) {
		t.Fatalf("%d verdict rows (%v); want %d", len(rows), err, len(reports.ClaimEvidence))
	}
	for _, v := range rows {
		section := text[strings.Index(text, "(`"+v.ID+"`)"):]
		if i := strings.Index(section[1:], "\n### "); i > 0 {
			section = section[:i]
		}
		for _, want := range []string{"`cmd-" + v.ID + " go tool mage all`", "estimate here: about " + v.ID, "**" + v.Verdict + "**",
			regenerate(fixtureID), "run/" + fixtureID + "/" + reports.ClaimEvidence[v.ID][0]} {
			if !strings.Contains(section, want) {
				t.Errorf("claim %s: the guide lacks %q in:\n%s", v.ID, want, section)
			}
		}
	}
	for _, want := range []string{megabytes(sharedBundle(t).Bytes), "cmd-all", "est-all", "not a git checkout", "| native-glibc |"} {
		if !strings.Contains(text, want) {
			t.Errorf("the guide lacks %q", want)
		}
	}
}

// TestTamperingIsNamed: a flipped byte in samples.parquet, a removed
// figure and an edited manifest are each found and named.
func TestTamperingIsNamed(t *testing.T) {
	runPath := "run/" + fixtureID + "/"
	cases := []struct {
		name   string
		tamper func(root string) error
		check  func(r Result) bool
	}{
		{"flipped byte in samples.parquet", func(root string) error {
			p := filepath.Join(root, runPath, run.SamplesFile)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b[len(b)/2] ^= 0x01
			return os.WriteFile(p, b, 0o644)
		}, func(r Result) bool { return slices.Equal(r.Altered, []string{runPath + run.SamplesFile}) }},
		{"removed figure", func(root string) error {
			return os.Remove(filepath.Join(root, runPath, "report/figures/fig1_paper.svg"))
		}, func(r Result) bool {
			fig := runPath + "report/figures/fig1_paper.svg"
			return slices.Equal(r.Missing, []string{fig}) && slices.Equal(r.Unlisted, []string{fig})
		}},
		{"edited manifest", func(root string) error {
			p := filepath.Join(root, runPath, "manifest.json")
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, bytes.Replace(b, []byte(`"reps": `), []byte(`"reps": 1`), 1), 0o644)
		}, func(r Result) bool { return slices.Equal(r.Altered, []string{runPath + "manifest.json"}) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := unpacked(t)
			if err := c.tamper(root); err != nil {
				t.Fatal(err)
			}
			r, err := Check(root)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			r.Print(&out)
			if r.Available() || !c.check(r) {
				t.Errorf("not found or not named:\n%s", out.String())
			}
			t.Logf("\n%s", out.String())
		})
	}
}

// snapshot is every file's content hash and mtime, and every directory's
// mtime, under root.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	s := map[string]string{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		v := info.ModTime().Format(time.RFC3339Nano) + " " + info.Mode().String()
		if !info.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			v += " " + string(sum[:])
		}
		s[p] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCheckNeverWrites: checking a read-only unpacked bundle (and the
// archive) changes no file, mtime or directory. As root the mode does not
// stop a write, so the snapshot is what tests it.
func TestCheckNeverWrites(t *testing.T) {
	root := unpacked(t)
	archive := filepath.Join(t.TempDir(), "copy.tar.gz")
	b, err := os.ReadFile(sharedBundle(t).Path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, archive, b, 0o444)
	if out, err := exec.Command("chmod", "-R", "a-w", root).CombinedOutput(); err != nil {
		t.Fatalf("chmod: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chmod", "-R", "u+w", root).Run() })
	before, beforeArchive := snapshot(t, root), snapshot(t, archive)
	time.Sleep(10 * time.Millisecond) // a write now would show in an mtime
	for _, input := range []string{root, archive} {
		r, err := Check(input)
		if err != nil || !r.Available() || !r.Functional() {
			t.Errorf("%s: %v %+v", input, err, r)
		}
	}
	after, afterArchive := snapshot(t, root), snapshot(t, archive)
	for p, v := range before {
		if after[p] != v {
			t.Errorf("%s changed: %s → %s", p, v, after[p])
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared in the bundle", p)
		}
	}
	if !slices.Equal(sortedValues(beforeArchive), sortedValues(afterArchive)) {
		t.Error("the archive changed")
	}
}

func sortedValues(m map[string]string) []string {
	var v []string
	for k, x := range m {
		v = append(v, k+" "+x)
	}
	slices.Sort(v)
	return v
}
