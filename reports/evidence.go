package reports

import (
	"fmt"
	"slices"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
)

// ClaimEvidence names, per claim of the verdict (its claim_id in
// verdict.csv), where a run shows what the verdict judged, as paths in the
// run directory: a figure by its path without extension (written as PNG,
// SVG and PDF, FigureFormats), or a file. An evaluator follows a claim from
// its row to these; a test holds the map to the verdict's claims and to the
// files a render writes.
var ClaimEvidence = map[string][]string{
	paper.StartupIndependent: {"report/figures/fig1_startup", "report/summary.csv"},
	paper.FastJITsStartFirst: {"report/figures/fig1_paper", "report/figures/fig1_startup", "report/summary.csv"},
	paper.WasmtimeNext:       {"report/figures/fig1_paper", "report/figures/fig1_startup", "report/summary.csv"},
	paper.LLVMSlowerStart:    {"report/figures/fig1_paper", "report/summary.csv"},
	paper.ShortWorst:         {"report/figures/fig2_paper", "report/figures/fig2_total", "report/pairwise.csv"},
	paper.LongWin:            {"report/figures/fig2_paper", "report/figures/fig2_total", "report/pairwise.csv"},
	paper.ProlongedWinners:   {"report/figures/fig3_paper", "report/figures/fig3_prolonged", "report/summary.csv"},
	paper.WasmFasterNative:   {"report/figures/fig3_paper", "report/figures/fig3_prolonged_all", "report/breakeven.csv"},
	paper.BinarySize:         {"report/verdict.csv", "manifest.json"}, // the manifest's artifacts: bytes per kernel binary
}

// FigureFormats are the files each figure is written as.
var FigureFormats = []string{".png", ".svg", ".pdf"}

// VerdictRow is one row of verdict.csv, as ReadVerdicts reads it back.
type VerdictRow = claimVerdict

// ReadVerdicts reads a report's verdict.csv, refusing another header.
func ReadVerdicts(path string) ([]VerdictRow, error) {
	records, err := run.ReadCSV(path)
	if err != nil {
		return nil, err
	}
	if len(records) == 0 || !slices.Equal(records[0], verdictHeader) {
		return nil, fmt.Errorf("%s: not a verdict table (want the header %v)", path, verdictHeader)
	}
	rows := make([]VerdictRow, 0, len(records)-1)
	for _, rec := range records[1:] {
		if len(rec) != len(verdictHeader) {
			return nil, fmt.Errorf("%s: a row of %d fields, want %d", path, len(rec), len(verdictHeader))
		}
		rows = append(rows, VerdictRow{ID: rec[0], Claim: rec[1], Paper: rec[2], Run: rec[3], Verdict: rec[4], Detail: rec[5]})
	}
	return rows, nil
}
