package explain

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/rtwasm/rtwasm/run"
)

// WriteCSV writes the rows as explain.csv (the run record owns the table).
func WriteCSV(path string, rows []Row) error { return run.WriteExplain(path, rows) }

// ReadCSV reads explain.csv back.
func ReadCSV(path string) ([]Row, error) { return run.ReadExplain(path) }

// Print writes the table, then each row's finding and notes.
func Print(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, h := range run.ExplainCellsHeader {
		fmt.Fprint(tw, sep(i), h)
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		for i, c := range r.Cells() {
			fmt.Fprint(tw, sep(i), c)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "%s, %s: %s\n", r.Benchmark, r.Series, r.Finding)
		for _, note := range []string{r.InstructionNote, r.CounterNote, r.SteadyNote} {
			if note != "" {
				fmt.Fprintf(w, "    %s\n", note)
			}
		}
	}
}

func sep(i int) string {
	if i == 0 {
		return ""
	}
	return "\t"
}

// Merge keeps the rows of old whose benchmark rows does not cover, so that
// explaining one kernel after another accumulates in one explain.csv.
func Merge(old, rows []Row) []Row {
	out := slices.Clone(rows)
	for _, r := range old {
		if !slices.ContainsFunc(rows, func(n Row) bool { return n.Benchmark == r.Benchmark }) {
			out = append(out, r)
		}
	}
	Sort(out)
	return out
}
