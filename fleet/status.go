package fleet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TaskState is one array task (a shard) or the merge job as Slurm sees it.
type TaskState struct {
	Task     int    // array index; -1 for the merge job
	JobID    string // Slurm's own id of this task (array tasks get one when they start)
	State    string // PENDING, RUNNING, COMPLETED, NODE_FAIL, …; UNKNOWN if Slurm forgot it
	Node     string
	Reason   string   // why it is pending, from scontrol
	Restarts int      // how often Slurm requeued it
	History  []string // end states recorded by jobcomp/filetxt, oldest first
}

// RunStatus is a run's jobs: one TaskState per shard, and the merge job.
type RunStatus struct {
	Submission *Submission
	Tasks      []TaskState
	Merge      TaskState
}

// terminal states end a job for good; any other state may still change.
var terminal = map[string]bool{"COMPLETED": true, "FAILED": true, "CANCELLED": true, "TIMEOUT": true,
	"OUT_OF_MEMORY": true, "BOOT_FAIL": true, "DEADLINE": true, "PREEMPTED": true, "NODE_FAIL": true}

// Finished reports whether the merge job ended (successfully or not).
func (r *RunStatus) Finished() bool { return terminal[r.Merge.State] }

// Done reports whether the merge job completed successfully.
func (r *RunStatus) Done() bool { return r.Merge.State == "COMPLETED" }

// Active lists the job ids that are still queued or running.
func (r *RunStatus) Active() []string {
	var ids []string
	for _, t := range append(slices.Clone(r.Tasks), r.Merge) {
		if !terminal[t.State] && t.State != "UNKNOWN" {
			ids = append(ids, t.label(r.Submission.ArrayID))
		}
	}
	return ids
}

func (t TaskState) label(arrayID string) string {
	if t.Task < 0 {
		return t.JobID
	}
	return fmt.Sprintf("%s_%d", arrayID, t.Task)
}

// String is a table for watching a run: one line per shard and the merge.
func (r *RunStatus) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %-12s %-8s %-8s %s\n", "JOB", "STATE", "NODE", "RESTARTS", "ENDED AS / REASON")
	for _, t := range append(slices.Clone(r.Tasks), r.Merge) {
		fmt.Fprintf(&b, "%-12s %-12s %-8s %-8d %s %s\n", t.label(r.Submission.ArrayID), t.State, t.Node, t.Restarts,
			strings.Join(t.History, ","), t.Reason)
	}
	return b.String()
}

// Status reports the state of a submitted run's array tasks and merge job
// from `scontrol show job` (live, and finished jobs for MinJobAge) and, when
// the cluster uses jobcomp/filetxt and its file is readable here, the end
// state of every attempt (NODE_FAIL, then COMPLETED, for a requeued task).
func (s Slurm) Status(ctx context.Context, runDir string) (*RunStatus, error) {
	sub, err := LoadSubmission(runDir)
	if err != nil {
		return nil, err
	}
	r := &RunStatus{Submission: sub, Tasks: make([]TaskState, sub.Shards), Merge: TaskState{Task: -1, JobID: sub.MergeID, State: "UNKNOWN"}}
	for i := range r.Tasks {
		r.Tasks[i] = TaskState{Task: i, State: "UNKNOWN"}
	}
	if err := s.applyJobComp(ctx, r); err != nil {
		return nil, err
	}
	for _, id := range []string{sub.ArrayID, sub.MergeID} {
		recs, err := s.showJob(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			r.apply(rec)
		}
	}
	return r, nil
}

// apply merges one live scontrol record, which is newer than jobcomp's.
func (r *RunStatus) apply(rec map[string]string) {
	set := func(t *TaskState) {
		t.JobID, t.State, t.Reason = rec["JobId"], rec["JobState"], rec["Reason"]
		if t.Reason == "None" {
			t.Reason = ""
		}
		if n := rec["NodeList"]; n != "" && n != "(null)" {
			t.Node = n
		}
		if n, err := strconv.Atoi(rec["Restarts"]); err == nil {
			t.Restarts = max(t.Restarts, n)
		}
	}
	if rec["JobId"] == r.Submission.MergeID {
		set(&r.Merge)
		return
	}
	if rec["ArrayJobId"] != r.Submission.ArrayID {
		return
	}
	for _, i := range expandIndexes(rec["ArrayTaskId"]) {
		if i >= 0 && i < len(r.Tasks) {
			set(&r.Tasks[i])
		}
	}
}

// showJob runs `scontrol -o show job ID`; a job Slurm has purged gives none.
func (s Slurm) showJob(ctx context.Context, id string) ([]map[string]string, error) {
	out, err := s.command(ctx, "scontrol", "-o", "show", "job", id).Output()
	if err != nil {
		if strings.Contains(stderr(err), "Invalid job id") {
			return nil, nil
		}
		return nil, fmt.Errorf("fleet: scontrol show job %s: %v: %s", id, err, stderr(err))
	}
	var recs []map[string]string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" {
			recs = append(recs, parseKV(line))
		}
	}
	return recs, nil
}

// applyJobComp reads the jobcomp/filetxt file, if the cluster writes one and
// this host can read it (it is on the controller).
func (s Slurm) applyJobComp(ctx context.Context, r *RunStatus) error {
	cfg, err := s.Config(ctx)
	if err != nil {
		return err
	}
	if cfg["JobCompType"] != "jobcomp/filetxt" {
		return nil
	}
	f, err := os.Open(cfg["JobCompLoc"])
	if err != nil {
		return nil // not shared with this host: scontrol alone must do
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		rec := parseKV(sc.Text())
		t := r.jobCompTask(rec)
		if t == nil {
			continue
		}
		t.JobID, t.State = rec["JobId"], rec["JobState"]
		t.History = append(t.History, rec["JobState"])
		if n := rec["NodeList"]; n != "" && n != "(null)" {
			t.Node = n
		}
		if rec["JobState"] == "NODE_FAIL" || rec["JobState"] == "REQUEUED" || rec["JobState"] == "PREEMPTED" {
			t.Restarts++
		}
	}
	return sc.Err()
}

func (r *RunStatus) jobCompTask(rec map[string]string) *TaskState {
	// Job ids wrap (MaxJobId) and the file outlives runs: skip records submitted
	// before this run, allowing for clock skew with the controller.
	if at, err := time.ParseInLocation("2006-01-02T15:04:05", rec["SubmitTime"], time.Local); err == nil &&
		at.Before(r.Submission.Submitted.Add(-2*time.Minute)) {
		return nil
	}
	if rec["JobId"] == r.Submission.MergeID {
		return &r.Merge
	}
	if rec["ArrayJobId"] != r.Submission.ArrayID {
		return nil
	}
	i, err := strconv.Atoi(rec["ArrayTaskId"])
	if err != nil || i < 0 || i >= len(r.Tasks) {
		return nil
	}
	return &r.Tasks[i]
}

// Config is `scontrol show config` as key → value.
func (s Slurm) Config(ctx context.Context) (map[string]string, error) {
	out, err := s.command(ctx, "scontrol", "show", "config").Output()
	if err != nil {
		return nil, fmt.Errorf("fleet: scontrol show config: %v: %s (is this a Slurm submit host? is SLURM_CONF right?)", err, stderr(err))
	}
	cfg := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			cfg[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return cfg, nil
}

// keyRE finds the "Key=" starts of scontrol's and jobcomp's one-line records.
var keyRE = regexp.MustCompile(`(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=`)

// parseKV splits "K1=v1 K2=v two K3=v3" at the keys, so values may hold spaces.
func parseKV(line string) map[string]string {
	m := map[string]string{}
	locs := keyRE.FindAllStringSubmatchIndex(line, -1)
	for i, loc := range locs {
		end := len(line)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		m[line[loc[2]:loc[3]]] = strings.TrimSpace(line[loc[1]:end])
	}
	return m
}

// expandIndexes turns an ArrayTaskId such as "3", "2-5", "1,4-7:3%2" into indexes.
func expandIndexes(s string) []int {
	s, _, _ = strings.Cut(s, "%")
	var out []int
	for _, part := range strings.Split(s, ",") {
		rng, stepS, hasStep := strings.Cut(part, ":")
		step := 1
		if hasStep {
			if n, err := strconv.Atoi(stepS); err == nil && n > 0 {
				step = n
			}
		}
		lo, hi, isRange := strings.Cut(rng, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				continue
			}
		}
		for i := a; i <= b; i += step {
			out = append(out, i)
		}
	}
	return out
}

// IdleNodes lists the idle nodes of a partition (`sinfo -N -t idle`): the
// default shard count, since each shard takes a whole node.
func (s Slurm) IdleNodes(ctx context.Context, partition string) ([]string, error) {
	out, err := s.command(ctx, "sinfo", "-h", "-N", "-p", partition, "-t", "idle", "-o", "%N").Output()
	if err != nil {
		return nil, fmt.Errorf("fleet: sinfo -p %s: %v: %s", partition, err, stderr(err))
	}
	nodes := strings.Fields(string(out))
	slices.Sort(nodes)
	return slices.Compact(nodes), nil
}

// Wait polls Status every interval until the merge job ended, and returns an
// error naming the failed jobs unless it completed.
func (s Slurm) Wait(ctx context.Context, runDir string, every time.Duration) (*RunStatus, error) {
	for {
		st, err := s.Status(ctx, runDir)
		if err != nil {
			return nil, err
		}
		if st.Finished() {
			if !st.Done() {
				return st, fmt.Errorf("fleet: merge job %s ended %s; see %s and `scontrol show job %s`:\n%s",
					st.Merge.JobID, st.Merge.State, SlurmDir(runDir), st.Submission.ArrayID, st)
			}
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("fleet: waiting for %s: %w\n%s", runDir, ctx.Err(), st)
		case <-time.After(every):
		}
	}
}
