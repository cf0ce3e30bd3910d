package reports

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/run"
)

// The synthetic fixture: three benchmarks; five series that ran, one of
// them a container and two in the embedded cold-start model (one runtime id,
// wasmtime:cranelift, in both models); two series that could not run, one
// of them the process model of a runtime measured embedded; every
// experiment; one failed sample; and two 60-sample cells for the real-time
// view, one i.i.d. and one drifting.
var (
	fixtureBenchmarks = []string{"gemm", "jacobi-2d", "atax"}
	fixtureStarted    = time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	fixtureFinished   = time.Date(2024, 3, 5, 10, 42, 7, 0, time.UTC)
)

// fixtureSeries describes how each series behaves.
type fixtureSeries struct {
	id, coldStart, target string
	startupMS             float64 // median startup
	speed                 float64 // job time = kernel time × speed
	warmUp                float64 // iteration i takes × (1 + warmUp/i²)
	unavailable           string  // reason, when it could not run
}

var fixtureSeriesList = []fixtureSeries{
	{id: "native:glibc", coldStart: "process", target: "native-glibc", startupMS: 1.2, speed: 1},
	{id: "runc:bundle", coldStart: "process", target: "native-musl", startupMS: 60, speed: 0.97},
	{id: "wasmtime:cranelift", coldStart: "process", target: "wasm32-wasi", startupMS: 40, speed: 0.8, warmUp: 1.5},
	{id: "wasmtime:cranelift", coldStart: "embedded", target: "wasm32-wasi", startupMS: 6, speed: 0.8, warmUp: 1.5},
	{id: "wazero:interp", coldStart: "embedded", target: "wasm32-wasi", startupMS: 0.15, speed: 2},
	{id: "wazero:interp", coldStart: "process", target: "wasm32-wasi", unavailable: unavailableRunner},
	{id: "docker:engine", coldStart: "process", target: "native-musl", unavailable: unavailableReason},
}

// fixtureKernelMS is each kernel's job time on native:glibc.
var fixtureKernelMS = map[string]float64{"gemm": 8, "jacobi-2d": 3, "atax": 0.05}

const (
	fixtureReps          = 5
	fixtureProlongedReps = 2
	fixtureIterations    = 12
	fixtureLongReps      = 60 // samples in the real-time view's long cells
	unavailableRuntime   = "docker:engine"
	unavailableReason    = "docker: cannot connect to the Docker daemon at unix:///var/run/docker.sock"
	unavailableRunner    = "rtwasm-run was not built: run go tool mage build"
	embeddedSeries       = "wazero:interp (embedded)"
	failedRuntime        = "wasmtime:cranelift"
	failedBenchmark      = "jacobi-2d"
	failedError          = "wasm trap: out of bounds memory access\n    at jacobi_2d (kernel.wasm)"
	containerBaseText    = "scratch + busybox-static 1:1.36.1-2"
	longSeries           = "native:glibc"
	longBenchmark        = "gemm"
)

type fixtureOptions struct {
	fixedFrequency bool
	experiments    []string // default: all
}

// writeFixture writes a synthetic run into dir and returns its samples.
func writeFixture(t *testing.T, dir string, opt fixtureOptions) []run.Sample {
	t.Helper()
	if opt.experiments == nil {
		opt.experiments = run.AllExperiments
	}
	rows := fixtureSamples(opt.experiments)
	if err := run.WriteSamples(filepath.Join(dir, run.SamplesFile), rows); err != nil {
		t.Fatal(err)
	}
	if err := run.WriteManifest(dir, fixtureManifest(opt)); err != nil {
		t.Fatal(err)
	}
	return rows
}

func fixtureManifest(opt fixtureOptions) run.Manifest {
	start := host.State{CPUModel: "Intel(R) Xeon(R) Gold 5218 CPU @ 2.30GHz", Cores: 4, Kernel: "6.8.0-41-generic", GoArch: "amd64", Turbo: "on"}
	for cpu := range start.Cores {
		f := host.CPUFreq{CPU: cpu, Governor: "powersave", CurKHz: 2_800_000, MinKHz: 1_000_000, MaxKHz: 3_900_000}
		if opt.fixedFrequency {
			f = host.CPUFreq{CPU: cpu, Governor: "userspace", CurKHz: 2_300_000, MinKHz: 2_300_000, MaxKHz: 2_300_000}
		}
		start.CPUs = append(start.CPUs, f)
	}
	end := start
	end.Kernel = "6.8.0-41-generic-end" // distinguishable from the start
	var ids []string
	var runtimes []run.RuntimeInfo
	for _, fs := range fixtureSeriesList {
		if len(ids) == 0 || ids[len(ids)-1] != fs.id {
			ids = append(ids, fs.id)
		}
		info := run.RuntimeInfo{ID: fs.id, Target: fs.target, ColdStart: fs.coldStart, Available: fs.unavailable == "", Reason: fs.unavailable}
		switch {
		case fs.unavailable != "":
		case fs.id == "runc:bundle":
			info.Version, info.Binary = "runc 1.1.5 (OCI spec 1.0.2-dev); rootfs "+containerBaseText+", 1.2 MB", "/usr/sbin/runc"
		default:
			info.Version = fs.id + " 19.0.0"
		}
		runtimes = append(runtimes, info)
	}
	return run.Manifest{
		RunID: "20240305-100000-fixture", Project: "0123456789abcdef", Started: fixtureStarted, Finished: fixtureFinished,
		Experiments: opt.experiments,
		Options: run.Options{Profile: "smoke", Benchmarks: fixtureBenchmarks, Runtimes: ids, ColdStarts: []string{"process", "embedded"},
			Dataset: run.Mini, Reps: fixtureReps, ProlongedReps: fixtureProlongedReps, Iterations: fixtureIterations,
			Timeout: 2 * time.Minute, Seed: 42},
		HostStart: start, HostEnd: end,
		Compilers: []run.Provenance{
			{Target: "wasm32-wasi", Name: "wasi-sdk-21", Path: "/opt/wasi-sdk/bin/clang", Version: "clang version 17.0.6",
				Flags: []string{"-O3"}, Source: "downloaded from github.com/WebAssembly/wasi-sdk releases"},
			{Target: "native-glibc", Name: "cc", Path: "/usr/bin/cc", Version: "gcc (Debian 12.2.0-14) 12.2.0",
				Flags: []string{"-O3"}, Source: "system"},
		},
		Runtimes: runtimes,
	}
}

// fixtureSamples makes plausible timings with 10% log-normal jitter.
func fixtureSamples(experiments []string) []run.Sample {
	rng := rand.New(rand.NewPCG(1, 2))
	jitter := func(ms float64) int64 { return int64(ms * nsPerMS * math.Exp(rng.NormFloat64()*0.1)) }
	var rows []run.Sample
	order := int32(0)
	for _, exp := range experiments {
		for _, b := range fixtureBenchmarks {
			for _, fs := range fixtureSeriesList {
				base := run.Sample{RunID: "20240305-100000-fixture", Experiment: exp, Benchmark: b, Category: "test",
					Dataset: "MINI", Runtime: fs.id, Target: fs.target, ColdStart: fs.coldStart}
				if fs.unavailable != "" {
					base.Status, base.Error = run.StatusUnavailable, fs.unavailable
					rows = append(rows, base)
					continue
				}
				for rep := 1; rep <= fixtureRepsFor(exp, b, fs); rep++ {
					order++
					s := base
					s.Rep, s.Order, s.Status = int32(rep), order, run.StatusOK
					s.LaunchNS = 1_700_000_000_000_000_000 + int64(order)*1_000_000_000
					s.StartupNS = jitter(fs.startupMS * drift(exp, b, fs, rep))
					s.MainStartNS = s.LaunchNS + s.StartupNS
					if exp == run.Prolonged {
						rows = append(rows, prolongedRows(s, fixtureKernelMS[b]*fs.speed, fs.warmUp, jitter)...)
						continue
					}
					if exp == run.Total {
						s.ExecNS = jitter(fixtureKernelMS[b] * fs.speed * (1 + fs.warmUp))
						s.MainEndNS = s.MainStartNS + s.ExecNS
						s.TotalNS = s.MainEndNS - s.LaunchNS
						if fs.id == failedRuntime && fs.coldStart == "process" && b == failedBenchmark && rep == 3 {
							s.Status, s.ExitStatus, s.Error = run.StatusError, 134, failedError
						}
					}
					rows = append(rows, s)
				}
			}
		}
	}
	return rows
}

// fixtureRepsFor gives the long cells (gemm on native:glibc, startup and
// total) fixtureLongReps samples.
func fixtureRepsFor(exp, benchmark string, fs fixtureSeries) int {
	switch {
	case exp == run.Prolonged:
		return fixtureProlongedReps
	case benchmark == longBenchmark && fs.id == longSeries:
		return fixtureLongReps
	}
	return fixtureReps
}

// drift makes the long startup cell slow down steadily over the run, so
// that it fails the identical-distribution check.
func drift(exp, benchmark string, fs fixtureSeries, rep int) float64 {
	if exp == run.Startup && benchmark == longBenchmark && fs.id == longSeries {
		return 1 + float64(rep)/fixtureLongReps
	}
	return 1
}

// prolongedRows expands one prolonged process into its iterations.
func prolongedRows(process run.Sample, jobMS, warmUp float64, jitter func(float64) int64) []run.Sample {
	var rows []run.Sample
	end := process.MainStartNS
	for it := 1; it <= fixtureIterations; it++ {
		s := process
		s.Iteration, s.Iterations = int32(it), fixtureIterations
		s.IterationNS = jitter(jobMS * (1 + warmUp/float64(it*it)))
		end += s.IterationNS
		s.IterationEndNS = end
		rows = append(rows, s)
	}
	return rows
}
