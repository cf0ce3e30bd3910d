package explain

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// prolonged makes one process's rows: the first warm iterations take 10 ms,
// the rest about 1 ms; the process's counters on every row.
func prolonged(bench, runtime, target string, rep int32, n, warm int, faults, rssKB int64) []run.Sample {
	var rows []run.Sample
	for i := 1; i <= n; i++ {
		ns := int64(1_000_000 + (i%3)*5_000)
		if i <= warm {
			ns = 10_000_000
		}
		rows = append(rows, run.Sample{Experiment: run.Prolonged, Benchmark: bench, Runtime: runtime, Target: target,
			ColdStart: run.ColdProcess, Rep: rep, Iteration: int32(i), Iterations: int32(n), IterationNS: ns,
			MinorFaults: faults, MaxRSSKB: rssKB, Status: run.StatusOK})
	}
	return rows
}

func TestSteadyDropsWarmupAndDerivesFaultsPerJob(t *testing.T) {
	var rows []run.Sample
	rows = append(rows, prolonged("gemm", "native:glibc", "native-glibc", 1, 12, 2, 1000, 4000)...)
	rows = append(rows, prolonged("gemm", "native:glibc", "native-glibc", 2, 12, 2, 1000, 4000)...)
	rows = append(rows, prolonged("gemm", "wazero:compiler", "wasm32-wasi", 1, 12, 0, 0, 0)...)
	for range 3 {
		rows = append(rows, run.Sample{Experiment: run.Total, Benchmark: "gemm", Runtime: "native:glibc", ColdStart: run.ColdProcess,
			Iterations: 1, MinorFaults: 120, MaxRSSKB: 3000, Status: run.StatusOK})
	}
	rows = append(rows, run.Sample{Experiment: run.Prolonged, Benchmark: "gemm", Runtime: "native:glibc", ColdStart: run.ColdProcess,
		Rep: 3, Iteration: 1, Iterations: 12, IterationNS: 1, Status: run.StatusError})
	got := Steady(rows)
	if len(got) != 2 || got[0].Series != "native:glibc" || got[1].Series != "wazero:compiler" {
		t.Fatalf("rows %+v", got)
	}
	n := got[0]
	if n.WarmupJobs != 2 || n.SteadyJobs != 20 {
		t.Errorf("native warm-up %d, steady jobs %d; want 2 and 20", n.WarmupJobs, n.SteadyJobs)
	}
	if n.SteadyNS < 1e6 || n.SteadyNS > 1.01e6 {
		t.Errorf("native steady %v ns, want about 1 ms (warm-up excluded)", n.SteadyNS)
	}
	if want := (1000.0 - 120) / 11; math.Abs(n.FaultsPerJob-want) > 1e-9 || n.MaxRSSKB != 4000 {
		t.Errorf("faults per job %v (want %v), RSS %d (want 4000)", n.FaultsPerJob, want, n.MaxRSSKB)
	}
	w := got[1]
	if w.FaultsPerJob != NotRecorded || w.MaxRSSKB != NotRecorded || !strings.Contains(w.CounterNote, "not recorded") {
		t.Errorf("series without counters: %+v", w)
	}
	if w.Target != "wasm32-wasi" || w.JobInstructions != NotRecorded {
		t.Errorf("wasm row %+v", w)
	}
}

func TestSteadyShortSeriesDropsFirst(t *testing.T) {
	got := Steady(prolonged("atax", "native:glibc", "native-glibc", 1, 5, 1, 0, 0))
	if got[0].WarmupJobs != 1 || got[0].SteadyJobs != 4 || !strings.Contains(got[0].SteadyNote, "too few") {
		t.Errorf("short series: %+v", got[0])
	}
}

func TestWasmFaster(t *testing.T) {
	rows := []Row{
		{Benchmark: "a", Series: "native:glibc", Target: "native-glibc", SteadyNS: 10},
		{Benchmark: "a", Series: "native:musl", Target: "native-musl", SteadyNS: 8},
		{Benchmark: "a", Series: "wasmtime:aot", Target: "wasm32-wasi", SteadyNS: 9}, // beats glibc, not musl
		{Benchmark: "b", Series: "native:glibc", Target: "native-glibc", SteadyNS: 10},
		{Benchmark: "b", Series: "wazero:compiler", Target: "wasm32-wasi", SteadyNS: 7},
		{Benchmark: "c", Series: "wazero:compiler", Target: "wasm32-wasi", SteadyNS: 0}, // not in the prolonged test
	}
	if got := WasmFaster(rows); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("WasmFaster = %v, want [b]", got)
	}
}

func TestExplainNamesTheCause(t *testing.T) {
	base := Row{Benchmark: "k", Series: Baseline, SteadyNS: 100, JobInstructions: 1000, MaxRSSKB: 1000, FaultsPerJob: 10}
	for _, c := range []struct {
		r    Row
		want string
	}{
		{Row{SteadyNS: 80, JobInstructions: 700, MaxRSSKB: 1000, FaultsPerJob: 10}, "fewer instructions"},
		{Row{SteadyNS: 80, JobInstructions: 1000, MaxRSSKB: 1000, FaultsPerJob: 10}, "each instruction costs less"},
		{Row{SteadyNS: 80, JobInstructions: 1000, MaxRSSKB: 900, FaultsPerJob: 1}, "fewer page faults"},
		{Row{SteadyNS: 300, JobInstructions: 2500, MaxRSSKB: 1000, FaultsPerJob: 10}, "more instructions"},
		{Row{SteadyNS: 300, JobInstructions: 1000, MaxRSSKB: 1000, FaultsPerJob: 10}, "each instruction costs more"},
		{Row{SteadyNS: 50000, JobInstructions: 20000, MaxRSSKB: 1000, FaultsPerJob: 10}, "account for 20× of the 500×"},
		{Row{SteadyNS: 370, JobInstructions: 150000, MaxRSSKB: 1000, FaultsPerJob: 10}, "does not compare"},
		{Row{SteadyNS: 300, JobInstructions: 1000, MaxRSSKB: 5000, FaultsPerJob: 200}, "more page faults"},
		{Row{SteadyNS: 102, JobInstructions: 3000, MaxRSSKB: 1000, FaultsPerJob: 10}, "Same speed"},
		{Row{SteadyNS: 300, JobInstructions: NotRecorded, MaxRSSKB: NotRecorded}, "not determined"},
	} {
		c.r.Benchmark, c.r.Series = "k", "x"
		rows := []Row{base, c.r}
		Explain(rows)
		if rows[0].Finding != "baseline" || !strings.Contains(rows[1].Finding, c.want) {
			t.Errorf("%+v: finding %q, want it to say %q", c.r, rows[1].Finding, c.want)
		}
	}
}

func TestCSVRoundTrip(t *testing.T) {
	rows := []Row{
		{Benchmark: "gemm", Series: Baseline, Target: "native-glibc", SteadyNS: 63000, SteadyJobs: 18, WarmupJobs: 2,
			FaultsPerJob: 1.5, MaxRSSKB: 3000, CounterNote: "x, y", JobInstructions: 1120000, OtherInstructions: 160000,
			InstructionNote: "callgrind", Finding: "baseline"},
		{Benchmark: "gemm", Series: "wasmtime:aot", Target: "wasm32-wasi", SteadyNS: 211000, FaultsPerJob: NotRecorded,
			MaxRSSKB: NotRecorded, JobInstructions: NotRecorded, OtherInstructions: NotRecorded,
			InstructionNote: "does not run under valgrind: \"quoted\"\nsecond line", Finding: "3.35× …"},
	}
	path := filepath.Join(t.TempDir(), FileName)
	if err := WriteCSV(path, rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, rows)
	}
}

func TestReadCallgrindTotal(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "callgrind.1"), []byte("version: 1\nevents: Ir\nfn=main\n1 5\nsummary: 12345\ntotals: 12345\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "callgrind.2"), []byte("events: Ir\ntotals: 55\n"), 0o644)
	total, files, err := sumCallgrind(dir)
	if err != nil || total != 12400 || files != 2 {
		t.Errorf("sumCallgrind = %d, %d, %v; want 12400 from 2 files", total, files, err)
	}
	os.WriteFile(filepath.Join(dir, "callgrind.3"), []byte("events: Ir\n"), 0o644)
	if _, _, err := sumCallgrind(dir); err == nil {
		t.Error("a file without totals was accepted")
	}
}

// fakeKernel is a shell script speaking the harness protocol: each job is
// a loop, so a two-job process executes measurably more than a one-job one.
// Its timestamps are made up (increasing): date would fork a process.
const fakeKernel = `#!/bin/sh
n=$2
j=0; while [ $j -lt START ]; do j=$((j+1)); done
echo "rtwasm main_start 1"
i=1
while [ $i -le $n ]; do
  j=0; while [ $j -lt 3000 ]; do j=$((j+1)); done
  echo "rtwasm iteration $i $((i+1))"
  i=$((i+1))
done
echo "rtwasm main_end $((n+2))"
`

func TestCallgrindCountsOneJob(t *testing.T) {
	if _, err := exec.LookPath("valgrind"); err != nil {
		t.Skip("valgrind not installed (apt-get install valgrind)")
	}
	dir := t.TempDir()
	kernel := filepath.Join(dir, "kernel.sh")
	if err := os.WriteFile(kernel, []byte(strings.Replace(fakeKernel, "START", "0", 1)), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	cg, err := NewCallgrind("cg") // relative, as the mage target passes it
	if err != nil {
		t.Fatal(err)
	}
	native := runtimes.Native()[0]
	launch, err := cg.Launcher(native, runtimes.Env{}, kernel)
	if err != nil {
		t.Fatal(err)
	}
	job, other, k, err := cg.Job(context.Background(), launch)
	if err != nil {
		t.Fatal(err)
	}
	if k != 1 {
		t.Errorf("a job this large beside start-up took %d extra jobs, want 1", k)
	}
	// 3000 shell loop turns take well over 100 k instructions; start-up
	// (the dynamic loader, the shell's set-up) is counted apart.
	if job < 100_000 || other <= 0 {
		t.Errorf("one job %d instructions, the rest %d", job, other)
	}
	if os.Getenv(envOut) != "" {
		t.Errorf("%s left set", envOut)
	}
	// Programs looked up on PATH find the wrapper first.
	t.Setenv("PATH", os.Getenv("PATH"))
	if err := cg.WrapPath("sh"); err != nil {
		t.Fatal(err)
	}
	if got, err := exec.LookPath("sh"); err != nil || got != filepath.Join(cg.dir, "bin", "sh") {
		t.Errorf("LookPath(sh) = %s, %v; want the wrapper", got, err)
	}
	// A tiny job beside a long start-up takes more jobs to stand out.
	tiny := filepath.Join(dir, "tiny.sh")
	if err := os.WriteFile(tiny, []byte(strings.NewReplacer("START", "3000", "3000", "3").Replace(fakeKernel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if launch, err = cg.Launcher(native, runtimes.Env{}, tiny); err != nil {
		t.Fatal(err)
	}
	small, _, k, err := cg.Job(context.Background(), launch)
	if err != nil {
		t.Fatal(err)
	}
	if k <= 1 || small <= 0 || small >= job {
		t.Errorf("tiny job: %d instructions over %d extra jobs (the large one: %d)", small, k, job)
	}
	// Not wrappable: an embedded series (the runner's second of each pair).
	embedded := runtimes.Runner(runtimes.Env{Runner: "x"})[1]
	if _, err := cg.Launcher(embedded, runtimes.Env{}, kernel); err == nil || !strings.Contains(err.Error(), "embedded") {
		t.Errorf("%s (%s): %v", embedded.ID(), embedded.ColdStart(), err)
	}
}

func TestMergeReplacesExplainedKernels(t *testing.T) {
	old := []Row{{Benchmark: "gemm", Series: "a", Finding: "old"}, {Benchmark: "adi", Series: "a"}}
	got := Merge(old, []Row{{Benchmark: "gemm", Series: "a", Finding: "new"}, {Benchmark: "gemm", Series: Baseline}})
	if len(got) != 3 || got[0].Benchmark != "adi" || got[1].Series != Baseline || got[2].Finding != "new" {
		t.Errorf("Merge = %+v", got)
	}
}

func TestSelectAddsNativesAndProxies(t *testing.T) {
	rows := []Row{{Benchmark: "gemm", Series: "wasmtime:aot"}, {Benchmark: "adi", Series: "wazero:interp"}, {Benchmark: "mvt", Series: "x"}}
	got := Select(rows, []string{"gemm", "adi"}, Natives...)
	var names []string
	for _, r := range got {
		names = append(names, r.Benchmark+"/"+r.Series)
	}
	want := []string{"adi/native:glibc", "adi/native:musl", "adi/wazero:interp",
		"gemm/native:glibc", "gemm/native:musl", "gemm/wasmtime:aot", "gemm/wasmtime:cranelift"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Select = %v, want %v", names, want)
	}
}

func TestProxyStandsInForInstructions(t *testing.T) {
	rows := []Row{
		{Benchmark: "k", Series: Baseline, SteadyNS: 100, JobInstructions: 1000},
		{Benchmark: "k", Series: "wasmtime:aot", SteadyNS: 80, JobInstructions: NotRecorded},
		{Benchmark: "k", Series: "wasmtime:cranelift", JobInstructions: 1200},
	}
	Explain(rows)
	if f := rows[1].Finding; !strings.Contains(f, "1.20× the instructions per job (counted on wasmtime:cranelift") || !strings.Contains(f, "each instruction costs less") {
		t.Errorf("finding %q", f)
	}
}
