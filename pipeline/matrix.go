package pipeline

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
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
// with the built kernels, writes a new run directory and returns its path.
func RunExperiments(ctx context.Context, o Options, b *Builds, exps []string, log io.Writer) (string, error) {
	runtimes := b.Runtimes
	defer closeAll(runtimes)
	run, err := newRunDir(o.DataDir)
	if err != nil {
		return "", err
	}
	m := Manifest{RunID: filepath.Base(run), Project: projectCommit(), Started: time.Now().UTC(),
		Experiments: exps, Options: o, HostStart: ReadHost(), Compilers: b.Compilers.Provenances()}
	probes := make([]Probe, len(runtimes))
	for i, r := range runtimes {
		p := r.Probe(ctx)
		probes[i] = p
		m.Runtimes = append(m.Runtimes, RuntimeInfo{ID: r.ID(), Target: string(r.Target()), ColdStart: r.ColdStart(), Available: p.Available,
			Version: p.Version, Binary: p.Binary, Reason: p.Reason})
		if !p.Available {
			fmt.Fprintf(log, "runtime %s unavailable: %s\n", r.ID(), p.Reason)
		}
	}
	m.Artifacts = artifactRecords(b, o.Benchmarks)
	var rows []Sample
	var cells []cell
	for _, exp := range exps {
		for _, name := range o.Benchmarks {
			k, err := kernels.Lookup(name)
			if err != nil {
				return "", err
			}
			for i, r := range runtimes {
				p := probes[i]
				if !p.Available {
					s := baseSample(m.RunID, cell{exp: exp, kernel: k, rt: r, iterations: iterationsFor(exp, o)}, o.Dataset)
					s.Status, s.Error = StatusUnavailable, p.Reason
					rows = append(rows, s)
					continue
				}
				for rep := 1; rep <= repsFor(exp, o); rep++ {
					cells = append(cells, cell{exp, k, r, p.Binary, rep, iterationsFor(exp, o)})
				}
			}
		}
	}
	rand.New(rand.NewPCG(uint64(o.Seed), 0)).Shuffle(len(cells), func(i, j int) { cells[i], cells[j] = cells[j], cells[i] })
	progress := newProgress(log, len(cells))
	for i, c := range cells {
		samples := measure(ctx, m.RunID, c, b, o)
		for j := range samples {
			samples[j].Order = int32(i)
		}
		rows = append(rows, samples...)
		progress.step(c, samples[0])
	}
	if err := WriteSamples(filepath.Join(run, SamplesFile), rows); err != nil {
		return run, err
	}
	m.Finished, m.HostEnd = time.Now().UTC(), ReadHost()
	if err := WriteManifest(run, m); err != nil {
		return run, err
	}
	return run, linkLatest(run)
}

// measure takes one cell's sample(s); failures become error rows.
func measure(ctx context.Context, runID string, c cell, b *Builds, o Options) []Sample {
	base := baseSample(runID, c, o.Dataset)
	input, err := b.Input(c.rt, c.kernel.Name)
	if err != nil {
		return []Sample{failed(base, -1, fmt.Errorf("build failed: %w", err))}
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
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

// progress reports the matrix's advance as plain log lines with an ETA.
type progress struct {
	log   io.Writer
	total int
	done  int
	start time.Time
	next  int
}

func newProgress(log io.Writer, total int) *progress {
	return &progress{log: log, total: total, start: time.Now()}
}

func (p *progress) step(c cell, s Sample) {
	p.done++
	if s.Status == StatusError {
		fmt.Fprintf(p.log, "error: %s %s %s rep %d: %s\n", c.exp, c.kernel.Name, c.rt.ID(), c.rep, s.Error)
	}
	if p.done*10/max(p.total, 1) >= p.next || p.done == p.total {
		p.next = p.done*10/max(p.total, 1) + 1
		elapsed := time.Since(p.start)
		eta := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
		fmt.Fprintf(p.log, "[%d/%d] %s %s %s — elapsed %s, eta %s\n", p.done, p.total, c.exp, c.kernel.Name, c.rt.ID(),
			elapsed.Round(time.Second), eta.Round(time.Second))
	}
}
