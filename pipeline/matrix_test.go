package pipeline

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/runtimes/container"
	"github.com/rtwasm/rtwasm/toolchain"
)

// TestMatrixRecordsFailuresAndGoesOn: a malformed module, an endless kernel
// and a missing build each become error rows; every other cell is measured.
func TestMatrixRecordsFailuresAndGoesOn(t *testing.T) {
	good := builtKernels(t)
	b := *good
	b.Artifacts = map[string]toolchain.Artifact{}
	for k, v := range good.Artifacts {
		b.Artifacts[k] = v
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.wasm")
	os.WriteFile(bad, []byte("this is not WebAssembly"), 0o644)
	b.Artifacts["gemm/wasm32-wasi"] = toolchain.Artifact{Path: bad}
	endless := filepath.Join(dir, "endless")
	os.WriteFile(endless, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755)
	b.Artifacts["gemm/native-glibc"] = toolchain.Artifact{Path: endless}
	delete(b.Artifacts, "atax/native-musl")
	b.Runtimes = nil
	for _, r := range good.Runtimes {
		if slices.Contains([]string{"native:glibc", "native:musl", "wazero:interp", "wazero:compiler"}, r.ID()) && r.ColdStart() == run.ColdProcess {
			b.Runtimes = append(b.Runtimes, r)
		}
	}

	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Iterations, o.Timeout = []string{"gemm", "atax"}, 2, 3, 3*time.Second
	dir, err := RunExperiments(context.Background(), o, &b, run.AllExperiments, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantErr := map[string]string{
		"gemm wazero:interp":         "invalid magic number",
		"gemm wazero:compiler":       "invalid magic number",
		"gemm native:glibc":          "timeout",
		"atax native:musl":           "build failed",
		"atax native:musl replicate": "build failed",
	}
	ok := map[string]int{}
	for _, s := range rows {
		key := s.Benchmark + " " + s.Runtime
		if s.Replicate > 0 {
			key += " replicate" // native:musl's true A/A series
		}
		if want, isBad := wantErr[key]; isBad {
			if s.Status != run.StatusError || !strings.Contains(s.Error, want) {
				t.Errorf("%s %s: status %s error %q, want an error row containing %q", key, s.Experiment, s.Status, s.Error, want)
			}
			continue
		}
		if s.Status != run.StatusOK {
			t.Errorf("%s %s: %s %s", key, s.Experiment, s.Status, s.Error)
		}
		ok[key+" "+s.Experiment]++
	}
	// 4 good cells and a replicate × (2 startup + 2 total + 1 prolonged process × 3 iterations).
	for _, key := range []string{"gemm native:musl", "gemm native:musl replicate", "atax native:glibc", "atax wazero:interp", "atax wazero:compiler"} {
		if ok[key+" startup"] != 2 || ok[key+" total"] != 2 || ok[key+" prolonged"] != 3 {
			t.Errorf("%s: startup %d, total %d, prolonged %d rows; want 2, 2, 3", key, ok[key+" startup"], ok[key+" total"], ok[key+" prolonged"])
		}
	}
}

func TestSamplesOfProlonged(t *testing.T) {
	base := run.Sample{Experiment: run.Prolonged, Iterations: 2, LaunchNS: 1000}
	out := "rtwasm main_start 1500\nrtwasm iteration 1 1700\nrtwasm iteration 2 1800\nrtwasm main_end 1850\n"
	rows := samplesOf(base, runtimes.Result{Stdout: []byte(out)})
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	first, second := rows[0], rows[1]
	if first.StartupNS != 500 || first.TotalNS != 850 || first.ExecNS != 350 {
		t.Errorf("startup/total/exec %d/%d/%d, want 500/850/350", first.StartupNS, first.TotalNS, first.ExecNS)
	}
	if first.Iteration != 1 || first.IterationNS != 200 || second.Iteration != 2 || second.IterationNS != 100 {
		t.Errorf("iterations %+v %+v, want 200 ns then 100 ns", first, second)
	}
	short := samplesOf(run.Sample{Experiment: run.Prolonged, Iterations: 3}, runtimes.Result{Stdout: []byte(out)})
	if len(short) != 1 || short[0].Status != run.StatusError {
		t.Errorf("a kernel reporting fewer iterations than asked was not an error: %+v", short)
	}
}

// TestSamplesOfHybridPolicy: the hybrid's policy line lands in the note
// column, before any note of its own.
func TestSamplesOfHybridPolicy(t *testing.T) {
	base := run.Sample{Experiment: run.Prolonged, Iterations: 1, LaunchNS: 1000}
	out := "rtwasm main_start 1500\nrtwasm tier 1 opt\nrtwasm iteration 1 1700\nrtwasm hybrid_switch 1\n" +
		"rtwasm hybrid_compile_ns 90\nrtwasm hybrid_policy race cpus=2 budget_ns=0 abandoned_job=1\n"
	rows := samplesOf(base, runtimes.Result{Stdout: []byte(out + "rtwasm main_end 1850\n")})
	if len(rows) != 1 || rows[0].Note != "policy race cpus=2 budget_ns=0 abandoned_job=1" || rows[0].SwitchIteration != 1 {
		t.Fatalf("rows %+v", rows)
	}
	noted := samplesOf(base, runtimes.Result{Stdout: []byte(out + "rtwasm hybrid_note compile failed\nrtwasm main_end 1850\n")})
	if want := "policy race cpus=2 budget_ns=0 abandoned_job=1; compile failed"; noted[0].Note != want {
		t.Fatalf("note %q, want %q", noted[0].Note, want)
	}
}

// TestDockerDownMatrixGoesOn: with no reachable Docker Engine, docker:engine
// rows are unavailable with the fix named, and the other runtimes measure.
func TestDockerDownMatrixGoesOn(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent.sock")
	b := *builtKernels(t)
	b.Runtimes = container.Docker()
	d := b.Runtimes[0]
	for _, r := range builtKernels(t).Runtimes {
		if r.ID() == "native:musl" {
			b.Runtimes = append(b.Runtimes, r)
		}
	}
	o := testOptions(t)
	o.Benchmarks, o.Reps = []string{"gemm"}, 1
	dir, err := RunExperiments(context.Background(), o, &b, []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, s := range rows {
		status[s.Runtime] = s.Status
		if s.Runtime == d.ID() && !strings.Contains(s.Error, "systemctl start docker") {
			t.Errorf("docker row error %q does not name the fix", s.Error)
		}
	}
	if status[d.ID()] != run.StatusUnavailable || status["native:musl"] != run.StatusOK {
		t.Errorf("statuses %v; want docker:engine unavailable and native:musl ok", status)
	}
}
