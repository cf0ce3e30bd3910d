package reports

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
)

// The verdict fixture: the paper's five series plus native, hand-written
// timings with 2 % jitter. Start-up and speed per series, kernels on both
// sides of the 1 s line.
type verdictSeries struct {
	id, target  string
	startupMS   float64
	speed       float64 // job time = kernel time × speed
	unavailable string
	slowStartOn string // a kernel whose start-up takes 3× as long
}

var verdictKernelMS = map[string]float64{"atax": 5, "gemm": 20, "lu": 2500, "heat-3d": 4000}

var verdictBenchmarks = []string{"atax", "gemm", "lu", "heat-3d"}

const (
	verdictReps       = 12
	verdictIterations = 10
	verdictImageMB    = 7.8
	verdictWasmBytes  = 24_000
)

func paperFixture() []verdictSeries {
	return []verdictSeries{
		{id: "wamr:fast-jit", target: "wasm32-wasi", startupMS: 20, speed: 2.0},
		{id: "wamr:multi-tier", target: "wasm32-wasi", startupMS: 22, speed: 1.3},
		{id: "wamr:llvm-jit", target: "wasm32-wasi", startupMS: 320, speed: 0.9},
		{id: "wasmtime-cli:cranelift", target: "wasm32-wasi", startupMS: 45, speed: 1.1},
		{id: "docker:engine", target: "native-musl", startupMS: 270, speed: 1.0},
		{id: "native:glibc", target: "native-glibc", startupMS: 1, speed: 1.0},
	}
}

// verdictRun builds the run data of a fixture series list.
func verdictRun(list []verdictSeries) (run.Manifest, []run.Sample) {
	rng := rand.New(rand.NewPCG(7, 11))
	jitter := func(ms float64) int64 { return int64(ms * nsPerMS * math.Exp(rng.NormFloat64()*0.02)) }
	m := run.Manifest{RunID: "verdict-fixture", Experiments: run.AllExperiments,
		Options: run.Options{Profile: "claims", Benchmarks: verdictBenchmarks, Dataset: run.Large,
			Reps: verdictReps, ProlongedReps: 2, Iterations: verdictIterations}}
	for _, b := range verdictBenchmarks {
		m.Artifacts = append(m.Artifacts, run.ArtifactRecord{Benchmark: b, Target: "wasm32-wasi", Bytes: verdictWasmBytes},
			run.ArtifactRecord{Benchmark: b, Target: "native-musl", Bytes: 900_000})
	}
	var rows []run.Sample
	for _, vs := range list {
		info := run.RuntimeInfo{ID: vs.id, Target: vs.target, ColdStart: run.ColdProcess, Available: vs.unavailable == "", Reason: vs.unavailable}
		if vs.id == paper.Container {
			info.Version = "Docker 27.3.1; image FROM alpine:3.20, 7.8 MB"
		}
		m.Runtimes = append(m.Runtimes, info)
		m.Options.Runtimes = append(m.Options.Runtimes, vs.id)
		for _, exp := range run.AllExperiments {
			for _, b := range verdictBenchmarks {
				base := run.Sample{Experiment: exp, Benchmark: b, Runtime: vs.id, Target: vs.target, ColdStart: run.ColdProcess}
				if vs.unavailable != "" {
					base.Status, base.Error = run.StatusUnavailable, vs.unavailable
					rows = append(rows, base)
					continue
				}
				rows = append(rows, verdictCell(base, vs, verdictKernelMS[b], jitter)...)
			}
		}
	}
	return m, rows
}

func verdictCell(base run.Sample, vs verdictSeries, kernelMS float64, jitter func(float64) int64) []run.Sample {
	var rows []run.Sample
	reps := verdictReps
	if base.Experiment == run.Prolonged {
		reps = 2
	}
	for rep := 1; rep <= reps; rep++ {
		s := base
		s.Rep, s.Status = int32(rep), run.StatusOK
		s.LaunchNS = 1_700_000_000_000_000_000
		s.StartupNS = jitter(vs.startupMS)
		if base.Benchmark == vs.slowStartOn {
			s.StartupNS *= 3
		}
		s.MainStartNS = s.LaunchNS + s.StartupNS
		switch base.Experiment {
		case run.Total:
			s.ExecNS = jitter(kernelMS * vs.speed)
			s.TotalNS = s.StartupNS + s.ExecNS
		case run.Prolonged:
			end := s.MainStartNS
			for it := 1; it <= verdictIterations; it++ {
				p := s
				p.Iteration, p.Iterations = int32(it), verdictIterations
				p.IterationNS = jitter(kernelMS * vs.speed)
				end += p.IterationNS
				p.IterationEndNS = end
				rows = append(rows, p)
			}
			continue
		}
		rows = append(rows, s)
	}
	return rows
}

func verdictByID(t *testing.T, list []claimVerdict) map[string]claimVerdict {
	t.Helper()
	byID := map[string]claimVerdict{}
	for _, v := range list {
		byID[v.ID] = v
	}
	return byID
}

func wantVerdict(t *testing.T, got map[string]claimVerdict, id, verdict, detail string) {
	t.Helper()
	v, ok := got[id]
	if !ok {
		t.Fatalf("no verdict row %s", id)
	}
	if v.Verdict != verdict || !strings.Contains(v.Detail, detail) {
		t.Errorf("%s: got %q (%s); want %q containing %q; this run: %s", id, v.Verdict, v.Detail, verdict, detail, v.Run)
	}
}

// expectOrder is the verdict a fixture's numbers imply for "a is faster than b".
func expectOrder(a, b float64) string {
	if a < b {
		return verdictHolds
	}
	return verdictFails
}

func seriesNamed(list []verdictSeries, id string) verdictSeries {
	for _, s := range list {
		if s.id == id {
			return s
		}
	}
	return verdictSeries{}
}

func TestVerdictWithWAMR(t *testing.T) {
	list := paperFixture()
	m, rows := verdictRun(list)
	got := verdictByID(t, newRun(m, rows).verdicts())
	llvm, container := seriesNamed(list, paper.LLVMJIT), seriesNamed(list, paper.Container)
	wantVerdict(t, got, "startup-independent", verdictHolds, "")
	if r := got["startup-independent"].Run; !strings.HasPrefix(r, "6 of 6 series similar on every benchmark, 0 differ; 24 of 24 cells tied") {
		t.Errorf("startup independence: %q; want all 6 series × 4 benchmarks tied", r)
	}
	wantVerdict(t, got, "fast-jits-start-first", verdictHolds, "")
	wantVerdict(t, got, "wasmtime-next", verdictHolds, "")
	wantVerdict(t, got, "llvm-jit-slower-start", expectOrder(container.startupMS, llvm.startupMS), "")
	// atax and gemm are short (< 1 s), lu and heat-3d long: see verdictKernelMS.
	wantVerdict(t, got, "short-llvm-container-worst", verdictHolds, "")
	wantVerdict(t, got, "long-llvm-container-win", verdictHolds, "")
	wantVerdict(t, got, "prolonged-winners", verdictHolds, "")
	wantVerdict(t, got, "wasm-faster-than-native", expectOrder(llvm.speed, container.speed), "")
	wantVerdict(t, got, "binary-size", verdictHolds, "")
	var ratio float64
	r := got["llvm-jit-slower-start"].Run
	if _, err := fmt.Sscanf(r[strings.LastIndex(r, "(")+1:], "%f×)", &ratio); err != nil || math.Abs(ratio/(llvm.startupMS/container.startupMS)-1) > 0.03 {
		t.Errorf("LLVM JIT vs container start-up: %q; want the fixture's ratio %.2f within 3 %%", r, llvm.startupMS/container.startupMS)
	}
	if r := got["binary-size"].Run; !strings.Contains(r, "median 24.0 kB") || !strings.Contains(r, "7.8 MB") {
		t.Errorf("binary sizes: %q; want the manifest's 24.0 kB and the image's 7.8 MB", r)
	}
	if r := got["prolonged-winners"].Run; !strings.HasPrefix(r, "container 0, LLVM JIT or multi-tier 4,") {
		t.Errorf("prolonged winners: %q; want LLVM JIT fastest in all 4 benchmarks", r)
	}
}

// TestVerdictReversed swaps the fixture's facts: the verdicts must follow the numbers.
func TestVerdictReversed(t *testing.T) {
	list := paperFixture()
	for i := range list {
		switch list[i].id {
		case paper.LLVMJIT:
			list[i].startupMS, list[i].speed = 150, 1.6 // starts before the container, never wins
		case paper.Container:
			list[i].speed = 0.7 // native code wins everywhere
		case paper.WasmtimeCLI:
			list[i].slowStartOn = "lu"
		}
	}
	m, rows := verdictRun(list)
	got := verdictByID(t, newRun(m, rows).verdicts())
	wantVerdict(t, got, "llvm-jit-slower-start", verdictFails, "slower")
	wantVerdict(t, got, "startup-independent", verdictPartly, "exceptions: wasmtime-cli:cranelift on lu 3.")
	wantVerdict(t, got, "prolonged-winners", verdictFails, "")
	wantVerdict(t, got, "wasm-faster-than-native", verdictFails, "")
	// The container still beats the three on long kernels: the claim holds through it.
	wantVerdict(t, got, "long-llvm-container-win", verdictHolds, "")
	wantVerdict(t, got, "short-llvm-container-worst", verdictHolds, "")
}

func TestVerdictWithoutWAMR(t *testing.T) {
	var list []verdictSeries
	for _, s := range paperFixture() {
		if strings.HasPrefix(s.id, "wamr:") {
			s.unavailable = "iwasm not found on PATH; set RTWASM_IWASM to a WAMR build"
		}
		list = append(list, s)
	}
	m, rows := verdictRun(list)
	dir := t.TempDir()
	if err := run.WriteSamples(filepath.Join(dir, run.SamplesFile), rows); err != nil {
		t.Fatal(err)
	}
	if err := run.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	out, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := verdictByID(t, newRun(m, rows).verdicts())
	for _, id := range []string{"fast-jits-start-first", "wasmtime-next", "llvm-jit-slower-start",
		"short-llvm-container-worst", "long-llvm-container-win", "prolonged-winners"} {
		wantVerdict(t, got, id, verdictNotChecked, wamrMissing)
	}
	// Without WAMR, Wasmtime (1.1×) against the container (1.0×): native wins.
	wantVerdict(t, got, "wasm-faster-than-native", verdictFails, "")
	wantVerdict(t, got, "startup-independent", verdictHolds, "")
	csv, err := os.ReadFile(filepath.Join(out, "verdict.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(csv), strings.Join(verdictHeader, ",")+"\n") || strings.Count(string(csv), wamrMissing) != 6 {
		t.Errorf("verdict.csv:\n%s\nwant the header and 6 rows naming %q", csv, wamrMissing)
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	setup, verdict := strings.Index(string(md), "## "+headingSetup), strings.Index(string(md), "## "+headingVerdict)
	if setup < 0 || verdict < setup || !strings.Contains(string(md), "not checked: "+wamrMissing) {
		t.Errorf("report.md: the verdict must follow Setup and show %q", "not checked: "+wamrMissing)
	}
}

// TestVerdictNeedsEnoughDecided: 3 of 12 benchmarks decided is no verdict;
// the detail names the samples per cell that would decide enough of them.
func TestVerdictNeedsEnoughDecided(t *testing.T) {
	var open []openItem
	for i := range 9 {
		open = append(open, openItem{fmt.Sprint("k", i), 10 * (i + 1)}) // 10, 20, … 90 more
	}
	detail, ok := enough(3, 12, open, "benchmarks")
	// ⅔ of 12 is 8: 5 more must be decided, the 5th smallest need is 50.
	if ok || !strings.Contains(detail, "3 of 12 benchmarks decided; a verdict needs 8") || !strings.Contains(detail, "about 50 more samples per cell") {
		t.Errorf("detail %q, ok %v", detail, ok)
	}
	if _, ok := enough(8, 12, nil, "benchmarks"); !ok {
		t.Error("8 of 12 decided is enough")
	}
	open[0].more, open[1].more, open[2].more, open[3].more, open[4].more = 0, 0, 0, 0, 0
	if detail, _ := enough(3, 12, open, "benchmarks"); !strings.Contains(detail, "5 of the 9 undecided cannot be estimated") {
		t.Errorf("unestimable: %q", detail)
	}
}

// TestVerdictConditions: a LARGE claim failing at MINI says where it was
// judged; multi-tier on one pinned CPU names the condition.
func TestVerdictConditions(t *testing.T) {
	r := newRun(run.Manifest{Options: run.Options{Dataset: run.Mini, CPUs: []int{1}}},
		[]run.Sample{{Experiment: run.Startup, Benchmark: "gemm", Runtime: paper.MultiTier, ColdStart: run.ColdProcess, Status: run.StatusOK}})
	got := r.conditioned([]claimVerdict{
		{ID: "wasm-faster-than-native", Verdict: verdictFails, Detail: "native:glibc is fastest"},
		{ID: "fast-jits-start-first", Claim: "WAMR fast JIT and multi-tier start fastest", Verdict: verdictPartly},
		{ID: "binary-size", Verdict: verdictFails},
	})
	if got[0].Verdict != verdictConditions || !strings.HasPrefix(got[0].Detail, "judged at MINI, the paper's claim is about LARGE: at MINI it does not hold; native") {
		t.Errorf("MINI claim: %+v", got[0])
	}
	if got[1].Verdict != verdictPartly || !strings.Contains(got[1].Detail, "one pinned CPU (RTWASM_CPUS=1)") {
		t.Errorf("multi-tier condition: %+v", got[1])
	}
	if got[2].Verdict != verdictFails || got[2].Detail != "" {
		t.Errorf("a dataset-independent claim was qualified: %+v", got[2])
	}
}
