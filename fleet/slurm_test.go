package fleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/fleet/cluster"
)

// These tests run a real slurmctld and two slurmd nodes (package cluster).
// They skip only when the machine cannot host one (not root, no apt).

func upCluster(t *testing.T) (*cluster.Cluster, Slurm) {
	c := cluster.UpForTest(t, 2)
	return c, Slurm{Env: c.Env()}
}

// workScript is a resumable shard: it journals each trial on its own line with
// fsync and skips trials the journal already holds, as a requeued shard must.
const workScript = `#!/bin/bash
set -eu
shard=$1
j="$RTWASM_RUN_DIR/journal-$shard.txt"
touch "$j"
grep Cpus_allowed_list /proc/self/status >&2
while read -r trial; do
  if grep -q "^$trial " "$j"; then continue; fi
  sleep %d
  echo "$trial task $shard on $(hostname) restart ${SLURM_RESTART_COUNT:-0} at $(date +%%s.%%N)" >> "$j"
  sync "$j"
done < "$RTWASM_RUN_DIR/trials-$shard.txt"
`

// mergeCmd concatenates the journals after stamping when the merge started.
const mergeCmd = `date +%s.%N > merge-start.txt; for i in $(seq 0 $(({{.Shards}}-1))); do cat journal-$i.txt; done > merged.txt`

// prepare writes the trials of each shard and the work script into a run dir.
func prepare(t *testing.T, trials []string, shards, cellSeconds int) (string, [][]string) {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	dealt := Shard(trials, shards)
	for i, s := range dealt {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("trials-%d.txt", i)), []byte(strings.Join(s, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "work.sh"), fmt.Appendf(nil, workScript, cellSeconds), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, dealt
}

func cellNames(n int) []string {
	var trials []string
	for i := range n {
		trials = append(trials, fmt.Sprintf("c%02d", i))
	}
	return trials
}

type entry struct {
	trial, host string
	shard       int
	restart     int
	at          float64
}

// journals reads every shard's journal and checks each trial is there exactly
// once, in the shard it was dealt to.
func journals(t *testing.T, dir string, dealt [][]string) []entry {
	t.Helper()
	var all []entry
	count := map[string]int{}
	for i, trials := range dealt {
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("journal-%d.txt", i)))
		if err != nil {
			t.Fatalf("shard %d left no journal: %v", i, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var e entry
			if _, err := fmt.Sscanf(line, "%s task %d on %s restart %d at %f", &e.trial, &e.shard, &e.host, &e.restart, &e.at); err != nil {
				t.Fatalf("journal-%d line %q: %v", i, line, err)
			}
			if e.shard != i || !slices.Contains(trials, e.trial) {
				t.Errorf("journal-%d has %q, which was dealt elsewhere", i, line)
			}
			count[e.trial]++
			all = append(all, e)
		}
		for _, c := range trials {
			if count[c] != 1 {
				t.Errorf("trial %s recorded %d times, want exactly once", c, count[c])
			}
		}
	}
	return all
}

// checkMerge asserts the merge ran after every trial and saw all journals.
func checkMerge(t *testing.T, dir string, shards int, entries []entry) {
	t.Helper()
	start, err := os.ReadFile(filepath.Join(dir, "merge-start.txt"))
	if err != nil {
		t.Fatalf("merge never ran: %v", err)
	}
	at, _ := strconv.ParseFloat(strings.TrimSpace(string(start)), 64)
	var want strings.Builder
	for i := range shards {
		data, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("journal-%d.txt", i)))
		want.Write(data)
	}
	merged, _ := os.ReadFile(filepath.Join(dir, "merged.txt"))
	if string(merged) != want.String() {
		t.Errorf("merged.txt is not the concatenation of the journals:\n%s", merged)
	}
	for _, e := range entries {
		if e.at > at {
			t.Errorf("merge started at %.3f, before trial %s ended at %.3f", at, e.trial, e.at)
		}
	}
}

func TestSlurmArrayAndMerge(t *testing.T) {
	t.Parallel()
	c, s := upCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	idle, err := s.IdleNodes(ctx, c.Partition)
	if err != nil || !slices.Equal(idle, []string{"n1", "n2"}) {
		t.Fatalf("IdleNodes = %v, %v; want [n1 n2]", idle, err)
	}
	const shards = 4
	dir, dealt := prepare(t, cellNames(8), shards, 1)
	start := time.Now()
	sub, err := s.Submit(ctx, Job{RunDir: dir, Partition: c.Partition, Shards: shards,
		ShardCommand: `./work.sh {{.Shard}}`, MergeCommand: mergeCmd})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("array %s, merge %s: %s", sub.ArrayID, sub.MergeID, strings.Join(sub.ArrayArgs, " "))
	if _, err := s.Submit(ctx, Job{RunDir: dir, Partition: c.Partition, Shards: shards,
		ShardCommand: `./work.sh {{.Shard}}`, MergeCommand: mergeCmd}); err == nil || !strings.Contains(err.Error(), "active jobs") {
		t.Errorf("second Submit into an active run: err = %v, want a refusal naming the active jobs", err)
	}
	st, err := s.Wait(ctx, dir, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("done in %v:\n%s", time.Since(start).Round(time.Millisecond), st)

	entries := journals(t, dir, dealt)
	checkMerge(t, dir, shards, entries)
	hosts := map[string]bool{}
	for _, e := range entries {
		hosts[e.host] = true
		if e.restart != 0 {
			t.Errorf("trial %s ran with SLURM_RESTART_COUNT=%d in a run without faults", e.trial, e.restart)
		}
	}
	if !hosts["n1"] || !hosts["n2"] || len(hosts) != 2 {
		t.Errorf("trials ran on %v, want both n1 and n2", hosts)
	}

	out, _ := os.ReadFile(filepath.Join(SlurmDir(dir), "shard-0.out"))
	t.Logf("shard-0.out:\n%s", out)
	if strings.Contains(string(out), "error") {
		t.Errorf("shard 0's output reports an error")
	}
	for i := range shards {
		out, _ := os.ReadFile(filepath.Join(SlurmDir(dir), fmt.Sprintf("shard-%d.out", i)))
		if n := strings.Count(string(out), "rtwasm-fleet: shard"); n != 1 {
			t.Errorf("shard %d started %d times, want once:\n%s", i, n, out)
		}
	}
	for _, task := range st.Tasks {
		if task.State != "COMPLETED" || task.Restarts != 0 || !slices.Equal(task.History, []string{"COMPLETED"}) {
			t.Errorf("task %d: state %s, restarts %d, jobcomp history %v; want COMPLETED once", task.Task, task.State, task.Restarts, task.History)
		}
	}

	// Submitting a finished run again resumes it: every shard finds its trials
	// journaled, so nothing runs twice, and the merge runs again.
	before, _ := os.ReadFile(filepath.Join(dir, "merged.txt"))
	sub2, err := s.Submit(ctx, Job{RunDir: dir, Partition: c.Partition, Shards: shards,
		ShardCommand: `./work.sh {{.Shard}}`, MergeCommand: mergeCmd})
	if err != nil {
		t.Fatalf("resubmitting a finished run: %v", err)
	}
	if _, err := s.Wait(ctx, dir, 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if old, err := os.Stat(filepath.Join(SlurmDir(dir), "submission-"+sub.ArrayID+".json")); err != nil || sub2.ArrayID == sub.ArrayID {
		t.Errorf("first submission not kept beside the second (%v, arrays %s and %s)", old, sub.ArrayID, sub2.ArrayID)
	}
	journals(t, dir, dealt)
	if after, _ := os.ReadFile(filepath.Join(dir, "merged.txt")); string(after) != string(before) {
		t.Errorf("resumed run changed the merged journals:\n%s\nwas:\n%s", after, before)
	}
}

func TestSlurmRequeuesKilledNode(t *testing.T) {
	t.Parallel()
	c, s := upCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	const shards = 4
	dir, dealt := prepare(t, cellNames(12), shards, 2)
	start := time.Now()
	sub, err := s.Submit(ctx, Job{RunDir: dir, Partition: c.Partition, Shards: shards,
		ShardCommand: `./work.sh {{.Shard}}`, MergeCommand: mergeCmd})
	if err != nil {
		t.Fatal(err)
	}

	// Crash shard 0's node once the shard has journaled a trial but not all.
	victim := ""
	for victim == "" {
		st, err := s.Status(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, "journal-0.txt"))
		if n := strings.Count(string(data), "\n"); st.Tasks[0].State == "RUNNING" && n >= 1 && n < len(dealt[0]) {
			victim = st.Tasks[0].Node
		}
		select {
		case <-ctx.Done():
			t.Fatalf("shard 0 never got running with a partial journal:\n%s", st)
		case <-time.After(200 * time.Millisecond):
		}
	}
	killed, err := c.KillNode(victim)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed node %s (%d processes) at +%v", victim, killed, time.Since(start).Round(time.Millisecond))

	st, err := s.Wait(ctx, dir, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("done in %v:\n%s", time.Since(start).Round(time.Millisecond), st)
	jc, _ := os.ReadFile(c.JobCompLoc)
	t.Logf("jobcomp for array %s:\n%s", sub.ArrayID, jobCompLines(string(jc), sub.ArrayID))

	// scontrol's own view of the requeue, independent of jobcomp.
	recs, err := s.showJob(ctx, st.Tasks[0].JobID)
	if err != nil || len(recs) != 1 || recs[0]["Restarts"] != "1" {
		t.Errorf("scontrol show job %s: %v, %v; want Restarts=1", st.Tasks[0].JobID, recs, err)
	} else {
		t.Logf("scontrol: JobId=%s ArrayTaskId=%s JobState=%s Restarts=%s NodeList=%s", recs[0]["JobId"],
			recs[0]["ArrayTaskId"], recs[0]["JobState"], recs[0]["Restarts"], recs[0]["NodeList"])
	}

	entries := journals(t, dir, dealt)
	checkMerge(t, dir, shards, entries)
	j0, _ := os.ReadFile(filepath.Join(dir, "journal-0.txt"))
	t.Logf("journal-0.txt:\n%s", j0)
	t0 := st.Tasks[0]
	if t0.Restarts < 1 || !slices.Equal(t0.History, []string{"NODE_FAIL", "COMPLETED"}) {
		t.Errorf("shard 0: restarts %d, jobcomp history %v; want a requeue: [NODE_FAIL COMPLETED]", t0.Restarts, t0.History)
	}
	var before, after int
	for _, e := range entries {
		if e.shard != 0 {
			continue
		}
		switch {
		case e.restart == 0 && e.host == victim:
			before++
		case e.restart >= 1 && e.host != victim:
			after++
		default:
			t.Errorf("shard 0 trial %s on %s with restart %d: neither first attempt on %s nor the requeued one elsewhere", e.trial, e.host, e.restart, victim)
		}
	}
	if before == 0 || after == 0 {
		t.Errorf("shard 0 journaled %d trials before the crash and %d after; want both > 0 (a resumed shard)", before, after)
	}
	out, _ := os.ReadFile(filepath.Join(SlurmDir(dir), "shard-0.out"))
	if !strings.Contains(string(out), "attempt 1 on "+victim) || !strings.Contains(string(out), "attempt 2 on ") {
		t.Errorf("shard-0.out does not show both attempts:\n%s", out)
	}
}

func jobCompLines(all, arrayID string) string {
	var keep []string
	for _, l := range strings.Split(all, "\n") {
		if strings.Contains(l, "ArrayJobId="+arrayID+" ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
