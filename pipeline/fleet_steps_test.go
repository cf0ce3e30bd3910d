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

	"github.com/rtwasm/rtwasm/fleet"
	"github.com/rtwasm/rtwasm/run"
)

// TestFleetStepsWithoutSlurm runs the fleet's steps by hand with fake
// runtimes: plan, each shard (one twice, as a requeue would), merge. Every
// trial is measured once, in the planned order, and the merged rows are the
// local run's trials.
func TestFleetStepsWithoutSlurm(t *testing.T) {
	rt := &fakeRuntime{id: "fake:good"}
	b := fakeBuilds([]string{"gemm", "atax"}, rt)
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations = []string{"gemm", "atax"}, 3, 1, 2
	dir, p, err := ListFleetTrials(context.Background(), o, b, run.AllExperiments, 3, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Keys) != 2*(3+3+1) || len(p.Shards) != 3 {
		t.Fatalf("plan: %d trials in %d shards, want 14 in 3", len(p.Keys), len(p.Shards))
	}
	if err := MergeFleet(dir, io.Discard); err == nil || !strings.Contains(err.Error(), "shard 0: 5 of 5") {
		t.Fatalf("merging an unmeasured run: %v, want an error naming the missing trials per shard", err)
	}
	for shard := range 3 {
		if err := RunShard(context.Background(), o, b, dir, shard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	before := rt.count()
	if err := RunShard(context.Background(), o, b, dir, 1, io.Discard); err != nil {
		t.Fatal(err)
	}
	if rt.count() != before || before != len(p.Keys) {
		t.Fatalf("%d launches for %d trials, %d more on the rerun shard; want each once", before, len(p.Keys), rt.count()-before)
	}
	var progress strings.Builder
	if err := PrintStatus(context.Background(), &progress, dir, fleetNoSlurm()); err != nil || !strings.Contains(progress.String(), "14 of 14 trials") {
		t.Fatalf("status: %v\n%s", err, progress.String())
	}
	if err := MergeFleet(dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	m, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range rows {
		k := trialKey(s)
		if s.Iteration <= 1 {
			if seen[k] {
				t.Errorf("%s twice", k)
			}
			seen[k] = true
		}
		if p.Keys[s.Order] != k || !slices.Contains(p.Shards[s.Shard], k) {
			t.Errorf("%s at order %d (planned %s), shard %d", k, s.Order, p.Keys[s.Order], s.Shard)
		}
	}
	if len(seen) != len(p.Keys) {
		t.Errorf("%d trials merged, %d planned", len(seen), len(p.Keys))
	}
	// Three shards, one attempt each, one extra rerun: start and end of each.
	if len(m.Hosts) != 2*4 || m.Hosts[0].Phase != "start" || m.Hosts[0].State.Kernel == "" {
		t.Errorf("manifest hosts %d records (first %+v), want 8 with the kernel", len(m.Hosts), m.Hosts[0])
	}

	// A journal holding a trial dealt to another shard is refused.
	j0, _ := os.ReadFile(filepath.Join(dir, run.ShardJournalFile(0)))
	os.WriteFile(filepath.Join(dir, run.ShardJournalFile(1)), j0, 0o644)
	if err := MergeFleet(dir, io.Discard); err == nil {
		t.Error("a journal holding another shard's trials was merged")
	}
}

func TestExecutorOptions(t *testing.T) {
	if _, err := ParseOptions(env(map[string]string{"RTWASM_EXECUTOR": "slurm"})); err == nil || !strings.Contains(err.Error(), "RTWASM_SLURM_PARTITION") {
		t.Errorf("slurm without a partition: %v", err)
	}
	if _, err := ParseOptions(env(map[string]string{"RTWASM_EXECUTOR": "pbs"})); err == nil || !strings.Contains(err.Error(), "valid: local, slurm") {
		t.Errorf("unknown executor: %v", err)
	}
	o, err := ParseOptions(env(map[string]string{"RTWASM_EXECUTOR": "slurm", "RTWASM_SLURM_PARTITION": "batch", "RTWASM_SHARDS": "8"}))
	if err != nil || o.Executor != ExecutorSlurm || o.Partition != "batch" || o.Shards != 8 {
		t.Errorf("options %v %+v", err, o)
	}
	if o, _ := ParseOptions(env(nil)); o.Executor != ExecutorLocal || o.Shards != 0 {
		t.Errorf("default executor %q shards %d, want local and 0 (idle nodes)", o.Executor, o.Shards)
	}
}

// fleetNoSlurm is a Slurm client for a run that was never submitted.
func fleetNoSlurm() fleet.Slurm { return fleet.Slurm{} }

func TestFleetWall(t *testing.T) {
	h := time.Hour
	for _, c := range []struct {
		nodes, shards int
		want          time.Duration
	}{{1, 0, 10*h + 3*time.Minute}, {4, 0, 2*h + 30*time.Minute + 3*time.Minute}, {4, 8, 2*(h+15*time.Minute+2*time.Minute) + time.Minute}} {
		if got := FleetWall(10*h, 2*time.Minute, time.Minute, c.nodes, c.shards); got != c.want {
			t.Errorf("FleetWall(10h, %d nodes, %d shards) = %v, want %v", c.nodes, c.shards, got, c.want)
		}
	}
}
