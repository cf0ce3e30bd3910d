// Package reports turns a run directory into a notebook-style report:
// index.html (self-contained: CSS, font and SVG figures inline), report.md,
// the reproduction verdict (the paper's claims judged on the run, also as
// verdict.csv), figures in PNG/SVG/PDF (the paper's Fig. 1–3 in its form and
// for every series), the statistical summary as CSV and LaTeX, and the
// pairwise comparisons, real-time view (observed maxima, EVT pWCET), A/A
// noise floor and break-even analysis as CSV. Samples are grouped by series
// (runtime id and cold-start model). Every statistical judgement (verdicts,
// Holm, noise floor, warm-up, GEV, break-even CIs) comes from package
// stats; reports only chooses the samples and words the results. The
// output depends only on the run directory — bootstraps use fixed seeds —
// so rendering twice gives byte-identical files.
//
// Layout: sections.go holds the section order; each section is the file
// named after its heading (fig1_startup.go, pairwise.go, realtime.go,
// errors.go, verdict_*.go …), its drawing in the *_view.go beside it;
// format.go holds the shared number formats and outputs.go the one writer
// of a report's files, which the interference report reuses. The report
// depends on the run record alone: it imports run, stats, host, paper and
// internal/safefile of rtwasm, never toolchain, kernels, explain, the
// runtimes or the engines (imports_test.go).
package reports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/rtwasm/rtwasm/internal/safefile"
	"github.com/rtwasm/rtwasm/run"
)

// Output names inside a run directory.
const (
	ReportDir  = "report"
	FiguresDir = "figures"
)

// Render reads the run in runDir and writes its report to runDir/report,
// returning that directory. A run without samples.parquet renders as a run
// with no samples, or, if it is partial (interrupted), from its journal with
// a "partial run" banner.
func Render(runDir string) (outDir string, err error) {
	m, rows, err := run.ReadRun(runDir)
	if m.NeverStarted() {
		return "", fmt.Errorf("run %s never started (%s): it has no sample to report; "+
			"resubmit it with RTWASM_RESUME=%s go tool mage resume, or report another run (RTWASM_RUN)", m.RunID, m.State, m.RunID)
	}
	if err != nil && !missingSamples(runDir, err) {
		return "", err
	}
	if err != nil && m.Partial() {
		// An interrupted (or still running) run: what its journal holds,
		// under the partial-run banner of the setup section.
		rows, m.Taken = journalRows(runDir)
	}
	outDir = filepath.Join(runDir, ReportDir)
	figDir := filepath.Join(ReportDir, FiguresDir)
	// Figures are a function of the run: drop any left by an earlier render.
	if err := safefile.RemoveAll(runDir, figDir); err != nil {
		return "", err
	}
	r := newRun(m, rows)
	r.dir = runDir
	a := r.analyse()
	pg, err := r.buildPage(a)
	if err != nil {
		return "", err
	}
	return outDir, writeReport(runDir, ReportDir, pg, pdfDate(m), a.outputs())
}

// journalRows flattens a partial run's journal (empty if it has none) and
// counts its trials.
func journalRows(runDir string) ([]run.Sample, int) {
	done, err := run.ReadJournals(runDir)
	if err != nil {
		return nil, 0
	}
	var rows []run.Sample
	for _, samples := range done {
		rows = append(rows, samples...)
	}
	return rows, len(done)
}

// missingSamples reports whether err is only the absence of the samples
// file next to a readable manifest.
func missingSamples(runDir string, err error) bool {
	_, statErr := os.Stat(filepath.Join(runDir, run.SamplesFile))
	_, manifestErr := run.ReadManifest(runDir)
	return errors.Is(statErr, fs.ErrNotExist) && manifestErr == nil
}

// pdfDate is the date written into the PDFs: when the run finished (or
// started), else a fixed epoch; never the time of rendering.
func pdfDate(m run.Manifest) time.Time {
	for _, t := range []time.Time{m.Finished, m.Started} {
		if !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
}

// analysis holds every statistic the report shows, computed once.
type analysis struct {
	summary     []summaryRow
	comparisons []comparison
	evt         []evtResult
	breakEven   []kernelBreakEven
	noise       runNoise
	verdicts    []claimVerdict
}

// analyse finds the steady states first: the noise floor is measured on
// them, and the noise floor sets the margins of every comparison.
func (r *runData) analyse() analysis {
	steady := r.steadyStates()
	noise := r.noise(steady)
	return analysis{summary: r.summaryRows(), comparisons: r.comparisons(noise), evt: r.evtResults(),
		breakEven: r.breakEvens(steady, noise), noise: noise, verdicts: r.verdicts()}
}

// outputs are the run report's files besides its page.
func (a analysis) outputs() []output {
	return []output{
		{"verdict.csv", csvBytes(verdictHeader, a.verdicts, claimVerdict.fields)},
		{"summary.csv", csvBytes(summaryHeader, a.summary, summaryRow.fields)},
		{"summary.tex", summaryTeX(a.summary)},
		{"pairwise.csv", csvBytes(comparisonHeader, a.comparisons, comparison.fields)},
		{"realtime.csv", csvBytes(evtHeader, a.evt, evtResult.fields)},
		{"noise.csv", csvBytes(noiseHeader, a.noise.rows(), noiseRow.fields)},
		{"breakeven.csv", breakEvenCSV(a.breakEven)},
	}
}

// csvBytes writes a header and one record per row. Writing to memory
// cannot fail, and the fields are plain strings, so there is no error.
func csvBytes[T any](header []string, rows []T, fields func(T) []string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	for _, row := range rows {
		w.Write(fields(row))
	}
	w.Flush()
	return buf.Bytes()
}
