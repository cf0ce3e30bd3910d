package reports

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

func TestWhySectionReadsExplainCSV(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, fixtureOptions{})
	out, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	if md := readString(t, out, "report.md"); !strings.Contains(md, "## "+headingWhy) || !strings.Contains(md, "go tool mage explain") {
		t.Error("without explain.csv the Why section should say how to make it")
	}
	rows := []run.ExplainRow{
		{Benchmark: "gemm", Series: "native:glibc", SteadyNS: 63e3, FaultsPerJob: 2, MaxRSSKB: 2048, JobInstructions: 1_120_000, OtherInstructions: 160_000, Finding: "baseline"},
		{Benchmark: "gemm", Series: "wasmtime:aot", SteadyNS: 211e3, FaultsPerJob: run.NotRecorded, MaxRSSKB: run.NotRecorded,
			JobInstructions: run.NotRecorded, OtherInstructions: run.NotRecorded,
			InstructionNote: "does not run under valgrind: module incompatible", Finding: "3.35× the time per job"},
	}
	if err := run.WriteExplain(filepath.Join(dir, run.ExplainFile), rows); err != nil {
		t.Fatal(err)
	}
	if out, err = Render(dir); err != nil {
		t.Fatal(err)
	}
	md := readString(t, out, "report.md")
	for _, want := range []string{"| gemm | native:glibc | 0.063 ms | 2.0 | 2.0 MiB | 1.12 M | 160.0 k | baseline |",
		"not recorded in this run", "3.35× the time per job", "gemm on wasmtime:aot: does not run under valgrind: module incompatible"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}

func TestAppsSection(t *testing.T) {
	var rows []run.Sample
	add := func(bench, category, runtime, target string, totalMS ...float64) {
		for i, ms := range totalMS {
			rows = append(rows, run.Sample{Experiment: run.Total, Benchmark: bench, Category: category, Runtime: runtime, Target: target,
				ColdStart: run.ColdProcess, Rep: int32(i + 1), TotalNS: int64(ms * nsPerMS), Status: run.StatusOK})
		}
	}
	add("gemm", "linear-algebra/blas", "native:glibc", "native-glibc", 1, 1, 1)
	add("sha256", run.CategoryApps, "native:glibc", "native-glibc", 2, 4, 3)
	add("sha256", run.CategoryApps, "wazero:compiler", "wasm32-wasi", 6, 7, 8)
	add("sha256", run.CategoryApps, "wasmtime:aot", "wasm32-wasi", 4.5, 5, 3.5)
	r := newRun(run.Manifest{Options: run.Options{Benchmarks: []string{"gemm", "sha256"}, Dataset: run.Mini}}, rows)
	c := r.appsSection()
	if c.Empty != "" || len(c.Tables) != 1 {
		t.Fatalf("apps section %+v", c)
	}
	tb := c.Tables[0]
	if !reflect.DeepEqual(tb.Header, []string{"Series", "sha256"}) {
		t.Fatalf("header %v: want sha256 only (gemm is not an app)", tb.Header)
	}
	want := map[string]string{"native:glibc": "3.00 ms", "wazero:compiler": "7.00 ms", "wasmtime:aot": "4.50 ms"}
	for _, row := range tb.Rows {
		if row[1] != want[row[0]] {
			t.Errorf("%s: %s, want %s", row[0], row[1], want[row[0]])
		}
	}
	if len(tb.Rows) != 3 {
		t.Errorf("%d rows, want one per series", len(tb.Rows))
	}
	if !strings.Contains(strings.Join(c.Paragraphs, " "), "sha256: the fastest WebAssembly series in a fresh process, wasmtime:aot, at 1.50×") {
		t.Errorf("narrative %q", c.Paragraphs)
	}
	if c := newRun(run.Manifest{}, rows[:3]).appsSection(); c.Empty == "" || !strings.Contains(c.Empty, "cnn") {
		t.Errorf("a run without apps: %+v", c)
	}
}
