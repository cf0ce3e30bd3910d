package reports

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// TestCommittedRun renders testdata/run, a real smoke run of this machine
// (4 kernels, 8 runtimes incl. docker, a hybrid and an unavailable WAMR),
// from a copy, and checks every section and the data it must show.
func TestCommittedRun(t *testing.T) {
	dir := copyCommittedRun(t)
	out, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{headingSetup, headingStartup, headingTotal, headingProlonged, headingSummary,
		headingPairwise, headingRealTime, headingBreakEven, headingHybrid, headingErrors, headingNotMeasured,
		"wamr:fast-jit", "iwasm not found", "docker:engine", "hybrid:interp+cranelift", "WARNING"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(sectionText(string(md), headingHybrid), "No hybrid runtime") {
		t.Error("the hybrid section is empty although the run measured hybrid:interp+cranelift")
	}
	// This smoke run predates the replicate, so it has no true A/A and says
	// so; its same-code pairs are the environment's own effect, which Setup
	// names as such; the guidance recommends neither over the other.
	setup := sectionText(string(md), headingSetup)
	for _, want := range []string{"no true A/A was measured", "The environment's own effect", "Noise floor per benchmark"} {
		if !strings.Contains(setup, want) {
			t.Errorf("Setup lacks %q", want)
		}
	}
	noise := readCSV(t, out, "noise.csv")
	if len(noise) != 2*4 {
		t.Errorf("%d A/A rows, want 8 (steady job and job × 4 kernels)", len(noise))
	}
	guidance := sectionText(string(md), headingBreakEven)
	if !strings.Contains(guidance, "8 iterations, fewer than the 10") || !strings.Contains(guidance, "indicative only") {
		t.Error("the guidance does not say that 8 iterations cannot show warm-up")
	}
	for _, row := range readCSV(t, out, "breakeven.csv") {
		if !strings.HasPrefix(row["warmup_jobs"], "not determinable (8 iterations") {
			t.Errorf("%s %s: warm-up %q, want not determinable from 8 iterations", row["benchmark"], row["fastest_series"], row["warmup_jobs"])
		}
		if row["fastest_series"] == "docker:engine" {
			t.Errorf("%s: recommends docker:engine from %s jobs", row["benchmark"], row["from_jobs"])
		}
	}
}

// sectionText returns the text of one section of index.html (unescaped) or
// report.md, from its heading to the next.
func sectionText(page, heading string) string {
	if strings.HasPrefix(page, "<!DOCTYPE html>") {
		_, rest, found := strings.Cut(page, "<h2>"+heading+"</h2>")
		if !found {
			return ""
		}
		rest, _, _ = strings.Cut(rest, "<h2>")
		return html.UnescapeString(rest)
	}
	_, rest, found := strings.Cut(page, "\n## "+heading+"\n")
	if !found {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "\n## ")
	return rest
}

func TestEveryFileWritten(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	for _, name := range wantFiles {
		if info, err := os.Stat(filepath.Join(r.outDir, name)); err != nil || info.Size() == 0 {
			t.Errorf("%s missing or empty: %v", name, err)
		}
	}
	tex := readString(t, r.outDir, "summary.tex")
	if !strings.Contains(tex, "P99.9") || strings.Count(tex, "\\\\\n") != 4*3*5+1 {
		t.Error("summary.tex lacks P99.9 or rows")
	}
}

// copyCommittedRun copies testdata/run's manifest and samples into a
// temporary run directory, so a render never writes into testdata.
func copyCommittedRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"manifest.json", run.SamplesFile} {
		b, err := os.ReadFile(filepath.Join("testdata", "run", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
