package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/rtwasm/rtwasm/run"
)

const headingWhy = "Why: instructions, page faults and memory per job"

// whySection shows what `go tool mage explain` wrote into the run
// directory: per kernel and series, the steady-state time, page faults and
// RSS per job and one job's instruction count, with a generated finding.
func (r *runData) whySection() section {
	c := section{ID: "why", Heading: headingWhy}
	if r.dir == "" {
		c.Empty = "No run directory."
		return c
	}
	path := filepath.Join(r.dir, run.ExplainFile)
	rows, err := run.ReadExplain(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Empty = "Not explained yet: `go tool mage explain` (with RTWASM_RUN set to this run, and RTWASM_BENCHMARKS to the kernels) " +
			"measures why series differ and writes " + run.ExplainFile + "; render the report again afterwards."
		return c
	case err != nil:
		c.Warning = err.Error()
		return c
	}
	c.Paragraphs = []string{"For each kernel and series: the median time per job in the prolonged test after warm-up, " +
		"page faults per job and peak RSS from the OS counters, and the instructions of one job counted by valgrind's callgrind " +
		"(a process of 1+k jobs minus a one-job process, over k, so start-up and compilation cancel; k = 1 unless the job is small beside the start-up). " +
		"Callgrind counts work, not time: a series with the same instructions but a different time per job differs in how fast " +
		"each instruction runs (code layout, alignment, caches, branch prediction), which no counter on this host can show. " +
		"Native counts repeat exactly; runtimes hosted by the Go runner also count the Go runtime's background thread, " +
		"which runs in proportion to wall time under valgrind, so on jobs under a million instructions their counts repeat only " +
		"within about 10–20 %. Also in " + run.ExplainFile + "."}
	t := table{Caption: "Per job, by kernel and series", Header: append(run.ExplainCellsHeader, "finding")}
	var notes []string
	for _, row := range rows {
		t.Rows = append(t.Rows, append(row.Cells(), row.Finding))
		if row.JobInstructions <= 0 && row.InstructionNote != "" {
			notes = append(notes, fmt.Sprintf("%s on %s: %s", row.Benchmark, row.Series, row.InstructionNote))
		}
	}
	c.Tables = []table{t}
	c.Paragraphs = append(c.Paragraphs, notes...)
	return c
}
