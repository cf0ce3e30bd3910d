package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Plan before you run: how many trials and samples the options ask for per
// experiment and series, and how long they will take on this host, from
// the trials of earlier runs (data/runs/*) or, where there are none, a
// short calibration run. A trial's wall time is modelled as
//
//	fixed(series) + iterations × job(series, dataset, kernel)
//
// where fixed is everything but the kernel work (launch, start-up, exit,
// the pipeline's own bookkeeping until the next launch) and job one
// init+kernel run.

// benchmarksFor is the experiment's kernels: its PerExperiment list if it
// has one (an empty list measures none), else the run's.
func benchmarksFor(exp string, o run.Options) []string {
	if e, ok := o.PerExperiment[exp]; ok && e.Benchmarks != nil {
		return e.Benchmarks
	}
	return o.Benchmarks
}

// seriesIn reports whether the experiment measures a series (PerExperiment
// may narrow it; empty means every selected series).
func seriesIn(exp string, o run.Options, series string) bool {
	e, ok := o.PerExperiment[exp]
	return !ok || len(e.Series) == 0 || slices.Contains(e.Series, series)
}

// PlanLine is one experiment × series of a plan.
type PlanLine struct {
	Experiment, Series string
	Trials, Samples    int
	Wall               time.Duration
	Guessed            int // trials whose time had no history on this host
	NoJob              int // of those, trials whose kernel work had no estimate at all (counted as zero)
	// With adaptive sampling: trials and wall time if every cell reaches
	// its cap (Trials and Wall are the first round's).
	CapTrials int
	CapWall   time.Duration
	// ExpectedTrials and ExpectedWall are the trials past the first round
	// that the latest adaptive run on this host needed for the same cells.
	ExpectedTrials int
	ExpectedWall   time.Duration
}

// Plan is what a run of the options will measure and its estimated wall time.
type Plan struct {
	Lines       []PlanLine
	Setup       time.Duration // per-run set-up and finishing, from history
	Wall        time.Duration // Setup + every line
	CapWall     time.Duration // Setup + every line at its cap (adaptive sampling)
	Unavailable []string
	Runs        int // earlier runs the estimate is based on
}

// history holds per-trial costs observed in earlier runs on this host.
type history struct {
	fixed map[string][]float64 // series → seconds per trial outside kernel work
	job   map[jobKey][]float64 // seconds per init+kernel run
	setup []float64            // per-run seconds outside trials
	runs  int
	// reps is how many repetitions adaptive sampling gave a cell at a
	// dataset in the latest run that sampled it (run.CellStop).
	reps map[string]int
}

type jobKey struct{ series, dataset, benchmark string }

// loadHistory reads every run under dataDir (and its calibration runs),
// oldest first: a series' or kernel's costs come from the latest run that
// measured them, the host's current state (an older run may have shared the
// host with other work).
func loadHistory(dataDir string) history {
	h := history{fixed: map[string][]float64{}, job: map[jobKey][]float64{}, reps: map[string]int{}}
	type past struct {
		m    run.Manifest
		rows []run.Sample
	}
	var runs []past
	for _, pattern := range []string{"*", filepath.Join("calibration", "*")} {
		dirs, _ := filepath.Glob(filepath.Join(dataDir, pattern))
		for _, dir := range dirs {
			if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
				continue // latest is a symlink
			}
			if m, rows, err := run.ReadRun(dir); err == nil && len(rows) > 0 {
				runs = append(runs, past{m, rows})
			}
		}
	}
	slices.SortStableFunc(runs, func(a, b past) int { return a.m.Started.Compare(b.m.Started) })
	for _, p := range runs {
		h.add(p.m, p.rows)
	}
	return h
}

// trialCost is one trial of a past run, from its samples.
type trialCost struct {
	order           int32
	series, dataset string
	launch, end     int64
	iterations      int
	jobs            []float64 // seconds per init+kernel run
	benchmark       string
	total           bool // a total trial: its "job" is main → end of main
	ok              bool // some sample completed: a trial of only errors or timeouts says nothing of its cost
}

func (h *history) add(m run.Manifest, rows []run.Sample) {
	for _, c := range m.Sampling {
		if h.reps != nil {
			h.reps[c.Cell+"|"+string(m.Options.Dataset)] = c.Reps
		}
	}
	byOrder := map[int32]*trialCost{}
	for _, s := range rows {
		if s.Order < 0 || s.LaunchNS <= 0 {
			continue
		}
		t, ok := byOrder[s.Order]
		if !ok {
			t = &trialCost{order: s.Order, series: s.Series(), dataset: s.Dataset, benchmark: s.Benchmark, launch: s.LaunchNS,
				iterations: int(s.Iterations)}
			byOrder[s.Order] = t
		}
		t.end = max(t.end, s.MainEndNS, s.IterationEndNS, s.LaunchNS+s.TotalNS)
		t.ok = t.ok || s.Status == run.StatusOK
		switch {
		case s.Status != run.StatusOK:
		case s.Experiment == run.Total:
			t.jobs, t.total = append(t.jobs, float64(s.ExecNS)/1e9), true
		case s.Experiment == run.Prolonged && s.Iteration > 0:
			t.jobs = append(t.jobs, float64(s.IterationNS)/1e9)
		}
	}
	trials := make([]*trialCost, 0, len(byOrder))
	for _, t := range byOrder {
		trials = append(trials, t)
	}
	slices.SortFunc(trials, func(a, b *trialCost) int { return cmp.Compare(a.launch, b.launch) })
	if !slices.ContainsFunc(trials, func(t *trialCost) bool { return t.ok }) {
		return // nothing completed (every trial timed out or failed): no estimate from it
	}
	h.runs++
	// Job costs come from prolonged iterations where the run has them: a
	// total trial's main → end of main also holds whatever the runtime does
	// after the job (the hybrid waits for its optimizing compile).
	fixed, jobs, totalJobs := map[string][]float64{}, map[jobKey][]float64{}, map[jobKey][]float64{}
	defer func() {
		for k, v := range fixed {
			h.fixed[k] = v
		}
		for k, v := range totalJobs {
			if _, ok := jobs[k]; !ok {
				jobs[k] = v
			}
		}
		for k, v := range jobs {
			h.job[k] = v
		}
	}()
	inTrials := 0.0
	for i, t := range trials {
		wall := float64(t.end-t.launch) / 1e9
		if i+1 < len(trials) {
			// The gap to the next launch holds this trial's exit and bookkeeping;
			// a gap far beyond the trial (an interruption) is not.
			if gap := float64(trials[i+1].launch-t.launch) / 1e9; gap >= wall && gap < wall+30 {
				wall = gap
			}
		}
		inTrials += wall
		if !t.ok {
			continue
		}
		work := 0.0
		if len(t.jobs) > 0 {
			// The median job, not the mean: a tiered runtime's first jobs
			// (interpreter, before the optimized code is ready) are not
			// what the rest of a long process costs.
			job := stats.Median(t.jobs)
			k := jobKey{t.series, t.dataset, t.benchmark}
			if t.total {
				totalJobs[k] = append(totalJobs[k], job)
			} else {
				jobs[k] = append(jobs[k], job)
			}
			work = meanOf(t.jobs) * float64(max(t.iterations, 1))
		}
		if t.iterations == 0 || len(t.jobs) > 0 {
			fixed[t.series] = append(fixed[t.series], max(0, wall-work))
		}
	}
	if !m.Started.IsZero() && !m.Finished.IsZero() && m.Resumes == 0 {
		h.setup = append(h.setup, max(0, m.Finished.Sub(m.Started).Seconds()-inTrials))
	}
}

func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// fixedCost is a series' per-trial cost outside kernel work.
func (h history) fixedCost(series string) (float64, bool) {
	if v := h.fixed[series]; len(v) > 0 {
		return stats.Median(v), true // robust to trials disturbed by other load, which the mean is not
	}
	var all []float64
	for _, v := range h.fixed {
		all = append(all, meanOf(v))
	}
	if len(all) == 0 {
		return 0.5, false
	}
	return slices.Max(all), false // unknown series: assume the slowest known
}

// jobCost is one init+kernel run of a series: observed, or native's scaled
// by the series' observed speed relative to native:glibc.
func (h history) jobCost(series, dataset, benchmark string) (float64, bool) {
	if v := h.job[jobKey{series, dataset, benchmark}]; len(v) > 0 {
		return stats.Median(v), true
	}
	ref := h.job[jobKey{seriesNativeRef, dataset, benchmark}]
	if len(ref) == 0 {
		for k, v := range h.job { // any series that ran this kernel at this size
			if k.dataset == dataset && k.benchmark == benchmark {
				return meanOf(v) * h.speedAt(series, dataset) / h.speedAt(k.series, dataset), false
			}
		}
		return 0, false
	}
	return meanOf(ref) * h.speed(series), false
}

// seriesNativeRef is the series every speed is relative to: the paper's native build.
const seriesNativeRef = paper.Native

// speed is a series' median job time relative to native:glibc over the
// kernels both ran; 1 when unknown.
func (h history) speed(series string) float64 { return h.speedAt(series, "") }

// speedAt is speed measured at one dataset if it can be (at MINI a job is
// mostly fixed costs, so its ratio says little about LARGE), else at any.
func (h history) speedAt(series, dataset string) float64 {
	if dataset != "" {
		if s := h.speedOver(series, dataset); s > 0 {
			return s
		}
	}
	if s := h.speedOver(series, ""); s > 0 {
		return s
	}
	return 1
}

func (h history) speedOver(series, dataset string) float64 {
	var ratios []float64
	for k, v := range h.job {
		if k.series != series || (dataset != "" && k.dataset != dataset) {
			continue
		}
		if ref := h.job[jobKey{seriesNativeRef, k.dataset, k.benchmark}]; len(ref) > 0 && meanOf(ref) > 0 {
			ratios = append(ratios, meanOf(v)/meanOf(ref))
		}
	}
	if len(ratios) == 0 {
		return 0
	}
	return stats.Median(ratios)
}

// trialCost estimates one trial's wall time; known says whether history
// had both its parts.
func (h history) trialWall(exp, series, dataset, benchmark string, o run.Options) (time.Duration, bool) {
	fixed, known := h.fixedCost(series)
	iterations := iterationsFor(exp, o)
	if iterations > 0 {
		job, ok := h.jobCost(series, dataset, benchmark)
		fixed += job * float64(iterations)
		known = known && ok
	}
	return time.Duration(fixed * float64(time.Second)), known
}

// MakePlan counts the trials of the options over the available runtimes and
// estimates their wall time from the history under o.DataDir.
func MakePlan(ctx context.Context, o run.Options, b *Builds, exps []string) Plan {
	return makePlan(ctx, o, b, exps, loadHistory(o.DataDir))
}

func makePlan(ctx context.Context, o run.Options, b *Builds, exps []string, h history) Plan {
	p := Plan{Runs: h.runs}
	if len(h.setup) > 0 {
		p.Setup = time.Duration(meanOf(h.setup) * float64(time.Second))
	}
	p.Wall, p.CapWall = p.Setup, p.Setup
	for _, exp := range exps {
		for _, r := range b.Runtimes {
			series := run.Series(r.ID(), r.ColdStart())
			if !seriesIn(exp, o, series) {
				continue
			}
			if pr := b.Probe(ctx, r); !pr.Available {
				if !slices.Contains(p.Unavailable, series) {
					p.Unavailable = append(p.Unavailable, series)
				}
				continue
			}
			line := PlanLine{Experiment: exp, Series: series}
			for _, bench := range benchmarksFor(exp, o) {
				reps := repsFor(exp, o)
				wall, known := h.trialWall(exp, series, string(o.Dataset), bench, o)
				line.Trials += reps
				line.Samples += reps * max(1, iterationsFor(exp, o))
				line.Wall += time.Duration(reps) * wall
				if !known {
					line.Guessed += reps
				}
				if job, _ := h.jobCost(series, string(o.Dataset), bench); iterationsFor(exp, o) > 0 && job == 0 {
					line.NoJob += reps
				}
				if o.Precision > 0 {
					line.CapTrials += capFor(exp, o)
					line.CapWall += time.Duration(capFor(exp, o)) * wall
					// Expected: what the last adaptive run here gave the cell.
					if n, ok := h.reps[run.CellID(exp, bench, series)+"|"+string(o.Dataset)]; ok {
						extra := min(max(n, reps), capFor(exp, o)) - reps
						line.ExpectedTrials += extra
						line.ExpectedWall += time.Duration(extra) * wall
					}
				}
			}
			lines := []PlanLine{line}
			if slices.Contains(run.ReplicatedSeries, series) { // the true A/A's second series
				twin := line
				twin.Series = replicateName(series)
				lines = append(lines, twin)
			}
			for _, l := range lines {
				p.Lines = append(p.Lines, l)
				p.Wall += l.Wall
				p.CapWall += l.CapWall
			}
		}
	}
	return p
}

// Guessed counts the trials estimated without history.
func (p Plan) Guessed() (guessed, trials int) {
	for _, l := range p.Lines {
		guessed, trials = guessed+l.Guessed, trials+l.Trials
	}
	return guessed, trials
}

// Print writes the plan as a table and the estimate, also for N shards.
func (p Plan) Print(w io.Writer, o run.Options) {
	fmt.Fprintf(w, "plan: profile %s, dataset %s, %d kernels; estimate from %d earlier run(s) under %s\n",
		o.Profile, o.Dataset, len(o.Benchmarks), p.Runs, o.DataDir)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	capHeader := ""
	if o.Precision > 0 {
		capHeader = "at cap\t"
	}
	fmt.Fprintln(tw, "experiment\tseries\ttrials\tsamples\testimate\t"+capHeader)
	for _, l := range p.Lines {
		note := ""
		if l.Guessed > 0 {
			note = fmt.Sprintf("  (%d trials without history)", l.Guessed)
		}
		atCap := ""
		if o.Precision > 0 {
			atCap = fmt.Sprintf("%d: %s\t", l.CapTrials, roundDuration(l.CapWall))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s%s\n", l.Experiment, l.Series, l.Trials, l.Samples, roundDuration(l.Wall), atCap, note)
	}
	tw.Flush()
	guessed, trials := p.Guessed()
	if guessed == trials && trials > 0 {
		// A guess for every trial is no estimate: say so rather than print one.
		fmt.Fprintf(w, "plan: %d trials; no earlier run on this host measured these series, so there is no estimate yet "+
			"(`go tool mage plan` calibrates first; later runs are estimated from this one)\n", trials)
		return
	}
	fmt.Fprintf(w, "plan: %d trials, estimated wall time %s (set-up and finishing %s)", trials, roundDuration(p.Wall), roundDuration(p.Setup))
	if o.Precision > 0 {
		capTrials, expTrials, expWall := 0, 0, p.Wall
		for _, l := range p.Lines {
			capTrials, expTrials, expWall = capTrials+l.CapTrials, expTrials+l.ExpectedTrials, expWall+l.ExpectedWall
		}
		fmt.Fprintf(w, "; adaptive sampling to %s: that is the first round, at most %d trials, %s (every cell at its cap)",
			formatPrecision(o.Precision), capTrials, roundDuration(p.CapWall))
		if expTrials > 0 {
			fmt.Fprintf(w, "; expected from the last adaptive run here: %d trials, %s", trials+expTrials, roundDuration(expWall))
		}
	}
	if n := max(o.Shards, 1); n > 1 {
		fmt.Fprintf(w, "; on %d shards about %s", n, roundDuration(p.Wall/time.Duration(n)))
	} else {
		fmt.Fprintf(w, "; on N nodes (RTWASM_SHARDS) about %s/N", roundDuration(p.Wall))
	}
	fmt.Fprintln(w)
	if guessed > 0 {
		fmt.Fprintf(w, "plan: %d of %d trials have no history on this host: guessed from other series (go tool mage plan calibrates)\n", guessed, trials)
	}
	if len(p.Unavailable) > 0 {
		fmt.Fprintf(w, "plan: %d series unavailable (no trials): %v\n", len(p.Unavailable), p.Unavailable)
	}
}

func roundDuration(d time.Duration) time.Duration {
	if d > time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// Calibrate measures, into a calibration run under o.DataDir/calibration,
// what history lacks for the plan: two start-up trials of every series
// without a fixed cost, and one total trial of native:glibc (and of every
// series with no speed relative to it) on the kernels without a job time
// at the options' dataset. It returns whether it ran anything.
func Calibrate(ctx context.Context, o run.Options, b *Builds, exps []string, log io.Writer) (bool, error) {
	h := loadHistory(o.DataDir)
	c := o
	c.Profile, c.Resume, c.Reps, c.ProlongedReps = calibrationProfile, "", 1, 1
	c.DataDir = filepath.Join(o.DataDir, "calibration")
	c.PerExperiment = map[string]run.ExperimentCells{}
	var noFixed, noSpeed, noJob []string
	for _, r := range b.Runtimes {
		series := run.Series(r.ID(), r.ColdStart())
		if !b.Probe(ctx, r).Available {
			continue
		}
		if len(h.fixed[series]) == 0 {
			noFixed = append(noFixed, series)
		}
		// A speed relative to native is only worth something at the
		// planned dataset: at MINI a job is mostly fixed costs; and only
		// for series that will run kernel work.
		needsSpeed := seriesIn(run.Total, o, series) || seriesIn(run.Prolonged, o, series)
		if series != seriesNativeRef && needsSpeed && h.speedOver(series, string(o.Dataset)) == 0 {
			noSpeed = append(noSpeed, series)
		}
	}
	for _, exp := range exps {
		if exp == run.Startup {
			continue
		}
		for _, bench := range benchmarksFor(exp, o) {
			if _, ok := h.jobCost(seriesNativeRef, string(o.Dataset), bench); !ok && !slices.Contains(noJob, bench) {
				noJob = append(noJob, bench)
			}
		}
	}
	if len(noFixed) == 0 && len(noJob) == 0 && len(noSpeed) == 0 {
		return false, nil
	}
	if len(noFixed) > 0 {
		c.PerExperiment[run.Startup] = run.ExperimentCells{Benchmarks: benchmarksFor(run.Startup, o)[:1], Reps: 2, Series: noFixed}
	}
	if len(noJob) > 0 {
		c.PerExperiment[run.Total] = run.ExperimentCells{Benchmarks: noJob, Reps: 1, Series: []string{seriesNativeRef}}
	}
	speedKernels := spread(benchmarksFor(run.Prolonged, o), 5)
	if len(noSpeed) > 0 && len(speedKernels) > 0 {
		// A few jobs of every series without a speed at this dataset, and
		// of native:glibc, on five kernels spread over the list (speeds
		// differ between kernels), relate the series to native; several
		// jobs, because a tiered runtime's first job is not its typical one.
		c.PerExperiment[run.Prolonged] = run.ExperimentCells{Benchmarks: speedKernels, Reps: 1,
			Series: append(slices.Clone(noSpeed), seriesNativeRef)}
		c.Iterations = max(1, min(o.Iterations, 5))
	}
	var cexps []string
	for _, exp := range run.AllExperiments {
		if _, ok := c.PerExperiment[exp]; ok {
			cexps = append(cexps, exp)
		}
	}
	all := append(append(slices.Clone(noJob), speedKernels...), benchmarksFor(run.Startup, o)[:1]...)
	c.Benchmarks = slices.Compact(slices.Sorted(slices.Values(all)))
	c.Precision, c.Budget = 0, 0 // fixed, one round: calibration is not a measurement
	if o.Budget > 0 {
		// A budgeted run caps each calibration trial: one slow series
		// must not eat the budget before anything is measured.
		c.Timeout = trialCap(o)
	}
	fmt.Fprintf(log, "plan: calibrating (%d series without history, %d kernels without a job time at %s, %d series without a speed there)\n",
		len(noFixed), len(noJob), o.Dataset, len(noSpeed))
	dir, err := RunExperiments(ctx, c, b, cexps, log)
	if err == nil {
		reportCut(dir, c.Timeout, log)
	}
	return true, err
}

// calibrationProfile names the runs Calibrate makes.
const calibrationProfile = "calibration"

// reportCut says which calibration trials failed or hit their time cap:
// their series' costs are guessed from the others.
func reportCut(dir string, limit time.Duration, log io.Writer) {
	_, rows, err := run.ReadRun(dir)
	if err != nil {
		return
	}
	var cut []string
	for _, s := range rows {
		if s.Status == run.StatusError && !slices.Contains(cut, s.Series()+" "+s.Benchmark) {
			cut = append(cut, s.Series()+" "+s.Benchmark)
		}
	}
	if len(cut) > 0 {
		fmt.Fprintf(log, "plan: calibration cut %d trials (failed or over the %s cap; their costs are guessed from other series): %s\n",
			len(cut), limit, strings.Join(cut, ", "))
	}
}

// spread picks up to n items evenly over list, first included.
func spread(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	picked := make([]string, n)
	for i := range picked {
		picked[i] = list[i*len(list)/n]
	}
	return picked
}

// Summary is the estimate in a few words, as Print words it: a wall time,
// or "no estimate yet" when no trial had history on this host.
func (p Plan) Summary() string {
	guessed, trials := p.Guessed()
	noJob := 0
	for _, l := range p.Lines {
		noJob += l.NoJob
	}
	switch {
	case trials == 0 && len(p.Unavailable) > 0:
		return fmt.Sprintf("nothing to measure here: %d series unavailable (%v)", len(p.Unavailable), p.Unavailable)
	case trials == 0:
		return "nothing to measure"
	case guessed == trials:
		return fmt.Sprintf("no estimate yet (%d trials, none measured on this host before; `go tool mage plan` calibrates)", trials)
	case noJob > 0:
		return fmt.Sprintf("no estimate yet (%d of %d trials run kernels this host has no job time for at this dataset; "+
			"`go tool mage plan` with these variables calibrates)", noJob, trials)
	}
	s := fmt.Sprintf("about %s (%d trials", roundDuration(p.Wall), trials)
	if guessed > 0 {
		s += fmt.Sprintf(", %d guessed from other series", guessed)
	}
	if len(p.Unavailable) > 0 {
		s += fmt.Sprintf("; %d series unavailable here", len(p.Unavailable))
	}
	return s + ")"
}
