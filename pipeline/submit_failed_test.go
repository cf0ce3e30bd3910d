package pipeline

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/fleet"
	"github.com/rtwasm/rtwasm/run"
)

// TestFleetSubmissionFailed: when sbatch refuses the job, latest does not
// move to the planned run, the run is marked "submission failed", and the
// error says that resume resubmits it; a later successful submission
// (resume) marks it running and points latest at it.
func TestFleetSubmissionFailed(t *testing.T) {
	// An sbatch that refuses, then accepts once the partition "exists".
	ok := filepath.Join(t.TempDir(), "ok")
	bin := fakeSubmitTools(t, "[ -e "+ok+" ] || { echo 'sbatch: error: invalid partition specified: nope' >&2; exit 1; }\necho 42")
	b := fakeBuilds([]string{"gemm"}, &fakeRuntime{id: "fake:good"})
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations = []string{"gemm"}, 1, 1, 1
	o.Executor, o.Partition, o.Shards = ExecutorSlurm, "nope", 1
	s := fleet.Slurm{Env: []string{"PATH=" + bin + ":" + os.Getenv("PATH")}}
	dir, _, err := SubmitFleet(context.Background(), o, b, run.AllExperiments, s, t.TempDir(), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "invalid partition") || !strings.Contains(err.Error(), "RTWASM_RESUME="+filepath.Base(dir)) {
		t.Fatalf("a refused submission: %v, want sbatch's reason and the resume command", err)
	}
	if _, err := os.Lstat(filepath.Join(o.DataDir, run.Latest)); err == nil {
		t.Error("latest points at a run that was never submitted")
	}
	if m, _ := run.ReadManifest(dir); m.State != run.StateSubmissionFailed || !m.NeverStarted() {
		t.Errorf("manifest state %q, want %q", m.State, run.StateSubmissionFailed)
	}

	os.WriteFile(ok, nil, 0o644)
	o.Resume = filepath.Base(dir)
	if _, _, err := SubmitFleet(context.Background(), o, b, run.AllExperiments, s, t.TempDir(), io.Discard); err != nil {
		t.Fatalf("resubmission: %v", err)
	}
	if m, _ := run.ReadManifest(dir); m.State != run.StateRunning {
		t.Errorf("after resubmission: state %q, want running", m.State)
	}
	if target, err := os.Readlink(filepath.Join(o.DataDir, run.Latest)); err != nil || target != filepath.Base(dir) {
		t.Errorf("after resubmission latest is %q (%v), want %s", target, err, filepath.Base(dir))
	}
}

// fakeSubmitTools puts on PATH, for the test, a fake go (compileMage's `go
// tool mage -compile OUT` writes an empty OUT) and an sbatch running the
// shell commands sbatch; it returns their directory.
func fakeSubmitTools(t *testing.T, sbatch string) string {
	t.Helper()
	bin := t.TempDir()
	script := map[string]string{
		"go":     "#!/bin/sh\nfor a; do out=$a; done; : > \"$out\"\n",
		"sbatch": "#!/bin/sh\n" + sbatch + "\n",
	}
	for name, body := range script {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	return bin
}
