package run

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/rtwasm/rtwasm/internal/safefile"
)

// ExplainFile is the table `go tool mage explain` writes into the run
// directory and the report's Why section reads.
const ExplainFile = "explain.csv"

// NotRecorded marks a counter the run did not record (-1 in explain.csv).
const NotRecorded = -1

// ExplainRow is one benchmark × series of the explanation: why a series is
// faster or slower than native.
type ExplainRow struct {
	Benchmark string
	Series    string
	Target    string

	// From the run's prolonged rows.
	SteadyNS   float64 // median time per job after warm-up; 0: series not in the run's prolonged test
	SteadyJobs int     // steady iterations the median is taken over (all processes)
	WarmupJobs int     // iterations dropped as warm-up (most in any process)
	SteadyNote string  // how warm-up was decided when it could not be detected

	FaultsPerJob float64 // minor+major page faults per job; NotRecorded when the run has no counters
	MaxRSSKB     int64   // peak resident set of the prolonged process; NotRecorded when absent
	CounterNote  string  // how the per-job faults were derived

	// From callgrind: instructions of one job (Ir of 2 jobs − Ir of 1 job)
	// and of everything else in a one-job process (start-up, exit).
	JobInstructions   int64 // NotRecorded when not measured
	OtherInstructions int64
	InstructionNote   string // the method, or why the series does not run under valgrind

	Finding string // generated comparison with native:glibc
}

// Counters reports whether the run recorded OS counters for the row.
func (r ExplainRow) Counters() bool { return r.MaxRSSKB > 0 }

// Instructions reports whether callgrind measured the row's instructions.
func (r ExplainRow) Instructions() bool { return r.JobInstructions > 0 }

// explainHeader is explain.csv's header; -1 marks a quantity not recorded or not measured.
var explainHeader = []string{"benchmark", "series", "target", "steady_ns_per_job", "steady_jobs", "warmup_jobs", "steady_note",
	"faults_per_job", "max_rss_kb", "counter_note", "job_instructions", "other_instructions", "instruction_note", "finding"}

func (r ExplainRow) fields() []string {
	return []string{r.Benchmark, r.Series, r.Target, strconv.FormatFloat(r.SteadyNS, 'f', 0, 64), strconv.Itoa(r.SteadyJobs),
		strconv.Itoa(r.WarmupJobs), r.SteadyNote, strconv.FormatFloat(r.FaultsPerJob, 'f', 1, 64), strconv.FormatInt(r.MaxRSSKB, 10),
		r.CounterNote, strconv.FormatInt(r.JobInstructions, 10), strconv.FormatInt(r.OtherInstructions, 10), r.InstructionNote, r.Finding}
}

// WriteExplain writes the rows as explain.csv at path.
func WriteExplain(path string, rows []ExplainRow) error {
	return safefile.WriteWith(filepath.Dir(path), filepath.Base(path), func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write(explainHeader)
		for _, r := range rows {
			w.Write(r.fields())
		}
		w.Flush()
		return w.Error()
	})
}

// ReadCSV reads a whole CSV table of a run (explain.csv, a report's
// verdict.csv); a parse error names the file.
func ReadCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return records, nil
}

// ReadExplain reads explain.csv back.
func ReadExplain(path string) ([]ExplainRow, error) {
	records, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	if len(records) == 0 || len(records[0]) != len(explainHeader) {
		return nil, fmt.Errorf("%s: not an explain table (want the header %v)", path, explainHeader)
	}
	var rows []ExplainRow
	for i, rec := range records[1:] {
		r, err := parseExplainRow(rec)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, i+2, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func parseExplainRow(rec []string) (ExplainRow, error) {
	r := ExplainRow{Benchmark: rec[0], Series: rec[1], Target: rec[2], SteadyNote: rec[6], CounterNote: rec[9], InstructionNote: rec[12], Finding: rec[13]}
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
func (r ExplainRow) Cells() []string {
	steady := "not in the prolonged test"
	if r.SteadyNS > 0 {
		steady = fmt.Sprintf("%.3f ms", r.SteadyNS/1e6)
	}
	faults, rss := "not recorded in this run", "not recorded in this run"
	if r.Counters() {
		faults, rss = fmt.Sprintf("%.1f", r.FaultsPerJob), FormatKB(r.MaxRSSKB)
	}
	job, other := "—", "—"
	if r.Instructions() {
		job, other = formatCount(r.JobInstructions), formatCount(r.OtherInstructions)
	}
	return []string{r.Benchmark, r.Series, steady, faults, rss, job, other}
}

// ExplainCellsHeader names Cells' columns.
var ExplainCellsHeader = []string{"benchmark", "series", "steady time / job", "page faults / job", "peak RSS", "instructions / job", "instructions outside jobs"}

// formatCount writes an instruction count in millions (or thousands when small).
func formatCount(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f k", float64(n)/1e3)
	}
	return fmt.Sprintf("%.2f M", float64(n)/1e6)
}

// FormatKB writes a size in KiB as MiB ("—" when not recorded).
func FormatKB(kb int64) string {
	if kb <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}
