package reports

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// updateGolden rewrites testdata/golden/SHA256SUMS from today's rendering;
// run it only when a change to the report's output is intended.
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/SHA256SUMS")

const goldenSums = "testdata/golden/SHA256SUMS"

// TestGoldenCommittedRun renders the committed run and compares every file
// of the report, byte for byte (by SHA-256), with the committed sums: a
// restructuring of reports must leave its output unchanged.
func TestGoldenCommittedRun(t *testing.T) {
	dir := copyCommittedRun(t)
	out, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := reportSums(t, out)
	if *updateGolden {
		if err := os.WriteFile(goldenSums, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenSums)
	if err != nil {
		t.Fatalf("%v: generate it with go test ./reports -run Golden -update-golden", err)
	}
	if got != string(want) {
		t.Errorf("the committed run no longer renders byte-identically; if intended, rerun with -update-golden\n%s",
			sumsDiff(string(want), got))
	}
}

// reportSums lists "sha256  path" for every file under out, sorted by path,
// in the format of sha256sum.
func reportSums(t *testing.T, out string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(out, path)
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%x  %s", sha256.Sum256(b), filepath.ToSlash(rel)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	return strings.Join(lines, "\n") + "\n"
}

// sumsDiff names the files whose sums differ, appeared or vanished.
func sumsDiff(want, got string) string {
	index := func(s string) map[string]string {
		m := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
			if sum, name, ok := strings.Cut(line, "  "); ok {
				m[name] = sum
			}
		}
		return m
	}
	w, g := index(want), index(got)
	var diff []string
	for name, sum := range w {
		if g[name] != sum {
			diff = append(diff, "changed or missing: "+name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			diff = append(diff, "new: "+name)
		}
	}
	slices.Sort(diff)
	return strings.Join(diff, "\n")
}
