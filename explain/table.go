package explain

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/rtwasm/rtwasm/internal/safefile"
)

// Header is explain.csv's header; -1 marks a quantity not recorded or not measured.
var Header = []string{"benchmark", "series", "target", "steady_ns_per_job", "steady_jobs", "warmup_jobs", "steady_note",
	"faults_per_job", "max_rss_kb", "counter_note", "job_instructions", "other_instructions", "instruction_note", "finding"}

func (r Row) fields() []string {
	return []string{r.Benchmark, r.Series, r.Target, strconv.FormatFloat(r.SteadyNS, 'f', 0, 64), strconv.Itoa(r.SteadyJobs),
		strconv.Itoa(r.WarmupJobs), r.SteadyNote, strconv.FormatFloat(r.FaultsPerJob, 'f', 1, 64), strconv.FormatInt(r.MaxRSSKB, 10),
		r.CounterNote, strconv.FormatInt(r.JobInstructions, 10), strconv.FormatInt(r.OtherInstructions, 10), r.InstructionNote, r.Finding}
}

// WriteCSV writes the rows as explain.csv.
func WriteCSV(path string, rows []Row) error {
	return safefile.WriteWith(filepath.Dir(path), filepath.Base(path), func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write(Header)
		for _, r := range rows {
			w.Write(r.fields())
		}
		w.Flush()
		return w.Error()
	})
}

// ReadCSV reads explain.csv back.
func ReadCSV(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(records) == 0 || len(records[0]) != len(Header) {
		return nil, fmt.Errorf("%s: not an explain table (want the header %v)", path, Header)
	}
	var rows []Row
	for i, rec := range records[1:] {
		r, err := parseRow(rec)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, i+2, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func parseRow(rec []string) (Row, error) {
	r := Row{Benchmark: rec[0], Series: rec[1], Target: rec[2], SteadyNote: rec[6], CounterNote: rec[9], InstructionNote: rec[12], Finding: rec[13]}
	var errs [7]error
	r.SteadyNS, errs[0] = strconv.ParseFloat(rec[3], 64)
	r.SteadyJobs, errs[1] = strconv.Atoi(rec[4])
	r.WarmupJobs, errs[2] = strconv.Atoi(rec[5])
	r.FaultsPerJob, errs[3] = strconv.ParseFloat(rec[7], 64)
	r.MaxRSSKB, errs[4] = strconv.ParseInt(rec[8], 10, 64)
	r.JobInstructions, errs[5] = strconv.ParseInt(rec[10], 10, 64)
	r.OtherInstructions, errs[6] = strconv.ParseInt(rec[11], 10, 64)
	for _, err := range errs {
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// Cells formats a row for a table: series, time per job, faults per job,
// peak RSS, instructions per job, instructions outside the jobs.
func (r Row) Cells() []string {
	steady := "not in the prolonged test"
	if r.SteadyNS > 0 {
		steady = fmt.Sprintf("%.3f ms", r.SteadyNS/1e6)
	}
	faults, rss := "not recorded in this run", "not recorded in this run"
	if r.counters() {
		faults, rss = fmt.Sprintf("%.1f", r.FaultsPerJob), formatKB(r.MaxRSSKB)
	}
	job, other := "—", "—"
	if r.instructions() {
		job, other = formatCount(r.JobInstructions), formatCount(r.OtherInstructions)
	}
	return []string{r.Benchmark, r.Series, steady, faults, rss, job, other}
}

// CellsHeader names Cells' columns.
var CellsHeader = []string{"benchmark", "series", "steady time / job", "page faults / job", "peak RSS", "instructions / job", "instructions outside jobs"}

// formatCount writes an instruction count in millions (or thousands when small).
func formatCount(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f k", float64(n)/1e3)
	}
	return fmt.Sprintf("%.2f M", float64(n)/1e6)
}

// Print writes the table, then each row's finding and notes.
func Print(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, h := range CellsHeader {
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
