package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// trial is one launch to make: a process (or embedded request) for one
// experiment, benchmark, series and repetition. It yields one sample, or one
// per iteration in the prolonged experiment.
type trial struct {
	exp        string
	kernel     kernels.Kernel
	rt         runtimes.Runtime
	binary     string // from the runtime's probe
	rep        int
	iterations int
	stress     string // the interference while it runs: "" (none) or the RTWASM_STRESS kind
	replicate  int32  // 1: the A/A replicate of the series (run.ReplicatedSeries)
}

// key identifies the trial within its run, for the journal.
func (c trial) key() string {
	k := fmt.Sprintf("%s|%s|%s|%d", c.exp, c.kernel.Name, c.seriesName(), c.rep)
	if c.stress != "" {
		k += "|stress=" + c.stress
	}
	return k
}

// condition is the trial's stress condition as recorded in its rows.
func (c trial) condition() string { return orDefault(c.stress, StressNone) }

// seriesName is the trial's series, marked when it is the replicate.
func (c trial) seriesName() string {
	if c.replicate > 0 {
		return replicateName(run.Series(c.rt.ID(), c.rt.ColdStart()))
	}
	return run.Series(c.rt.ID(), c.rt.ColdStart())
}

// replicateName names a series' replicate in journal keys and the plan.
func replicateName(series string) string { return series + " replicate" }

// iterationsFor is how many init+kernel runs an experiment asks for:
// start-up needs none (main_start comes before any work), total one.
func iterationsFor(exp string, o run.Options) int {
	switch exp {
	case run.Startup:
		return 0
	case run.Total:
		return 1
	}
	return o.Iterations
}

func repsFor(exp string, o run.Options) int {
	if e, ok := o.PerExperiment[exp]; ok && e.Reps > 0 {
		return e.Reps
	}
	if exp == run.Prolonged {
		return o.ProlongedReps
	}
	return o.Reps
}

// RunExperiments measures the experiments over o's benchmarks and runtimes
// with the built kernels into a new run directory (or, with o.Resume, the
// interrupted run of that id) and returns its path. Each sample is journaled
// as soon as it is taken, so an interrupted run loses at most the one in flight.
func RunExperiments(ctx context.Context, o run.Options, b *Builds, exps []string, log io.Writer) (string, error) {
	defer closeAll(b.Runtimes)
	if ctx.Err() != nil {
		return "", fmt.Errorf("interrupted before the run started (no run was made): %w", ctx.Err())
	}
	if err := b.usable(o.Benchmarks); err != nil {
		return "", err
	}
	deadline := budgetDeadline(o) // before FitBudget's calibration: the budget counts it
	o, err := FitBudget(ctx, o, b, exps, log)
	if err != nil {
		return "", err
	}
	if err := checkSize(o, exps, b.Runtimes); err != nil {
		return "", err
	}
	release, dmaNote := holdDMALatency(log)
	defer release()
	dir, m, err := openRun(o, exps, b)
	if err != nil {
		return "", err
	}
	m.DMALatency = dmaNote
	lock, err := run.LockRun(dir)
	if err != nil {
		return dir, err
	}
	defer lock.Unlock()
	probes := probeAll(ctx, b, &m, log)
	// A resumed run keeps the floor it started with; a plan's calibration
	// run is never reported, so its launch floor would be time spent for nothing.
	if m.Calibration == nil && o.Profile != calibrationProfile {
		m.Calibration = measureLaunchFloor(ctx, o, b, probes, log)
	}
	m.HostLatency = hostLatency(ctx, "before", o, m.HostLatency, log)
	trials, unavailable, err := listTrials(m.RunID, o, exps, b.Runtimes, probes)
	if err != nil {
		return dir, err
	}
	j, done, err := run.OpenJournal(dir)
	if err != nil {
		return dir, err
	}
	defer j.Close()
	m.State, m.Planned, m.Taken = run.StateRunning, trials.Len(), len(done)
	if err := run.WriteManifest(dir, m); err != nil {
		return dir, err
	}
	if o.Profile == "tail" {
		PrintTailEstimate(log, o, exps)
	}
	before, t0 := len(done), time.Now()
	if err := measureTrials(ctx, dir, m.RunID, trials.All(), trials.Len(), 0, b, o, j, done, log); err != nil {
		switch {
		case errors.Is(err, errInterrupted):
			return dir, interrupt(dir, m, len(done), o)
		case !errors.Is(err, errBudgetSpent):
			return dir, err
		case o.Precision <= 0: // no rounds to record the cut cells: the trials not taken are cut
			fmt.Fprintf(log, "budget: hard stop at %s, %d of %d trials taken\n", (o.Budget * 9 / 10).Round(time.Second), len(done), m.Planned)
			m.Planned = len(done)
		}
	}
	if o.Precision > 0 {
		var pace time.Duration // per trial of round 1, if this invocation took any
		if n := len(done) - before; n > 0 {
			pace = time.Since(t0) / time.Duration(n)
		} // adaptive sampling: rounds until each cell is precise (rounds.go)
		if err := sampleRounds(ctx, roundRun{dir: dir, m: &m, o: o, b: b, j: j, done: done, log: log, first: trials,
			pace: pace, deadline: deadline}); err != nil {
			if errors.Is(err, errInterrupted) {
				return dir, interrupt(dir, m, len(done), o)
			}
			return dir, err
		}
	}
	m.Taken = len(done)
	m.HostLatency = hostLatency(ctx, "after", o, m.HostLatency, log)
	return dir, finish(dir, m, unavailable, done)
}

// errInterrupted ends measureTrials when the run's context was canceled.
var errInterrupted = errors.New("interrupted")

// measureTrials takes every trial the journal does not hold yet and journals
// its samples as soon as they are taken. trials yields each trial with its
// position in the run's plan (streamed: a plan may be too large to list),
// total counts them; shard is the fleet shard measuring them (0 on a local run).
// A local run measures the whole plan, a fleet shard its share of it. When
// the run's context is canceled it returns errInterrupted and the sample in
// flight is not journaled.
func measureTrials(ctx context.Context, dir, runID string, trials iter.Seq2[int, trial], total, shard int, b *Builds, o run.Options,
	j *run.Journal, done map[string][]run.Sample, log io.Writer) error {
	hostName, _ := os.Hostname()
	taken, err := countTaken(ctx, trials, done)
	if err != nil {
		return err
	}
	progress := newProgress(log, total, taken)
	// Interference (stress.go) runs while stressed blocks of trials do; the
	// deferred stop covers errors and interrupts.
	stress := &stressSwitch{o: o, tmp: dir, log: log}
	defer stress.set(ctx, "")
	measured := 0
	for pos, c := range trials {
		if _, ok := done[c.key()]; ok {
			continue
		}
		if ctx.Err() != nil {
			return errInterrupted
		}
		if budgetSpent(o) {
			return errBudgetSpent
		}
		if err := stress.set(ctx, c.stress); err != nil {
			return err
		}
		// Tail hygiene: a gap between trials (RTWASM_GAP).
		if measured++; measured > 1 && o.Gap > 0 {
			if err := sleepCtx(ctx, o.Gap); err != nil {
				return errInterrupted
			}
		}
		samples := measure(ctx, runID, c, b, o)
		if interrupted(ctx, samples) {
			// The sample in flight was cut short by the interrupt, not by
			// its own timeout: it is not data, and resume retakes it.
			return errInterrupted
		}
		for k := range samples {
			samples[k].Order, samples[k].Host, samples[k].Shard = int32(pos), hostName, int32(shard)
		}
		if err := j.Record(c.key(), samples); err != nil {
			return err
		}
		done[c.key()] = samples
		progress.step(c, samples[0])
	}
	return stress.set(ctx, "")
}

// countTaken counts the trials the journal holds already: a second pass
// over the plan, only when resuming. It costs time, not memory, so it ends
// once every journaled trial is found and heeds an interrupt (a confirmed
// giant plan has billions of trials).
func countTaken(ctx context.Context, trials iter.Seq2[int, trial], done map[string][]run.Sample) (int, error) {
	taken, seen := 0, 0
	for _, c := range trials {
		if taken == len(done) {
			break
		}
		if seen++; seen%(1<<16) == 0 && ctx.Err() != nil {
			return 0, errInterrupted
		}
		if _, ok := done[c.key()]; ok {
			taken++
		}
	}
	return taken, nil
}

// InterruptedError is returned when the run's context was canceled (SIGINT
// or SIGTERM): the run is left resumable, marked interrupted.
type InterruptedError struct {
	RunID, DataDir string
	Taken, Planned int
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted: run %s is incomplete (%d of %d trials taken, the one in flight discarded); "+
		"complete it with: %s", e.RunID, e.Taken, e.Planned, ResumeCommand(e.DataDir, e.RunID))
}

// interrupt marks the run interrupted in its manifest.
func interrupt(dir string, m run.Manifest, taken int, o run.Options) error {
	m.State, m.Taken = run.StateInterrupted, taken
	e := &InterruptedError{RunID: m.RunID, DataDir: o.DataDir, Taken: taken, Planned: m.Planned}
	if err := run.WriteManifest(dir, m); err != nil {
		return fmt.Errorf("%v (and marking it interrupted failed: %w)", e, err)
	}
	return e
}

// interruptGrace is how long a failed sample waits for the run's context to
// be canceled: when a terminal's SIGINT reaches the runtime's process too
// (the magefile run without rtwasm's `go tool mage` wrapper, which gives it
// its own process group), the sample may fail just before mage cancels.
const interruptGrace = 100 * time.Millisecond

// interrupted reports whether the run's context ended during the sample
// (as opposed to the sample's own timeout, which is data).
func interrupted(ctx context.Context, samples []run.Sample) bool {
	if ctx.Err() != nil {
		return true
	}
	for _, s := range samples {
		if s.Status == run.StatusError {
			select {
			case <-ctx.Done():
				return true
			case <-time.After(interruptGrace):
				return false
			}
		}
	}
	return false
}

// openRun creates the run directory and its manifest, or reopens the run
// being resumed.
func openRun(o run.Options, exps []string, b *Builds) (string, run.Manifest, error) {
	if o.Resume != "" {
		dir, err := run.ResolveID(o.DataDir, o.Resume, "RTWASM_RESUME")
		if err != nil {
			return "", run.Manifest{}, err
		}
		m, err := run.ReadManifest(dir)
		if err != nil {
			return "", m, fmt.Errorf("resume %s: %w", o.Resume, err)
		}
		if complete(dir) {
			return "", m, fmt.Errorf("run %s is complete; nothing to resume (RTWASM_RUN=%s go tool mage report renders it)", m.RunID, m.RunID)
		}
		m.Resumes++
		return dir, m, nil
	}
	dir, err := newRunDir(o.DataDir)
	m := run.Manifest{RunID: filepath.Base(dir), Project: projectCommit(), Started: time.Now().UTC(),
		Experiments: exps, Options: o, HostStart: host.ReadFor(o.CPUs), Compilers: b.Compilers.Provenances(),
		WAMRBuilds: b.Env.WAMR.List(),
		Artifacts:  artifactRecords(b, o.Benchmarks)}
	return dir, m, err
}

// probeAll asks every runtime whether it can run, recording the answers.
func probeAll(ctx context.Context, b *Builds, m *run.Manifest, log io.Writer) []runtimes.Probe {
	probes := make([]runtimes.Probe, len(b.Runtimes))
	m.Runtimes = nil
	for i, r := range b.Runtimes {
		p := b.Probe(ctx, r)
		probes[i] = p
		m.Runtimes = append(m.Runtimes, run.RuntimeInfo{ID: r.ID(), Target: string(r.Target()), ColdStart: r.ColdStart(),
			Available: p.Available, Version: p.Version, Binary: p.Binary, Reason: p.Reason})
		if !p.Available {
			fmt.Fprintf(log, "runtime %s unavailable: %s\n", run.Series(r.ID(), r.ColdStart()), p.Reason)
		}
	}
	return probes
}

// listTrials is the trial list: the trials to measure in their seeded random order (streamed,
// see trialPlan), and the rows that record unavailable runtimes.
func listTrials(runID string, o run.Options, exps []string, rts []runtimes.Runtime, probes []runtimes.Probe) (*trialPlan, []run.Sample, error) {
	var groups []trialGroup
	var unavailable []run.Sample
	for _, exp := range exps {
		for _, name := range benchmarksFor(exp, o) {
			k, err := kernels.Lookup(name)
			if err != nil {
				return nil, nil, err
			}
			for i, r := range rts {
				if !seriesIn(exp, o, run.Series(r.ID(), r.ColdStart())) {
					continue
				}
				c := trial{exp: exp, kernel: k, rt: r, binary: probes[i].Binary, iterations: iterationsFor(exp, o)}
				if !probes[i].Available {
					s := baseSample(runID, c, o.Dataset)
					s.Status, s.Error, s.Order, s.Stress = run.StatusUnavailable, probes[i].Reason, -1, StressOf(o)
					unavailable = append(unavailable, s)
					continue
				}
				groups = append(groups, trialGroup{c: c, reps: repsFor(exp, o), copies: len(withReplicate(c))})
			}
		}
	}
	stress := StressOf(o)
	if stress == StressNone {
		stress = ""
	}
	return newTrialPlan(groups, uint64(o.Seed), stress), unavailable, nil
}

// finish writes samples.parquet (rows in run order) and the final manifest.
func finish(dir string, m run.Manifest, unavailable []run.Sample, done map[string][]run.Sample) error {
	rows := append([]run.Sample{}, unavailable...)
	for _, samples := range done {
		rows = append(rows, samples...)
	}
	slices.SortStableFunc(rows, func(a, b run.Sample) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Iteration, b.Iteration))
	})
	if err := run.WriteSamples(filepath.Join(dir, run.SamplesFile), rows); err != nil {
		return err
	}
	m.Finished, m.HostEnd, m.State = time.Now().UTC(), host.Read(), run.StateComplete
	if err := run.WriteManifest(dir, m); err != nil {
		return err
	}
	return linkLatest(dir)
}

// measure takes one trial's sample(s); failures become error rows.
func measure(ctx context.Context, runID string, c trial, b *Builds, o run.Options) []run.Sample {
	base := baseSample(runID, c, o.Dataset)
	base.Stress = c.condition()
	input, err := b.Input(c.rt, c.kernel.Name)
	if err != nil {
		return []run.Sample{failed(base, -1, fmt.Errorf("build failed: %w", err))}
	}
	launch := runtimes.Launch{CPUs: o.CPUs, Stack: o.Stack, Sched: o.Sched, Mlock: o.Mlock}
	ctx, cancel := context.WithTimeout(runtimes.WithLaunch(ctx, launch), o.Timeout)
	defer cancel()
	res := c.rt.Run(ctx, input, harness.Args(c.iterations, false))
	base.LaunchNS = res.LaunchNS
	base = withConditions(base, c.rt, res)
	if res.Err != nil {
		return []run.Sample{failed(base, res.ExitStatus, res.Err)}
	}
	return overLimit(ctx, samplesOf(base, res), o.Timeout)
}

// overLimit makes a trial that finished in a race with its time limit an
// error row: its deadline had passed when it returned, or its own clock
// (launch → end of main) measured more than the limit. A trial over its
// limit is never recorded ok.
func overLimit(ctx context.Context, rows []run.Sample, limit time.Duration) []run.Sample {
	s := rows[0]
	if s.Status != run.StatusOK {
		return rows
	}
	if took := time.Duration(s.TotalNS); errors.Is(ctx.Err(), context.DeadlineExceeded) || took > limit {
		return []run.Sample{failed(s, int(s.ExitStatus), fmt.Errorf("timed out: launch to end of main took %v, over the per-sample limit %v (RTWASM_TIMEOUT)", took, limit))}
	}
	return rows
}

// withConditions records how the process was launched (as applied) and
// what the OS counted for it.
func withConditions(s run.Sample, rt runtimes.Runtime, res runtimes.Result) run.Sample {
	s.Sched, s.Mlock, s.Stack = runtimes.SchedState(res.Applied), runtimes.MlockState(rt, res.Applied), res.Applied.Stack
	u := res.Usage
	s.MinorFaults, s.MajorFaults, s.MaxRSSKB = u.MinorFaults, u.MajorFaults, u.MaxRSSKB
	s.VoluntarySwitch, s.InvoluntarySwitch = u.VoluntarySwitch, u.InvoluntarySwitch
	s.UserNS, s.SystemNS = u.UserNS, u.SystemNS
	s.Instructions, s.Cycles, s.CacheMisses, s.HWNote = u.Instructions, u.Cycles, u.CacheMisses, u.HWNote
	return s
}

// samplesOf turns a finished execution into rows: one for start-up and
// total, one per iteration for prolonged.
func samplesOf(base run.Sample, res runtimes.Result) []run.Sample {
	t, err := harness.ParseTimeline(res.Stdout)
	if err != nil {
		return []run.Sample{failed(base, res.ExitStatus, err)}
	}
	if len(t.IterationEnds) != int(base.Iterations) {
		return []run.Sample{failed(base, res.ExitStatus, fmt.Errorf("asked for %d iterations, the kernel reported %d", base.Iterations, len(t.IterationEnds)))}
	}
	base.MainStartNS, base.MainEndNS, base.ClockResNS = t.MainStart, t.MainEnd, t.ClockRes
	base.SwitchIteration, base.OptCompileNS, base.Note = int32(t.Switch), t.OptCompileNS, hybridNote(t)
	if len(t.Tiers) > 0 {
		base.Tier = t.Tiers[0]
	}
	base.StartupNS = t.MainStart - base.LaunchNS
	base.ExecNS = t.MainEnd - t.MainStart
	base.TotalNS = t.MainEnd - base.LaunchNS
	base.Status = run.StatusOK
	if base.Experiment != run.Prolonged {
		return []run.Sample{base}
	}
	rows := make([]run.Sample, len(t.IterationEnds))
	prev := t.MainStart
	for i, end := range t.IterationEnds {
		rows[i] = base
		rows[i].Iteration = int32(i + 1)
		rows[i].IterationEndNS = end
		rows[i].IterationNS = end - prev
		if i < len(t.Tiers) {
			rows[i].Tier = t.Tiers[i]
		}
		prev = end
	}
	return rows
}

func baseSample(runID string, c trial, d kernels.Dataset) run.Sample {
	engine, mode, _ := strings.Cut(c.rt.ID(), ":")
	return run.Sample{RunID: runID, Experiment: c.exp, Benchmark: c.kernel.Name, Category: c.kernel.Category,
		Dataset: string(d), Runtime: c.rt.ID(), Engine: engine, Mode: mode, Target: string(c.rt.Target()),
		Binary: c.binary, ColdStart: c.rt.ColdStart(), Rep: int32(c.rep), Iterations: int32(c.iterations), Replicate: c.replicate}
}

// sleepCtx waits d, or less if ctx ends first (then its error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func closeAll(rts []runtimes.Runtime) {
	for _, r := range rts {
		if c, ok := r.(runtimes.Closer); ok {
			c.Close()
		}
	}
}

func failed(s run.Sample, exit int, err error) run.Sample {
	s.Status, s.ExitStatus, s.Error = run.StatusError, int32(exit), err.Error()
	return s
}

func artifactRecords(b *Builds, benchmarks []string) []run.ArtifactRecord {
	var list []run.ArtifactRecord
	for _, name := range benchmarks {
		for _, t := range toolchain.Targets {
			if a, err := b.Artifact(name, t); err == nil {
				list = append(list, run.ArtifactRecord{Benchmark: name, Dataset: string(b.Dataset), Target: string(t),
					SHA256: a.SHA256, Bytes: a.Bytes, Compiler: a.Compiler})
			}
		}
	}
	return list
}

// complete reports whether the run has its samples table (written last).
func complete(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, run.SamplesFile))
	return err == nil
}

// usable fails when the build produced nothing any selected runtime can
// run: a run of nothing but error rows is not a measurement.
func (b *Builds) usable(benchmarks []string) error {
	var first error
	for _, r := range b.Runtimes {
		for _, name := range benchmarks {
			_, err := b.Input(r, name)
			if err == nil {
				return nil
			}
			if first == nil {
				first = err
			}
		}
	}
	if first == nil {
		return nil // nothing selected
	}
	return fmt.Errorf("build failed for every benchmark and runtime (%d failures; the first: %v); no run was started", len(b.Failures), first)
}

// newRunDir creates DataDir/<UTC timestamp>, unique within the directory.
func newRunDir(dataDir string) (string, error) {
	id := time.Now().UTC().Format("20060102T150405Z")
	for i := 1; ; i++ {
		dir := filepath.Join(dataDir, id)
		if i > 1 {
			dir += "-" + strconv.Itoa(i)
		}
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return "", err
		}
		if err := os.Mkdir(dir, 0o755); err == nil {
			return dir, nil
		} else if !os.IsExist(err) {
			return "", err
		}
	}
}

// linkLatest points DataDir/latest at the run.
func linkLatest(dir string) error {
	link := filepath.Join(filepath.Dir(dir), "latest")
	os.Remove(link)
	return os.Symlink(filepath.Base(dir), link)
}

func projectCommit() string {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown (not a git checkout)"
	}
	commit := strings.TrimSpace(string(out))
	if dirty, _ := exec.Command("git", "status", "--porcelain").Output(); len(dirty) > 0 {
		commit += " (with uncommitted changes)"
	}
	return commit
}

// hybridNote is a hybrid's note column: its tier-up policy's decision
// ("policy race cpus=2 budget_ns=0 abandoned_job=1"), then any note.
func hybridNote(t harness.Timeline) string {
	if t.Policy == "" {
		return t.Note
	}
	if t.Note == "" {
		return "policy " + t.Policy
	}
	return "policy " + t.Policy + "; " + t.Note
}
