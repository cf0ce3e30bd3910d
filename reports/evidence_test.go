package reports

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestClaimEvidence holds ClaimEvidence to the verdict: every claim the
// verdict judges has evidence, every entry names a claim, and every file it
// names is written by a render of the committed run.
func TestClaimEvidence(t *testing.T) {
	dir := copyCommittedRun(t)
	if _, err := Render(dir); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadVerdicts(filepath.Join(dir, ReportDir, "verdict.csv"))
	if err != nil || len(rows) != 9 {
		t.Fatalf("ReadVerdicts: %d rows, %v; want the 9 claims", len(rows), err)
	}
	var ids []string
	for _, row := range rows {
		ids = append(ids, row.ID)
		if len(ClaimEvidence[row.ID]) == 0 || row.Verdict == "" || row.Claim == "" {
			t.Errorf("claim %+v: no evidence in ClaimEvidence, or fields lost", row)
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
