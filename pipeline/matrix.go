package pipeline

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
}

// key identifies the trial within its run, for the journal.
func (c trial) key() string {
	return fmt.Sprintf("%s|%s|%s|%d", c.exp, c.kernel.Name, run.Series(c.rt.ID(), c.rt.ColdStart()), c.rep)
}

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
	o, err := FitBudget(ctx, o, b, exps, log)
	if err != nil {
		return "", err
	}
	dir, m, err := openRun(o, exps, b)
	if err != nil {
		return "", err
	}
	probes := probeAll(ctx, b, &m, log)
	trials, unavailable, err := plan(m.RunID, o, exps, b.Runtimes, probes)
	if err != nil {
		return dir, err
	}
	if err := run.WriteManifest(dir, m); err != nil {
		return dir, err
	}
	j, done, err := run.OpenJournal(dir)
	if err != nil {
		return dir, err
	}
	defer j.Close()
	progress := newProgress(log, len(trials), len(done))
	for i, c := range trials {
		if _, ok := done[c.key()]; ok {
			continue
		}
		samples := measure(ctx, m.RunID, c, b, o)
		for k := range samples {
			samples[k].Order = int32(i)
		}
		if err := j.Record(c.key(), samples); err != nil {
			return dir, err
		}
		done[c.key()] = samples
		progress.step(c, samples[0])
	}
	return dir, finish(dir, m, unavailable, done)
}

// openRun creates the run directory and its manifest, or reopens the run
// being resumed.
func openRun(o run.Options, exps []string, b *Builds) (string, run.Manifest, error) {
	if o.Resume != "" {
		dir := filepath.Join(o.DataDir, o.Resume)
		m, err := run.ReadManifest(dir)
		if err != nil {
			return "", m, fmt.Errorf("resume %s: %w", o.Resume, err)
		}
		m.Resumes++
		return dir, m, nil
	}
	dir, err := newRunDir(o.DataDir)
	m := run.Manifest{RunID: filepath.Base(dir), Project: projectCommit(), Started: time.Now().UTC(),
		Experiments: exps, Options: o, HostStart: host.Read(), Compilers: b.Compilers.Provenances(),
		Artifacts: artifactRecords(b, o.Benchmarks)}
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

// plan lists the trials to measure in their seeded random order, and the rows
// that record unavailable runtimes.
func plan(runID string, o run.Options, exps []string, rts []runtimes.Runtime, probes []runtimes.Probe) ([]trial, []run.Sample, error) {
	var trials []trial
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
					s.Status, s.Error, s.Order = run.StatusUnavailable, probes[i].Reason, -1
					unavailable = append(unavailable, s)
					continue
				}
				for c.rep = 1; c.rep <= repsFor(exp, o); c.rep++ {
					trials = append(trials, c)
				}
			}
		}
	}
	rand.New(rand.NewPCG(uint64(o.Seed), 0)).Shuffle(len(trials), func(i, j int) { trials[i], trials[j] = trials[j], trials[i] })
	return trials, unavailable, nil
}

// finish writes samples.parquet (rows in run order) and the final manifest.
func finish(dir string, m run.Manifest, unavailable []run.Sample, done map[string][]run.Sample) error {
	rows := append([]run.Sample{}, unavailable...)
	for _, samples := range done {
		rows = append(rows, samples...)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Order != rows[j].Order {
			return rows[i].Order < rows[j].Order
		}
		return rows[i].Iteration < rows[j].Iteration
	})
	if err := run.WriteSamples(filepath.Join(dir, run.SamplesFile), rows); err != nil {
		return err
	}
	m.Finished, m.HostEnd = time.Now().UTC(), host.Read()
	if err := run.WriteManifest(dir, m); err != nil {
		return err
	}
	return linkLatest(dir)
}

// measure takes one trial's sample(s); failures become error rows.
func measure(ctx context.Context, runID string, c trial, b *Builds, o run.Options) []run.Sample {
	base := baseSample(runID, c, o.Dataset)
	input, err := b.Input(c.rt, c.kernel.Name)
	if err != nil {
		return []run.Sample{failed(base, -1, fmt.Errorf("build failed: %w", err))}
	}
	ctx, cancel := context.WithTimeout(runtimes.WithLaunch(ctx, runtimes.Launch{CPUs: o.CPUs}), o.Timeout)
	defer cancel()
	res := c.rt.Run(ctx, input, harness.Args(c.iterations, false))
	base.LaunchNS = res.LaunchNS
	if res.Err != nil {
		return []run.Sample{failed(base, res.ExitStatus, res.Err)}
	}
	return samplesOf(base, res)
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
	base.SwitchIteration, base.OptCompileNS, base.Note = int32(t.Switch), t.OptCompileNS, t.Note
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
		Binary: c.binary, ColdStart: c.rt.ColdStart(), Rep: int32(c.rep), Iterations: int32(c.iterations)}
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
