package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/rtwasm/rtwasm/internal/safefile"
	"github.com/rtwasm/rtwasm/internal/shell"
)

// Slurm runs the Slurm client commands. Env is added to the process
// environment (e.g. SLURM_CONF for a test cluster); the zero value uses the
// submit host's own configuration, as on a real cluster's login node.
type Slurm struct {
	Env []string
}

// Job describes one fleet run. RunDir must be on a filesystem every node
// mounts at the same path: the shards' journals, the scripts and Slurm's
// output files live there.
type Job struct {
	RunDir    string
	Name      string // Slurm job name; the merge job gets a "-merge" suffix
	Partition string
	Shards    int
	// ShardCommand and MergeCommand are text/template shell commands, run by
	// bash from RunDir. Fields: .Shard (ShardCommand only), .Shards, .RunDir.
	// A shard command must be resumable: it is rerun after a requeue and has
	// to skip the trials its journal already holds.
	ShardCommand string
	MergeCommand string
	// CPUBind is srun's --cpu-bind for the shard command (default "cores";
	// sbatch 22.05 has no --cpu-bind, so the shard runs as an srun step).
	CPUBind string
	// SbatchArgs are extra arguments for both submissions (--time, --account, …).
	SbatchArgs []string
}

// Submission is what Submit did; it is saved as <RunDir>/slurm/submission.json.
type Submission struct {
	ArrayID   string
	MergeID   string
	Shards    int
	Partition string
	Name      string
	Submitted time.Time
	ArrayArgs []string // the sbatch command lines, for the record and by hand
	MergeArgs []string
}

// SlurmDir is where a run keeps its scripts, Slurm output and submission.
func SlurmDir(runDir string) string { return filepath.Join(runDir, "slurm") }

func submissionPath(runDir string) string { return filepath.Join(SlurmDir(runDir), "submission.json") }

// Submit writes the shard and merge scripts and submits one job array of
// j.Shards exclusive, requeueable tasks plus a merge job that starts only
// after every task completed (afterok). Submitting again into a run dir whose
// jobs have all ended resumes it: shards skip what their journals hold.
func (s Slurm) Submit(ctx context.Context, j Job) (*Submission, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	if err := s.refuseActive(ctx, j.RunDir); err != nil {
		return nil, err
	}
	dir := SlurmDir(j.RunDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	shardScript, err := j.shardScript()
	if err != nil {
		return nil, err
	}
	mergeScript, err := j.mergeScript()
	if err != nil {
		return nil, err
	}
	for name, body := range map[string]string{"shard.sh": shardScript, "merge.sh": mergeScript} {
		if err := safefile.WriteMode(dir, name, []byte(body), 0o755); err != nil {
			return nil, err
		}
	}
	sub := &Submission{Shards: j.Shards, Partition: j.Partition, Name: j.Name, Submitted: time.Now().UTC()}
	common := append([]string{"--parsable", "--partition=" + j.Partition, "--chdir=" + j.RunDir,
		"--requeue", "--open-mode=append"}, j.SbatchArgs...)
	sub.ArrayArgs = append(append([]string{"sbatch"}, common...),
		fmt.Sprintf("--array=0-%d", j.Shards-1), "--exclusive", "--nodes=1",
		"--job-name="+j.Name, "--output="+filepath.Join(dir, "shard-%a.out"), filepath.Join(dir, "shard.sh"))
	if sub.ArrayID, err = s.sbatch(ctx, sub.ArrayArgs); err != nil {
		return nil, err
	}
	// kill-on-invalid-dep: a failed shard cancels the merge instead of leaving
	// it pending forever with DependencyNeverSatisfied.
	sub.MergeArgs = append(append([]string{"sbatch"}, common...),
		"--dependency=afterok:"+sub.ArrayID, "--kill-on-invalid-dep=yes", "--nodes=1",
		"--job-name="+j.Name+"-merge", "--output="+filepath.Join(dir, "merge.out"), filepath.Join(dir, "merge.sh"))
	if sub.MergeID, err = s.sbatch(ctx, sub.MergeArgs); err != nil {
		return nil, fmt.Errorf("%w (array %s is submitted; cancel it with `scancel %s`)", err, sub.ArrayID, sub.ArrayID)
	}
	return sub, saveSubmission(j.RunDir, sub)
}

func (j *Job) check() error {
	switch {
	case j.RunDir == "" || !filepath.IsAbs(j.RunDir):
		return fmt.Errorf("fleet: RunDir %q must be an absolute path on a filesystem all nodes share", j.RunDir)
	case j.Shards < 1:
		return fmt.Errorf("fleet: Shards = %d, need at least 1", j.Shards)
	case j.Partition == "":
		return errors.New("fleet: no partition: set RTWASM_SLURM_PARTITION (see `sinfo -s`)")
	case j.ShardCommand == "" || j.MergeCommand == "":
		return errors.New("fleet: ShardCommand and MergeCommand are both required")
	}
	if j.Name == "" {
		j.Name = "rtwasm"
	}
	if j.CPUBind == "" {
		j.CPUBind = "cores"
	}
	return nil
}

// refuseActive stops a second submission from writing the same journals as a
// first one that is still queued or running.
func (s Slurm) refuseActive(ctx context.Context, runDir string) error {
	if _, err := os.Stat(submissionPath(runDir)); err != nil {
		return nil
	}
	st, err := s.Status(ctx, runDir)
	if err != nil {
		return err
	}
	if active := st.Active(); len(active) > 0 {
		return fmt.Errorf("fleet: %s already has active jobs %s; wait for them or `scancel %s %s` before resubmitting",
			runDir, strings.Join(active, ","), st.Submission.ArrayID, st.Submission.MergeID)
	}
	return nil
}

func (s Slurm) sbatch(ctx context.Context, args []string) (string, error) {
	out, err := s.command(ctx, args[0], args[1:]...).Output()
	if err != nil {
		return "", fmt.Errorf("fleet: %s: %v: %s", strings.Join(args, " "), err, stderr(err))
	}
	// --parsable prints "jobid" or "jobid;cluster".
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	if id == "" {
		return "", fmt.Errorf("fleet: sbatch printed no job id: %q", out)
	}
	return id, nil
}

func (s Slurm) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), s.Env...)
	return cmd
}

func stderr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

type tmplData struct {
	Shard, Shards int
	RunDir        string
}

func render(name, text string, d tmplData) (string, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("fleet: %s template: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("fleet: %s template: %w", name, err)
	}
	return b.String(), nil
}

// shardScript renders one case branch per shard, so each shard's command is
// readable in the script and needs no runtime templating.
func (j *Job) shardScript() (string, error) {
	var b strings.Builder
	b.WriteString("#!/bin/bash\nset -euo pipefail\n")
	fmt.Fprintf(&b, "export RTWASM_SHARD=$SLURM_ARRAY_TASK_ID RTWASM_SHARDS=%d RTWASM_RUN_DIR=%s\n", j.Shards, shell.Quote(j.RunDir))
	b.WriteString(`echo "rtwasm-fleet: shard $RTWASM_SHARD attempt $((${SLURM_RESTART_COUNT:-0}+1)) on $(hostname) at $(date -u +%FT%TZ)" >&2` + "\n")
	b.WriteString("case \"$SLURM_ARRAY_TASK_ID\" in\n")
	for i := range j.Shards {
		cmd, err := render("ShardCommand", j.ShardCommand, tmplData{Shard: i, Shards: j.Shards, RunDir: j.RunDir})
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d) exec srun --ntasks=1 --cpu-bind=%s bash -c %s ;;\n", i, j.CPUBind, shell.Quote(cmd))
	}
	b.WriteString("*) echo \"rtwasm-fleet: no shard $SLURM_ARRAY_TASK_ID in this script\" >&2; exit 2 ;;\nesac\n")
	return b.String(), nil
}

func (j *Job) mergeScript() (string, error) {
	cmd, err := render("MergeCommand", j.MergeCommand, tmplData{Shards: j.Shards, RunDir: j.RunDir})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("#!/bin/bash\nset -euo pipefail\nexport RTWASM_SHARDS=%d RTWASM_RUN_DIR=%s\n"+
		"echo \"rtwasm-fleet: merge on $(hostname) at $(date -u +%%FT%%TZ)\" >&2\n%s\n",
		j.Shards, shell.Quote(j.RunDir), cmd), nil
}

// saveSubmission keeps an earlier submission of a resumed run next to the new one.
func saveSubmission(runDir string, sub *Submission) error {
	p := submissionPath(runDir)
	if old, err := LoadSubmission(runDir); err == nil {
		safefile.Rename(SlurmDir(runDir), filepath.Base(p), "submission-"+old.ArrayID+".json")
	}
	data, err := json.MarshalIndent(sub, "", "  ")
	if err != nil {
		return err
	}
	return safefile.WriteFile(SlurmDir(runDir), filepath.Base(p), append(data, '\n'))
}

// LoadSubmission reads the latest submission of a run.
func LoadSubmission(runDir string) (*Submission, error) {
	data, err := safefile.ReadRegular(submissionPath(runDir))
	if err != nil {
		return nil, fmt.Errorf("fleet: %s was not submitted to Slurm: %w", runDir, err)
	}
	var sub Submission
	if err := json.Unmarshal(data, &sub); err != nil {
		return nil, fmt.Errorf("fleet: %s: %w", submissionPath(runDir), err)
	}
	return &sub, nil
}
