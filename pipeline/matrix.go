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

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/toolchain"
)

// cell is one sample to take: a process (or request) for one experiment,
// benchmark, runtime and repetition.
type cell struct {
	exp        string
	kernel     kernels.Kernel
	rt         Runtime
	binary     string // from the runtime's probe
	rep        int
	iterations int
}

// key identifies the cell within its run, for the journal.
func (c cell) key() string {
	return fmt.Sprintf("%s|%s|%s|%d", c.exp, c.kernel.Name, Series(c.rt.ID(), c.rt.ColdStart()), c.rep)
}

// iterationsFor is how many init+kernel runs an experiment asks for:
// start-up needs none (main_start comes before any work), total one.
func iterationsFor(exp string, o Options) int {
	switch exp {
	case Startup:
		return 0
	case Total:
		return 1
	}
	return o.Iterations
}

func repsFor(exp string, o Options) int {
	if exp == Prolonged {
		return o.ProlongedReps
	}
	return o.Reps
}

// RunExperiments measures the experiments over o's benchmarks and runtimes
// with the built kernels into a new run directory (or, with o.Resume, the
// interrupted run of that id) and returns its path. Each sample is journaled
// as soon as it is taken, so an interrupted run loses at most the one in flight.
func RunExperiments(ctx context.Context, o Options, b *Builds, exps []string, log io.Writer) (string, error) {
	defer closeAll(b.Runtimes)
	run, m, err := openRun(o, exps, b)
	if err != nil {
		return "", err
	}
	probes := probeAll(ctx, b.Runtimes, &m, log)
	cells, unavailable, err := plan(m.RunID, o, exps, b.Runtimes, probes)
	if err != nil {
		return run, err
	}
	if err := WriteManifest(run, m); err != nil {
		return run, err
	}
	j, done, err := openJournal(run)
	if err != nil {
		return run, err
	}
	defer j.Close()
	progress := newProgress(log, len(cells), len(done))
	for i, c := range cells {
		if _, ok := done[c.key()]; ok {
			continue
		}
		samples := measure(ctx, m.RunID, c, b, o)
		for k := range samples {
			samples[k].Order = int32(i)
		}
		if err := j.record(c.key(), samples); err != nil {
			return run, err
		}
		done[c.key()] = samples
		progress.step(c, samples[0])
	}
	return run, finish(run, m, unavailable, done)
}

// openRun creates the run directory and its manifest, or reopens the run
// being resumed.
func openRun(o Options, exps []string, b *Builds) (string, Manifest, error) {
	if o.Resume != "" {
		run := filepath.Join(o.DataDir, o.Resume)
		m, err := ReadManifest(run)
		if err != nil {
			return "", m, fmt.Errorf("resume %s: %w", o.Resume, err)
		}
		m.Resumes++
		return run, m, nil
	}
	run, err := newRunDir(o.DataDir)
	m := Manifest{RunID: filepath.Base(run), Project: projectCommit(), Started: time.Now().UTC(),
		Experiments: exps, Options: o, HostStart: ReadHost(), Compilers: b.Compilers.Provenances(),
		Artifacts: artifactRecords(b, o.Benchmarks)}
	return run, m, err
}

// probeAll asks every runtime whether it can run, recording the answers.
func probeAll(ctx context.Context, runtimes []Runtime, m *Manifest, log io.Writer) []Probe {
	probes := make([]Probe, len(runtimes))
	m.Runtimes = nil
	for i, r := range runtimes {
		p := r.Probe(ctx)
		probes[i] = p
		m.Runtimes = append(m.Runtimes, RuntimeInfo{ID: r.ID(), Target: string(r.Target()), ColdStart: r.ColdStart(),
			Available: p.Available, Version: p.Version, Binary: p.Binary, Reason: p.Reason})
		if !p.Available {
			fmt.Fprintf(log, "runtime %s unavailable: %s\n", Series(r.ID(), r.ColdStart()), p.Reason)
		}
	}
	return probes
}

// plan lists the cells to measure in their seeded random order, and the rows
// that record unavailable runtimes.
func plan(runID string, o Options, exps []string, runtimes []Runtime, probes []Probe) ([]cell, []Sample, error) {
	var cells []cell
	var unavailable []Sample
	for _, exp := range exps {
		for _, name := range o.Benchmarks {
			k, err := kernels.Lookup(name)
			if err != nil {
				return nil, nil, err
			}
			for i, r := range runtimes {
				c := cell{exp: exp, kernel: k, rt: r, binary: probes[i].Binary, iterations: iterationsFor(exp, o)}
				if !probes[i].Available {
					s := baseSample(runID, c, o.Dataset)
					s.Status, s.Error, s.Order = StatusUnavailable, probes[i].Reason, -1
					unavailable = append(unavailable, s)
					continue
				}
				for c.rep = 1; c.rep <= repsFor(exp, o); c.rep++ {
					cells = append(cells, c)
				}
			}
		}
	}
	rand.New(rand.NewPCG(uint64(o.Seed), 0)).Shuffle(len(cells), func(i, j int) { cells[i], cells[j] = cells[j], cells[i] })
	return cells, unavailable, nil
}

// finish writes samples.parquet (rows in run order) and the final manifest.
func finish(run string, m Manifest, unavailable []Sample, done map[string][]Sample) error {
	rows := append([]Sample{}, unavailable...)
	for _, samples := range done {
		rows = append(rows, samples...)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Order != rows[j].Order {
			return rows[i].Order < rows[j].Order
		}
		return rows[i].Iteration < rows[j].Iteration
	})
	if err := WriteSamples(filepath.Join(run, SamplesFile), rows); err != nil {
		return err
	}
	m.Finished, m.HostEnd = time.Now().UTC(), ReadHost()
	if err := WriteManifest(run, m); err != nil {
		return err
	}
	return linkLatest(run)
}

// measure takes one cell's sample(s); failures become error rows.
func measure(ctx context.Context, runID string, c cell, b *Builds, o Options) []Sample {
	base := baseSample(runID, c, o.Dataset)
	input, err := b.Input(c.rt, c.kernel.Name)
	if err != nil {
		return []Sample{failed(base, -1, fmt.Errorf("build failed: %w", err))}
	}
	ctx, cancel := context.WithTimeout(WithCPUs(ctx, o.CPUs), o.Timeout)
	defer cancel()
	res := c.rt.Run(ctx, input, []string{"--iterations", strconv.Itoa(c.iterations)})
	base.LaunchNS = res.LaunchNS
	if res.Err != nil {
		return []Sample{failed(base, res.ExitStatus, res.Err)}
	}
	return samplesOf(base, res)
}

// samplesOf turns a finished execution into rows: one for start-up and
// total, one per iteration for prolonged.
func samplesOf(base Sample, res Result) []Sample {
	t, err := ParseTimeline(res.Stdout)
	if err != nil {
		return []Sample{failed(base, res.ExitStatus, err)}
	}
	if len(t.IterationEnds) != int(base.Iterations) {
		return []Sample{failed(base, res.ExitStatus, fmt.Errorf("asked for %d iterations, the kernel reported %d", base.Iterations, len(t.IterationEnds)))}
	}
	base.MainStartNS, base.MainEndNS, base.ClockResNS = t.MainStart, t.MainEnd, t.ClockRes
	base.SwitchIteration, base.OptCompileNS, base.Note = int32(t.Switch), t.OptCompileNS, t.Note
	if len(t.Tiers) > 0 {
		base.Tier = t.Tiers[0]
	}
	base.StartupNS = t.MainStart - base.LaunchNS
	base.ExecNS = t.MainEnd - t.MainStart
	base.TotalNS = t.MainEnd - base.LaunchNS
	base.Status = StatusOK
	if base.Experiment != Prolonged {
		return []Sample{base}
	}
	rows := make([]Sample, len(t.IterationEnds))
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

func baseSample(runID string, c cell, d kernels.Dataset) Sample {
	engine, mode := splitID(c.rt.ID())
	return Sample{RunID: runID, Experiment: c.exp, Benchmark: c.kernel.Name, Category: c.kernel.Category,
		Dataset: string(d), Runtime: c.rt.ID(), Engine: engine, Mode: mode, Target: string(c.rt.Target()),
		Binary: c.binary, ColdStart: c.rt.ColdStart(), Rep: int32(c.rep), Iterations: int32(c.iterations)}
}

func closeAll(runtimes []Runtime) {
	for _, r := range runtimes {
		if c, ok := r.(Closer); ok {
			c.Close()
		}
	}
}

func failed(s Sample, exit int, err error) Sample {
	s.Status, s.ExitStatus, s.Error = StatusError, int32(exit), err.Error()
	return s
}

func artifactRecords(b *Builds, benchmarks []string) []ArtifactRecord {
	var list []ArtifactRecord
	for _, name := range benchmarks {
		for _, t := range toolchain.Targets {
			if a, err := b.Artifact(name, t); err == nil {
				list = append(list, ArtifactRecord{Benchmark: name, Dataset: string(b.Dataset), Target: string(t),
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
func linkLatest(run string) error {
	link := filepath.Join(filepath.Dir(run), "latest")
	os.Remove(link)
	return os.Symlink(filepath.Base(run), link)
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
