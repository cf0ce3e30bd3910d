package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/fleet"
	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/internal/safefile"
	"github.com/rtwasm/rtwasm/internal/shell"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// The fleet executor splits RunExperiments into three steps that run on
// different machines, sharing only the run directory:
//
//	ListFleetTrials / SubmitFleet  (the submit host)  open the run, probe, list
//	                         the trials in seeded order, write manifest.json and
//	                         the trial list (plan.json),
//	                         submit a Slurm job array and a merge job
//	RunShard                 (each node)        measure the shard's trials into
//	                         its own journal-<shard>.jsonl, resumable
//	MergeFleet               (the merge job)    check every planned trial was
//	                         journaled exactly once, write samples.parquet and
//	                         the final manifest with every host's fingerprint

// TrialListFile is a fleet run's trial list: every trial key in the seeded run order,
// the keys dealt to each shard, and the rows of unavailable runtimes.
const TrialListFile = "plan.json"

// FleetTrials is the content of TrialListFile.
type FleetTrials struct {
	Keys        []string     `json:"keys"`   // every trial, in run order; a trial's index is its Order
	Shards      [][]string   `json:"shards"` // fleet.Shard over Keys
	Unavailable []run.Sample `json:"unavailable"`
}

// hostsFile collects one shard's host fingerprints, one JSON line per
// attempt and phase, appended by the shard alone.
func hostsFile(shard int) string { return fmt.Sprintf("hosts-%d.jsonl", shard) }

// ListFleetTrials creates the run like RunExperiments (new run directory, probes,
// the seeded order, the manifest) and deals its trials into at most shards
// shards; it measures nothing.
func ListFleetTrials(ctx context.Context, o run.Options, b *Builds, exps []string, shards int, log io.Writer) (string, *FleetTrials, error) {
	o.Resume = ""
	if err := checkSize(o, exps, b.Runtimes); err != nil {
		return "", nil, err
	}
	dir, m, err := openRun(o, exps, b)
	if err != nil {
		return "", nil, err
	}
	probes := probeAll(ctx, b, &m, log)
	trials, unavailable, err := listTrials(m.RunID, o, exps, b.Runtimes, probes)
	if err != nil {
		return dir, nil, err
	}
	p := &FleetTrials{Unavailable: unavailable}
	for _, c := range trials.All() { // every key is written to plan.json: checkSize bounds it
		p.Keys = append(p.Keys, c.key())
	}
	p.Shards = fleet.Shard(p.Keys, shards)
	m.Options.Shards, m.State = len(p.Shards), run.StatePlanned
	if err := writeJSON(filepath.Join(dir, TrialListFile), p); err != nil {
		return dir, nil, err
	}
	return dir, p, run.WriteManifest(dir, m)
}

// ReadTrialList reads a fleet run's trial list.
func ReadTrialList(dir string) (*FleetTrials, error) {
	data, err := safefile.ReadRegular(filepath.Join(dir, TrialListFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a fleet run (no %s): %w", dir, TrialListFile, err)
	}
	var p FleetTrials
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, TrialListFile), err)
	}
	return &p, nil
}

// SubmitFleet lists a new run's trials (or, with o.Resume, takes the
// interrupted fleet run's trial list) and submits it to Slurm: one exclusive, requeueable array task
// per shard running the shard target in checkout, and a merge job after all
// of them running the merge target (both from a compiled copy of the Mage
// targets, see compileMage). checkout and o.DataDir must be
// on a filesystem every node mounts at the same path. With o.Shards 0 there
// is one shard per idle node of the partition.
func SubmitFleet(ctx context.Context, o run.Options, b *Builds, exps []string, s fleet.Slurm, checkout string, log io.Writer) (string, *fleet.Submission, error) {
	data, err := filepath.Abs(o.DataDir)
	if err != nil {
		return "", nil, err
	}
	o.DataDir = data
	var dir string
	var p *FleetTrials
	if o.Resume != "" {
		dir = filepath.Join(o.DataDir, o.Resume)
		if p, err = ReadTrialList(dir); err != nil {
			return dir, nil, fmt.Errorf("resume %s: %w", o.Resume, err)
		}
	} else {
		shards := o.Shards
		if shards == 0 {
			idle, err := s.IdleNodes(ctx, o.Partition)
			if err != nil {
				return "", nil, err
			}
			if len(idle) == 0 {
				return "", nil, fmt.Errorf("partition %s has no idle node to count shards by; set RTWASM_SHARDS", o.Partition)
			}
			shards = len(idle)
		}
		if dir, p, err = ListFleetTrials(ctx, o, b, exps, shards, log); err != nil {
			return dir, nil, err
		}
	}
	if len(p.Shards) == 0 {
		return dir, nil, fmt.Errorf("run %s lists no trial (every runtime unavailable?): nothing to submit", filepath.Base(dir))
	}
	sub, err := submit(ctx, s, o, dir, checkout, len(p.Shards))
	if err != nil {
		return dir, nil, submissionFailed(dir, o.DataDir, err)
	}
	if err := markSubmitted(dir); err != nil {
		return dir, sub, err
	}
	fmt.Fprintf(log, "fleet: run %s: %d trials in %d shards on partition %s: array job %s, merge job %s\n"+
		"fleet: watch with RTWASM_RUN=%s go tool mage status; Slurm's output is in %s\n",
		filepath.Base(dir), len(p.Keys), len(p.Shards), o.Partition, sub.ArrayID, sub.MergeID, filepath.Base(dir), fleet.SlurmDir(dir))
	return dir, sub, nil
}

func submit(ctx context.Context, s fleet.Slurm, o run.Options, dir, checkout string, shards int) (*fleet.Submission, error) {
	mage, err := compileMage(ctx, checkout, dir)
	if err != nil {
		return nil, err
	}
	in := "cd " + shell.Quote(checkout) + " && exec " + shell.Quote(mage) + " "
	return s.Submit(ctx, fleet.Job{RunDir: dir, Name: "rtwasm-" + filepath.Base(dir), Partition: o.Partition,
		Shards: shards, ShardCommand: in + "shard", MergeCommand: in + "merge"})
}

// submissionFailed marks a run whose submission failed (latest does not
// move to it) and says that resume resubmits it.
func submissionFailed(dir, dataDir string, err error) error {
	m, merr := run.ReadManifest(dir)
	if merr == nil {
		m.State = run.StateSubmissionFailed
		merr = run.WriteManifest(dir, m)
	}
	if merr != nil {
		return fmt.Errorf("%w (and marking run %s as not submitted failed: %v)", err, filepath.Base(dir), merr)
	}
	return fmt.Errorf("%w\nrun %s was planned but not submitted (nothing measured; latest unchanged); "+
		"once the cause is fixed, resubmit it with %s", err, filepath.Base(dir), ResumeCommand(dataDir, filepath.Base(dir)))
}

// markSubmitted records that the run's jobs are queued and only then points
// latest at it, so `go tool mage status` finds it.
func markSubmitted(dir string) error {
	m, err := run.ReadManifest(dir)
	if err != nil {
		return err
	}
	m.State = run.StateRunning
	if err := run.WriteManifest(dir, m); err != nil {
		return err
	}
	return linkLatest(dir)
}

// MageBinary is the run's compiled copy of the checkout's Mage targets.
const MageBinary = "rtwasm-mage"

// compileMage compiles the checkout's Mage targets once into the run's slurm
// directory (a resumed run keeps its copy). The job scripts run that binary:
// `go tool mage` regenerates and removes mage_output_file.go in the checkout
// on every call, so shards starting together in one shared checkout would
// race on it; and every node runs the code that planned the run.
func compileMage(ctx context.Context, checkout, dir string) (string, error) {
	out := filepath.Join(fleet.SlurmDir(dir), MageBinary)
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(fleet.SlurmDir(dir), 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "tool", "mage", "-compile", out)
	cmd.Dir = checkout
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go tool mage -compile %s in %s: %v\n%s", out, checkout, err, msg)
	}
	return out, nil
}

// FleetOptions returns the options a fleet run was planned with (its
// manifest's), keeping this invocation's local directories, and its
// experiments: every shard measures with the same options.
func FleetOptions(o run.Options, dir string) (run.Options, []string, error) {
	m, err := run.ReadManifest(dir)
	if err != nil {
		return o, nil, err
	}
	r := m.Options
	r.DataDir, r.BuildDir, r.CacheDir, r.Reference = filepath.Dir(dir), o.BuildDir, o.CacheDir, o.Reference
	r.WAMRSrc = o.WAMRSrc
	return r, m.Experiments, nil
}

// ShardFromEnv reads the run directory and shard index the fleet's job script
// exports (RTWASM_RUN_DIR, RTWASM_SHARD).
func ShardFromEnv() (string, int, error) {
	dir := os.Getenv("RTWASM_RUN_DIR")
	if dir == "" {
		return "", 0, fmt.Errorf("RTWASM_RUN_DIR is not set: shard and merge run inside the fleet's Slurm jobs (see %s/shard.sh)", fleet.SlurmDir("<run>"))
	}
	shard, err := strconv.Atoi(os.Getenv("RTWASM_SHARD"))
	if os.Getenv("RTWASM_SHARD") != "" && err != nil {
		return dir, 0, fmt.Errorf("RTWASM_SHARD=%q: want the shard index", os.Getenv("RTWASM_SHARD"))
	}
	return dir, shard, nil
}

// RunShard measures one shard of a planned fleet run into its own journal.
// It is resumable: a requeued shard skips the trials its journal holds. A
// trial whose runtime is unavailable on this host becomes an error row
// naming the host, so a misconfigured node is visible, not a gap.
func RunShard(ctx context.Context, o run.Options, b *Builds, dir string, shard int, log io.Writer) error {
	defer closeAll(b.Runtimes)
	m, err := run.ReadManifest(dir)
	if err != nil {
		return err
	}
	p, err := ReadTrialList(dir)
	if err != nil {
		return err
	}
	if shard < 0 || shard >= len(p.Shards) {
		return fmt.Errorf("run %s has shards 0 to %d, not %d", m.RunID, len(p.Shards)-1, shard)
	}
	probes := probeAll(ctx, b, &m, log)
	attempt := 1
	if n, err := strconv.Atoi(os.Getenv("SLURM_RESTART_COUNT")); err == nil {
		attempt += n
	}
	if err := recordHost(dir, shard, attempt, "start", m.Runtimes); err != nil {
		return err
	}
	// Plan as if every runtime were available, to find each key's trial; the
	// submit host's trial list decides which trials exist and in which order.
	avail := slices.Clone(probes)
	for i := range avail {
		avail[i].Available = true
	}
	all, _, err := listTrials(m.RunID, o, m.Experiments, b.Runtimes, avail)
	if err != nil {
		return err
	}
	byKey := map[string]trial{}
	for _, c := range all.All() {
		byKey[c.key()] = c
	}
	index := map[string]int{}
	for i, k := range p.Keys {
		index[k] = i
	}
	j, done, err := run.OpenJournalFile(dir, run.ShardJournalFile(shard))
	if err != nil {
		return err
	}
	defer j.Close()
	hostName, _ := os.Hostname()
	var trials []trial
	var order []int
	for _, k := range p.Shards[shard] {
		c, ok := byKey[k]
		if !ok {
			return fmt.Errorf("run %s lists trial %s, which this checkout cannot make: the nodes must run the submit host's checkout (a shared one)", m.RunID, k)
		}
		if pr := probeOf(b, probes, c); !pr.Available {
			if _, ok := done[k]; !ok {
				s := failed(baseSample(m.RunID, c, o.Dataset), -1, fmt.Errorf("runtime unavailable on host %s: %s", hostName, pr.Reason))
				s.Order, s.Host, s.Shard = int32(index[k]), hostName, int32(shard)
				if err := j.Record(k, []run.Sample{s}); err != nil {
					return err
				}
				done[k] = []run.Sample{s}
			}
			continue
		}
		trials, order = append(trials, c), append(order, index[k])
	}
	fmt.Fprintf(log, "shard %d of run %s on %s (attempt %d): %d trials, %d already journaled\n",
		shard, m.RunID, hostName, attempt, len(p.Shards[shard]), len(done))
	if err := measureTrials(ctx, dir, m.RunID, seqOf(trials, order), len(trials), shard, b, o, j, done, log); err != nil {
		return err
	}
	return recordHost(dir, shard, attempt, "end", m.Runtimes)
}

// recordHost appends this host's fingerprint to the shard's hosts file.
func recordHost(dir string, shard, attempt int, phase string, rts []run.RuntimeInfo) error {
	name, _ := os.Hostname()
	rec := run.HostRecord{Shard: shard, Attempt: attempt, Phase: phase, At: time.Now().UTC(), Host: name,
		State: host.Read(), Runtimes: rts}
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	f, err := safefile.OpenInPlace(dir, hostsFile(shard), os.O_WRONLY|os.O_APPEND)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

// readHosts reads every shard's host records, in shard, attempt, phase order.
func readHosts(dir string, shards int) ([]run.HostRecord, error) {
	var recs []run.HostRecord
	for i := range shards {
		f, err := safefile.OpenRegular(filepath.Join(dir, hostsFile(i)))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for sc.Scan() {
			var r run.HostRecord
			if json.Unmarshal(sc.Bytes(), &r) == nil { // a torn last line is dropped
				recs = append(recs, r)
			}
		}
		f.Close()
	}
	return recs, nil
}

// MergeFleet checks that every planned trial was journaled exactly once, in
// the shard it was dealt to, and writes samples.parquet and the final
// manifest (with every shard attempt's host fingerprint).
func MergeFleet(dir string, log io.Writer) error {
	m, err := run.ReadManifest(dir)
	if err != nil {
		return err
	}
	p, err := ReadTrialList(dir)
	if err != nil {
		return err
	}
	done := map[string][]run.Sample{}
	var missing []string
	for i, keys := range p.Shards {
		journal, err := run.ReadJournal(dir, run.ShardJournalFile(i))
		if err != nil {
			return err
		}
		n := 0
		for _, k := range keys {
			if s, ok := journal[k]; ok {
				done[k] = s
				n++
			}
		}
		if n < len(keys) {
			missing = append(missing, fmt.Sprintf("shard %d: %d of %d", i, len(keys)-n, len(keys)))
		}
		if extra := len(journal) - n; extra > 0 {
			return fmt.Errorf("journal of shard %d holds %d trials not dealt to it: the run directory was reused", i, extra)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("run %s is incomplete, trials not journaled: %s; resubmit it with %s",
			m.RunID, strings.Join(missing, ", "), ResumeCommand(filepath.Dir(dir), m.RunID))
	}
	if m.Hosts, err = readHosts(dir, len(p.Shards)); err != nil {
		return err
	}
	fmt.Fprintf(log, "merge: %d trials from %d shards on %d hosts\n", len(done), len(p.Shards), len(hostNames(m.Hosts)))
	return finish(dir, m, p.Unavailable, done)
}

func hostNames(recs []run.HostRecord) []string {
	var names []string
	for _, r := range recs {
		names = append(names, r.Host)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// ShardProgress is one shard's advance, read from its journal.
type ShardProgress struct {
	Shard, Done, Total int
	Hosts              map[string]int // trials journaled per host
}

// FleetProgress reads a fleet run's progress from its journals alone (no
// Slurm needed): per shard and per host.
func FleetProgress(dir string) ([]ShardProgress, error) {
	p, err := ReadTrialList(dir)
	if err != nil {
		return nil, err
	}
	var out []ShardProgress
	for i, keys := range p.Shards {
		journal, err := run.ReadJournal(dir, run.ShardJournalFile(i))
		if err != nil {
			return nil, err
		}
		sp := ShardProgress{Shard: i, Total: len(keys), Hosts: map[string]int{}}
		for _, k := range keys {
			if s, ok := journal[k]; ok && len(s) > 0 {
				sp.Done++
				sp.Hosts[s[0].Host]++
			}
		}
		out = append(out, sp)
	}
	return out, nil
}

// PrintStatus writes a run's progress from its journals — per shard and per
// host for a fleet run — and, when it was submitted to Slurm, the jobs' state.
func PrintStatus(ctx context.Context, w io.Writer, dir string, s fleet.Slurm) error {
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("no run to show: %w (set RTWASM_RUN to a run id)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, TrialListFile)); err != nil {
		journal, err := run.ReadJournal(dir, run.JournalFile)
		if err != nil {
			return err
		}
		state := "running or interrupted"
		if _, err := os.Stat(filepath.Join(dir, run.SamplesFile)); err == nil {
			state = "finished"
		}
		fmt.Fprintf(w, "run %s (local): %d trials journaled, %s\n", filepath.Base(dir), len(journal), state)
		return nil
	}
	shards, err := FleetProgress(dir)
	if err != nil {
		return err
	}
	done, total, hosts := 0, 0, map[string]int{}
	for _, sp := range shards {
		done, total = done+sp.Done, total+sp.Total
		for h, n := range sp.Hosts {
			hosts[h] += n
		}
	}
	fmt.Fprintf(w, "run %s (fleet): %d of %d trials journaled (%.0f%%)\n", filepath.Base(dir), done, total, 100*float64(done)/float64(max(total, 1)))
	fmt.Fprintf(w, "%-6s %-11s %s\n", "SHARD", "DONE/TOTAL", "HOSTS (trials)")
	for _, sp := range shards {
		var hs []string
		for _, h := range slices.Sorted(maps.Keys(sp.Hosts)) {
			hs = append(hs, fmt.Sprintf("%s (%d)", h, sp.Hosts[h]))
		}
		fmt.Fprintf(w, "%-6d %-11s %s\n", sp.Shard, fmt.Sprintf("%d/%d", sp.Done, sp.Total), strings.Join(hs, ", "))
	}
	fmt.Fprintf(w, "%-12s %s\n", "HOST", "TRIALS")
	for _, h := range slices.Sorted(maps.Keys(hosts)) {
		fmt.Fprintf(w, "%-12s %d\n", h, hosts[h])
	}
	if _, err := os.Stat(filepath.Join(dir, run.SamplesFile)); err == nil {
		fmt.Fprintln(w, "merged: samples.parquet written")
	}
	if _, err := fleet.LoadSubmission(dir); err != nil {
		fmt.Fprintln(w, "not submitted to Slurm")
		return nil
	}
	st, err := s.Status(ctx, dir)
	if err != nil {
		return fmt.Errorf("slurm state: %w", err)
	}
	fmt.Fprint(w, st)
	return nil
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return safefile.WriteFile(filepath.Dir(path), filepath.Base(path), append(data, '\n'))
}

// probeOf is the probe of the runtime that makes trial c.
func probeOf(b *Builds, probes []runtimes.Probe, c trial) runtimes.Probe {
	want := run.Series(c.rt.ID(), c.rt.ColdStart())
	for i, r := range b.Runtimes {
		if run.Series(r.ID(), r.ColdStart()) == want {
			return probes[i]
		}
	}
	return runtimes.Probe{Reason: "not selected"}
}

// FleetWall estimates a fleet run's wall time from the local estimate of its
// trials' total wall time (what `go tool mage plan` sums): shards run in
// ⌈shards/nodes⌉ waves, each shard takes its start-up (perShard: the Mage
// binary, the cached build check, the probes) plus its share of the trials —
// round-robin dealing over the shuffled order gives every shard about
// trials/shards — and the merge job writes samples.parquet and the report.
// shards 0 means one per node. Node failures add SlurmdTimeout plus the
// requeue delay and the in-flight trial per failure.
func FleetWall(trials, perShard, merge time.Duration, nodes, shards int) time.Duration {
	nodes = max(nodes, 1)
	if shards <= 0 {
		shards = nodes
	}
	waves := (shards + nodes - 1) / nodes
	return time.Duration(waves)*(perShard+trials/time.Duration(shards)) + merge
}
