package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/fleet"
	"github.com/rtwasm/rtwasm/fleet/cluster"
	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/run"
)

// These tests submit real fleet runs to a real Slurm cluster of two slurmd
// nodes (fleet/cluster): the shards and the merge run the shard and merge
// Mage targets (compiled from this checkout) in this checkout, as on a
// cluster with a shared home. They skip only where the machine cannot host a cluster.

// fleetCluster starts a two-node cluster torn down after the test.
func fleetCluster(t *testing.T) *cluster.Cluster { return cluster.UpForTest(t, 2) }

// fleetSetup is a fleet run's options, builds and Slurm client. The RTWASM_*
// variables the shards need travel in the submission's environment, as they
// would from a user's shell.
type fleetSetup struct {
	o        run.Options
	b        *Builds
	s        fleet.Slurm
	checkout string
}

func newFleetSetup(t *testing.T, c *cluster.Cluster, vars map[string]string) fleetSetup {
	t.Helper()
	vars["RTWASM_COLD_START"], vars["RTWASM_SEED"] = run.ColdProcess, "11"
	vars["RTWASM_EXECUTOR"], vars["RTWASM_SLURM_PARTITION"] = ExecutorSlurm, c.Partition
	vars["RTWASM_DATA"], vars["RTWASM_BUILD"] = t.TempDir(), filepath.Join(testDir, "build")
	os.Chmod(vars["RTWASM_DATA"], 0o755)
	o, err := ParseOptions(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Failures) > 0 {
		t.Fatalf("build failures: %v", b.Failures)
	}
	checkout, _ := filepath.Abs("..")
	fs := fleetSetup{o: o, b: b, checkout: checkout, s: fleet.Slurm{Env: c.Env()}}
	for k, v := range vars {
		fs.s.Env = append(fs.s.Env, k+"="+v)
	}
	return fs
}

// submit plans and submits the fleet run and returns its directory.
func (fs fleetSetup) submit(t *testing.T, ctx context.Context) (string, *fleet.Submission) {
	t.Helper()
	var log strings.Builder
	dir, sub, err := SubmitFleet(ctx, fs.o, fs.b, run.AllExperiments, fs.s, fs.checkout, &log)
	if err != nil {
		t.Fatalf("SubmitFleet: %v\n%s", err, log.String())
	}
	t.Logf("%s", strings.TrimSpace(log.String()))
	return dir, sub
}

// slurmOutput logs the shards' and the merge's output (for failures and the record).
func slurmOutput(dir string) string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(fleet.SlurmDir(dir), "*.out"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "--- %s\n%s", filepath.Base(f), lastLinesOf(string(data), 15))
	}
	return b.String()
}

func lastLinesOf(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n") + "\n"
}

// trialKey names a row's trial as the plan does.
func trialKey(s run.Sample) string {
	series := s.Series()
	if s.Replicate > 0 {
		series = replicateName(series)
	}
	return fmt.Sprintf("%s|%s|%s|%d", s.Experiment, s.Benchmark, series, s.Rep)
}

// checkFleetRun reads the merged run and checks every planned trial is there
// exactly once, in its planned order, taken by the shard it was dealt to.
func checkFleetRun(t *testing.T, dir string) (run.Manifest, []run.Sample, map[string]int32) {
	t.Helper()
	m, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadTrialList(dir)
	if err != nil {
		t.Fatal(err)
	}
	shardOf := map[string]int{}
	for i, keys := range p.Shards {
		for _, k := range keys {
			shardOf[k] = i
		}
	}
	order := map[string]int32{}
	perTrial := map[string]map[int32]int{} // trial → iteration → rows
	for _, s := range rows {
		if s.Status == run.StatusUnavailable {
			continue
		}
		k := trialKey(s)
		if s.Status != run.StatusOK {
			t.Errorf("%s: %s %s", k, s.Status, s.Error)
		}
		if perTrial[k] == nil {
			perTrial[k] = map[int32]int{}
		}
		perTrial[k][s.Iteration]++
		order[k] = s.Order
		if want := slices.Index(p.Keys, k); int(s.Order) != want {
			t.Errorf("%s has order %d, planned %d", k, s.Order, want)
		}
		if int(s.Shard) != shardOf[k] || s.Host == "" {
			t.Errorf("%s taken by shard %d on %q, dealt to shard %d", k, s.Shard, s.Host, shardOf[k])
		}
	}
	if len(perTrial) != len(p.Keys) {
		t.Errorf("%d trials in samples.parquet, %d planned", len(perTrial), len(p.Keys))
	}
	for k, its := range perTrial {
		for it, n := range its {
			if n != 1 {
				t.Errorf("%s iteration %d: %d rows, want exactly one", k, it, n)
			}
		}
	}
	return m, rows, order
}

// TestFleetSmoke runs a tiny matrix through Slurm (one shard per idle node),
// then the same options and seed locally: the same trials in the same order.
func TestFleetSmoke(t *testing.T) {
	t.Parallel()
	c := fleetCluster(t)
	fs := newFleetSetup(t, c, map[string]string{"RTWASM_BENCHMARKS": "gemm,atax",
		"RTWASM_RUNTIMES": "native:musl,wazero:interp", "RTWASM_REPS": "2", "RTWASM_PROLONGED_REPS": "1", "RTWASM_ITERATIONS": "2"})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	dir, sub := fs.submit(t, ctx)
	if sub.Shards != 2 {
		t.Errorf("%d shards, want one per idle node: 2", sub.Shards)
	}
	var status strings.Builder
	if err := PrintStatus(ctx, &status, dir, fs.s); err != nil {
		t.Errorf("status while running: %v", err)
	}
	st, err := fs.s.Wait(ctx, dir, 500*time.Millisecond)
	if err != nil {
		t.Fatalf("%v\n%s", err, slurmOutput(dir))
	}
	t.Logf("fleet run done in %v:\n%s", time.Since(start).Round(time.Millisecond), st)
	status.Reset()
	if err := PrintStatus(ctx, &status, dir, fs.s); err != nil || !strings.Contains(status.String(), "30 of 30 trials") {
		t.Errorf("status after the run (%v):\n%s", err, status.String())
	}
	t.Logf("go tool mage status:\n%s", status.String())

	m, rows, fleetOrder := checkFleetRun(t, dir)
	hosts := map[string]bool{}
	for _, s := range rows {
		hosts[s.Host] = true
	}
	if !hosts["n1"] || !hosts["n2"] {
		t.Errorf("samples ran on %v, want n1 and n2", hosts)
	}
	phases := map[string]bool{}
	for _, h := range m.Hosts {
		phases[fmt.Sprintf("%d %s %s", h.Shard, h.Host, h.Phase)] = true
		if h.State.Kernel == "" || len(h.Runtimes) != 2 {
			t.Errorf("host record %+v lacks the kernel or the runtimes", h)
		}
	}
	if len(m.Hosts) != 4 {
		t.Errorf("manifest has %d host records, want start and end of 2 shards: %v", len(m.Hosts), phases)
	}
	if _, err := os.Stat(filepath.Join(dir, reports.ReportDir, "index.html")); err != nil {
		t.Errorf("the merge job rendered no report: %v\n%s", err, slurmOutput(dir))
	}
	md, _ := os.ReadFile(filepath.Join(dir, reports.ReportDir, "report.md"))
	if !strings.Contains(string(md), "## Hosts") || !strings.Contains(string(md), "Host speed") {
		t.Errorf("the report has no hosts section")
	}

	// The same options and seed, measured locally: the same trials, same order.
	o := fs.o
	o.Executor, o.DataDir = ExecutorLocal, t.TempDir()
	localDir, err := RunExperiments(ctx, o, fs.b, run.AllExperiments, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, local, err := run.ReadRun(localDir)
	if err != nil {
		t.Fatal(err)
	}
	localOrder := map[string]int32{}
	self, _ := os.Hostname()
	for _, s := range local {
		localOrder[trialKey(s)] = s.Order
		if s.Host != self || s.Shard != 0 {
			t.Errorf("local row on host %q shard %d, want %q shard 0", s.Host, s.Shard, self)
		}
	}
	if fmt.Sprint(localOrder) != fmt.Sprint(fleetOrder) {
		t.Errorf("local and fleet runs differ in trials or order:\nlocal %v\nfleet %v", localOrder, fleetOrder)
	}
	t.Logf("local and fleet: the same %d trials in the same order; test took %v", len(fleetOrder), time.Since(start).Round(time.Second))
}

// TestFleetKilledNode crashes the node of a shard that has journaled some of
// its trials: Slurm requeues the shard on the other node, which skips what
// the journal holds, and the run completes with every trial exactly once.
func TestFleetKilledNode(t *testing.T) {
	t.Parallel()
	c := fleetCluster(t)
	// MEDIUM under the interpreter: trials of about a second, so a shard is
	// still running when its node dies.
	fs := newFleetSetup(t, c, map[string]string{"RTWASM_BENCHMARKS": "gemm,2mm", "RTWASM_DATASET": "MEDIUM",
		"RTWASM_RUNTIMES": "native:musl,wazero:interp", "RTWASM_REPS": "2", "RTWASM_PROLONGED_REPS": "1",
		"RTWASM_ITERATIONS": "2", "RTWASM_SHARDS": "2"})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	start := time.Now()
	dir, sub := fs.submit(t, ctx)
	p, err := ReadTrialList(dir)
	if err != nil {
		t.Fatal(err)
	}

	victim, journaled := "", 0
	for victim == "" {
		st, err := fs.s.Status(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := run.ReadJournal(dir, run.ShardJournalFile(0))
		if st.Tasks[0].State == "RUNNING" && len(j) >= 1 && len(j) < len(p.Shards[0]) {
			victim, journaled = st.Tasks[0].Node, len(j)
		}
		if st.Tasks[0].State == "COMPLETED" || len(j) == len(p.Shards[0]) {
			t.Fatalf("shard 0 finished before it could be killed; nothing was tested:\n%s", st)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("shard 0 never ran with a partial journal:\n%s\n%s", st, slurmOutput(dir))
		case <-time.After(100 * time.Millisecond):
		}
	}
	killed, err := c.KillNode(victim)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed node %s (%d processes) at +%v, shard 0 had journaled %d of %d trials",
		victim, killed, time.Since(start).Round(time.Millisecond), journaled, len(p.Shards[0]))

	st, err := fs.s.Wait(ctx, dir, 500*time.Millisecond)
	if err != nil {
		t.Fatalf("%v\n%s", err, slurmOutput(dir))
	}
	t.Logf("fleet run done in %v:\n%s", time.Since(start).Round(time.Millisecond), st)
	jc, _ := os.ReadFile(c.JobCompLoc)
	for _, l := range strings.Split(string(jc), "\n") {
		if strings.Contains(l, "ArrayJobId="+sub.ArrayID+" ") {
			t.Logf("jobcomp: %s", l)
		}
	}
	if out, err := c.Command(ctx, "scontrol", "-o", "show", "job", st.Tasks[0].JobID).Output(); err == nil {
		t.Logf("scontrol: %s", strings.TrimSpace(string(out)))
	}
	t0 := st.Tasks[0]
	if t0.Restarts < 1 || !slices.Equal(t0.History, []string{"NODE_FAIL", "COMPLETED"}) {
		t.Errorf("shard 0: restarts %d, jobcomp history %v; want a requeue: [NODE_FAIL COMPLETED]", t0.Restarts, t0.History)
	}

	m, rows, _ := checkFleetRun(t, dir)
	onHost := map[string]int{}
	for _, s := range rows {
		if s.Shard == 0 && s.Iteration <= 1 {
			onHost[s.Host]++
		}
	}
	if onHost[victim] == 0 || len(onHost) != 2 {
		t.Errorf("shard 0's trials ran on %v; want some on %s before the crash and the rest on the other node", onHost, victim)
	}
	attempts := map[int]bool{}
	for _, h := range m.Hosts {
		if h.Shard == 0 {
			attempts[h.Attempt] = true
		}
	}
	if !attempts[1] || !attempts[2] {
		t.Errorf("manifest host records of shard 0 show attempts %v, want 1 and 2", attempts)
	}
	out, _ := os.ReadFile(filepath.Join(fleet.SlurmDir(dir), "shard-0.out"))
	t.Logf("shard-0.out:\n%s", lastLinesOf(string(out), 12))
	if !strings.Contains(string(out), "already journaled") || !strings.Contains(string(out), "attempt 2") {
		t.Errorf("shard-0.out does not show the resumed attempt")
	}
	t.Logf("shard 0 trials per host: %v; test took %v", onHost, time.Since(start).Round(time.Second))
}
