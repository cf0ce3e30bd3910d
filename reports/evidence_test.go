package reports

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// TestClaimEvidence holds ClaimEvidence to the verdict: every claim the
// verdict judges has evidence, every entry names a claim, and every file it
// names is written by a render of the committed run.
func TestClaimEvidence(t *testing.T) {
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
	if _, err := Render(dir); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, row := range readCSV(t, filepath.Join(dir, ReportDir), "verdict.csv") {
		ids = append(ids, row["claim_id"])
		if len(ClaimEvidence[row["claim_id"]]) == 0 {
			t.Errorf("claim %s has no evidence in ClaimEvidence", row["claim_id"])
		}
	}
	for id, paths := range ClaimEvidence {
		if !slices.Contains(ids, id) {
			t.Errorf("ClaimEvidence names %s, which the verdict does not judge (claims: %v)", id, ids)
		}
		for _, p := range paths {
			files := []string{p}
			if strings.Contains(p, "/"+FiguresDir+"/") {
				files = nil
				for _, ext := range FigureFormats {
					files = append(files, p+ext)
				}
			}
			for _, f := range files {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("claim %s: %s is not written by a render: %v", id, f, err)
				}
			}
		}
	}
}
