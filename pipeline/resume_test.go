package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/run"
)

// The test binary doubles as a matrix run that can be killed: these
// variables (not RTWASM_ options) switch it into that mode.
const (
	childDataEnv   = "PIPELINE_TEST_CHILD_DATA"
	childBuildEnv  = "PIPELINE_TEST_CHILD_BUILD"
	childResumeEnv = "PIPELINE_TEST_CHILD_RESUME"
)

func childOptions() run.Options {
	o, _ := ParseOptions(func(string) string { return "" })
	o.DataDir, o.BuildDir, o.Resume = os.Getenv(childDataEnv), os.Getenv(childBuildEnv), os.Getenv(childResumeEnv)
	o.Benchmarks = []string{"gemm", "atax", "trisolv"}
	o.Runtimes, o.ColdStarts = []string{"native:glibc", "native:musl", "wazero:compiler"}, []string{run.ColdProcess}
	o.Reps, o.ProlongedReps, o.Iterations, o.Seed = 4, 1, 3, 7
	return o
}

func childRun(data string) int {
	o := childOptions()
	b, err := Build(context.Background(), o, os.Stderr)
	if err == nil {
		_, err = RunExperiments(context.Background(), o, b, run.AllExperiments, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestResumeAfterSIGKILL kills a run at a random point, resumes it, and
// finds every cell exactly once in a readable samples.parquet.
func TestResumeAfterSIGKILL(t *testing.T) {
	builtKernels(t) // fills the build cache the child uses
	data := t.TempDir()
	env := append(os.Environ(), childDataEnv+"="+data, childBuildEnv+"="+filepath.Join(testDir, "build"))
	killAfter := 5 + rand.IntN(60) // journaled trials, of 3 kernels × 4 series × 9 = 108
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = env
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	dir := waitForJournal(t, data, killAfter)
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	if _, err := os.Stat(filepath.Join(dir, run.SamplesFile)); err == nil {
		t.Fatalf("the run finished before the kill after %d cells; nothing was tested", killAfter)
	}
	resume := exec.Command(os.Args[0], "-test.run=^$")
	resume.Env = append(env, childResumeEnv+"="+filepath.Base(dir))
	if out, err := resume.CombinedOutput(); err != nil || !strings.Contains(string(out), "resuming:") {
		t.Fatalf("resume failed (%v):\n%s", err, out)
	}
	_, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, s := range rows {
		seen[fmt.Sprintf("%s|%s|%s|%d|%d|%d", s.Experiment, s.Benchmark, s.Series(), s.Replicate, s.Rep, s.Iteration)]++
	}
	// 3 kernels × 4 series (3 runtimes and native:musl's replicate) × (4
	// startup + 4 total + 1 prolonged × 3 iterations).
	if len(seen) != 12*(4+4+3) || len(rows) != len(seen) {
		t.Fatalf("%d rows, %d distinct cells; want 132 of each", len(rows), len(seen))
	}
	t.Logf("killed after %d journaled cells; resume completed the run", killAfter)
}

// waitForJournal waits until the child's run has journaled n cells.
func waitForJournal(t *testing.T, data string, n int) string {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		runs, _ := filepath.Glob(filepath.Join(data, "2*"))
		if len(runs) == 1 {
			b, _ := os.ReadFile(filepath.Join(runs[0], run.JournalFile))
			if strings.Count(string(b), "\n") >= n {
				return runs[0]
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the child run journaled too little in 3 minutes")
	return ""
}
