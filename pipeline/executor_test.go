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

// TestNewExecutor: RTWASM_EXECUTOR picks the executor. With fake runtimes,
// and a fake go and sbatch on PATH, the local one returns a complete run
// and the Slurm one a submitted run (a trial list, no samples yet);
// an unknown name is refused naming the valid ones.
func TestNewExecutor(t *testing.T) {
	bin := fakeSubmitTools(t, "echo 42")
	client := fleet.Slurm{Env: []string{"PATH=" + bin + ":" + os.Getenv("PATH")}}
	b := fakeBuilds([]string{"gemm"}, &fakeRuntime{id: "fake:good"})
	for _, tc := range []struct {
		executor       string
		completes      bool
		samples, trial bool // which files the run has when Run returns
	}{
		{ExecutorLocal, true, true, false},
		{ExecutorSlurm, false, false, true},
	} {
		o := testOptions(t)
		o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations = []string{"gemm"}, 1, 1, 1
		o.Executor, o.Partition, o.Shards = tc.executor, "p", 1
		ex, err := NewExecutor(o, client, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if ex.Completes() != tc.completes {
			t.Errorf("%s: Completes %v, want %v", tc.executor, ex.Completes(), tc.completes)
		}
		dir, err := ex.Run(context.Background(), o, b, []string{run.Startup}, io.Discard)
		if err != nil {
			t.Fatalf("%s: %v", tc.executor, err)
		}
		if _, err := os.Stat(filepath.Join(dir, run.SamplesFile)); (err == nil) != tc.samples {
			t.Errorf("%s: samples written %v, want %v", tc.executor, err == nil, tc.samples)
		}
		if _, err := os.Stat(filepath.Join(dir, TrialListFile)); (err == nil) != tc.trial {
			t.Errorf("%s: trial list written %v, want %v", tc.executor, err == nil, tc.trial)
		}
	}
	if _, err := NewExecutor(run.Options{Executor: "ssh"}, client, ""); err == nil || !strings.Contains(err.Error(), ExecutorSlurm) {
		t.Errorf("RTWASM_EXECUTOR=ssh: %v, want a refusal naming the executors", err)
	}
}
