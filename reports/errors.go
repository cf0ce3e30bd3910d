package reports

import (
	"fmt"
	"strconv"
)

const (
	maxErrorRows  = 200
	maxErrorRunes = 160
)

func (r *runData) errorsSection() section {
	c := section{ID: "errors", Heading: headingErrors}
	if len(r.errors) == 0 {
		c.Empty = "No sample failed."
		return c
	}
	c.Paragraphs = []string{fmt.Sprintf("%d sample(s) failed; they are left out of every figure and table.", len(r.errors))}
	t := table{Caption: "Failed samples", Header: []string{"Benchmark", "Series", "Experiment", "Rep", "Iteration", "Exit", "Error"}}
	for _, s := range r.errors[:min(len(r.errors), maxErrorRows)] {
		t.Rows = append(t.Rows, []string{s.Benchmark, s.Series(), s.Experiment, strconv.Itoa(int(s.Rep)),
			iterationText(s.Iteration), strconv.Itoa(int(s.ExitStatus)), truncate(s.Error, maxErrorRunes)})
	}
	if extra := len(r.errors) - maxErrorRows; extra > 0 {
		t.Note = fmt.Sprintf("%d more failed samples are not shown; see samples.parquet.", extra)
	}
	c.Tables = []table{t}
	return c
}

// iterationText is the prolonged iteration, or "–" for other experiments.
func iterationText(i int32) string {
	if i == 0 {
		return "–"
	}
	return strconv.Itoa(int(i))
}
