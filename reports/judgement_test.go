package reports

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// judgementRun builds a run of one benchmark from per-series job times:
// total-experiment jobs (ExecNS, TotalNS = startup + job) and one prolonged
// process per series with the given iteration times.
type judgementSeries struct {
	id         string
	startupMS  float64
	jobs       []float64 // total experiment job times (ms)
	prolonged  []float64 // iteration times (ms) of one process
	replicate  bool      // the rows are the series' replicate (the true A/A's second series)
	perProcess int       // > 0: prolonged is split into processes of this many iterations
}

func judgementRun(series []judgementSeries) *runData {
	var rows []run.Sample
	order := int32(0)
	for _, s := range series {
		base := run.Sample{RunID: "judgement", Benchmark: "gemm", Runtime: s.id, ColdStart: "process", Status: run.StatusOK}
		if s.replicate {
			base.Replicate = 1
		}
		for i, job := range s.jobs {
			order++
			r := base
			r.Experiment, r.Rep, r.Order = run.Total, int32(i+1), order
			r.StartupNS, r.ExecNS = int64(s.startupMS*nsPerMS), int64(job*nsPerMS)
			r.TotalNS = r.StartupNS + r.ExecNS
			rows = append(rows, r)
			st := r
			st.Experiment, st.ExecNS, st.TotalNS = run.Startup, 0, 0
			rows = append(rows, st)
		}
		per := len(s.prolonged)
		if s.perProcess > 0 {
			per = s.perProcess
		}
		for i, it := range s.prolonged {
			order++
			r := base
			r.Experiment, r.Rep, r.Order = run.Prolonged, int32(1+i/per), order
			r.Iteration, r.Iterations = int32(1+i%per), int32(per)
			r.StartupNS, r.IterationNS = int64(s.startupMS*nsPerMS), int64(it*nsPerMS)
			rows = append(rows, r)
		}
	}
	return newRun(run.Manifest{RunID: "judgement", Options: run.Options{Benchmarks: []string{"gemm"}}}, rows)
}

// jittered returns n log-normal times around ms (sd 3 %), from seed.
func jittered(ms float64, n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 17))
	v := make([]float64, n)
	for i := range v {
		v[i] = ms * math.Exp(rng.NormFloat64()*0.03)
	}
	return v
}

// TestAAPairIdenticalDataTies: native:musl and docker:engine with identical
// jobs tie, give a small floor, and the guidance never switches to docker.
func TestAAPairIdenticalDataTies(t *testing.T) {
	jobs, iterations := jittered(2, 20, 1), jittered(1, 30, 2)
	r := judgementRun([]judgementSeries{
		{id: "native:musl", startupMS: 0.5, jobs: jobs, prolonged: iterations},
		{id: "docker:engine", startupMS: 150, jobs: jobs, prolonged: iterations},
	})
	a := r.analyse()
	rows := a.noise.rows()
	if len(rows) != 2 {
		t.Fatalf("%d A/A rows, want 2 (steady job and job)", len(rows))
	}
	for _, row := range rows {
		// One process per side: one steady value each, so no steady floor.
		steadyOK := row.Quantity == noiseSteady && row.Result.NA == 1 && math.IsNaN(row.Floor)
		if row.Result.Ratio != 1 || !(steadyOK || row.Result.Verdict == stats.Tied && row.Floor < stats.DefaultMargin) {
			t.Errorf("%s %s: %v, ratio %v, floor %v", row.Quantity, row.Pair.Name, row.Result.Verdict, row.Result.Ratio, row.Floor)
		}
	}
	if a.noise.noisy() || a.noise.noiseWarning() != "" {
		t.Errorf("identical data flagged noisy: %q", a.noise.noiseWarning())
	}
	k := a.breakEven[0]
	if len(k.Ranges) != 1 || k.Ranges[0].Series != "native:musl" || !slices.Equal(k.Ranges[0].SameCode, []string{"docker:engine"}) {
		t.Errorf("ranges %+v", k.Ranges)
	}
}

// TestNoisyAAPairFlagged: a series 30 % apart from its replicate is a noisy
// host; a same-code pair 30 % apart is the environment's effect, not noise,
// and the guidance still does not switch between the two.
func TestNoisyAAPairFlagged(t *testing.T) {
	r := judgementRun([]judgementSeries{
		{id: "native:musl", startupMS: 0.5, jobs: jittered(2.6, 20, 1), prolonged: jittered(1.3, 30, 2)},
		{id: "native:musl", startupMS: 0.5, jobs: jittered(2, 20, 7), prolonged: jittered(1, 30, 8), replicate: true},
		{id: "docker:engine", startupMS: 150, jobs: jittered(2, 20, 3), prolonged: jittered(1, 30, 4)},
	})
	a := r.analyse()
	if w := a.noise.noiseWarning(); !strings.Contains(w, "this host was noisy") || !strings.Contains(w, "native:musl vs its replicate") {
		t.Errorf("warning %q", w)
	}
	if k := a.breakEven[0]; len(k.Ranges) != 1 || k.Ranges[0].Series != "native:musl" {
		t.Errorf("guidance switched between identical code: %+v", k.Ranges)
	}
	if slices.Contains(r.series, "native:musl replicate") || len(r.samples(run.Total, "gemm", "native:musl")) != 20 {
		t.Errorf("the replicate leaked into the series' own cells: %v", r.series)
	}
	env := judgementRun([]judgementSeries{
		{id: "native:musl", startupMS: 0.5, jobs: jittered(2.6, 20, 1), prolonged: jittered(1.3, 30, 2)},
		{id: "docker:engine", startupMS: 150, jobs: jittered(2, 20, 3), prolonged: jittered(1, 30, 4)},
	}).analyse().noise
	if env.noiseWarning() != "" || !strings.Contains(env.noiseNarrative(), "environment's own effect") ||
		!strings.Contains(env.noiseNarrative(), "job gemm: native:musl vs docker:engine") {
		t.Errorf("a same-code difference is the environment's effect: warning %q, narrative %q", env.noiseWarning(), env.noiseNarrative())
	}
}

func TestPairwiseVerdicts(t *testing.T) {
	t.Run("10 % shift, 30 samples: different", func(t *testing.T) {
		r := judgementRun([]judgementSeries{
			{id: "native:glibc", startupMS: 1, jobs: jittered(10, 30, 5)},
			{id: "wasmtime:aot", startupMS: 1, jobs: jittered(11, 30, 6)},
		})
		c := findComparison(t, r.comparisons(runNoise{}), "total", "wasmtime:aot")
		if c.Verdict != stats.Different || !(c.RatioLow > 1.05) || c.PHolm >= 0.05 {
			t.Errorf("%v, ratio CI [%v, %v], p_holm %v", c.Verdict, c.RatioLow, c.RatioHigh, c.PHolm)
		}
	})
	t.Run("5 % shift, 3 samples: undecided with N", func(t *testing.T) {
		r := judgementRun([]judgementSeries{
			{id: "native:glibc", startupMS: 1, jobs: []float64{10, 10.4, 9.7}},
			{id: "wasmtime:aot", startupMS: 1, jobs: []float64{10.5, 10.9, 10.2}},
		})
		c := findComparison(t, r.comparisons(runNoise{}), "total", "wasmtime:aot")
		if c.Verdict != stats.Undecided || c.SamplesNeeded <= 3 {
			t.Errorf("%v, samples needed %d", c.Verdict, c.SamplesNeeded)
		}
		if text := verdictText(c.Verdict, c.SamplesNeeded); !strings.HasPrefix(text, "undecided (more samples needed: about ") {
			t.Errorf("verdict text %q", text)
		}
	})
}

func findComparison(t *testing.T, list []comparison, metricName, series string) comparison {
	t.Helper()
	for _, c := range list {
		if c.Metric.Name == metricName && c.Series == series {
			return c
		}
	}
	t.Fatalf("no %s comparison of %s in %d", metricName, series, len(list))
	return comparison{}
}

// TestWarmupExcluded: three slow iterations at the start of a 30-iteration
// process are found and left out of the steady job; a 5-iteration process
// says its warm-up is not determinable.
func TestWarmupExcluded(t *testing.T) {
	iterations := jittered(1, 30, 7)
	for i := range 3 {
		iterations[i] *= 3
	}
	r := judgementRun([]judgementSeries{
		{id: "wasmtime:aot", startupMS: 5, jobs: jittered(1, 5, 8), prolonged: iterations},
		{id: "native:glibc", startupMS: 1, jobs: jittered(1, 5, 9), prolonged: jittered(1, 5, 10)},
	})
	st := r.steadyStates()
	aot := st[steadyKey{"gemm", "wasmtime:aot"}]
	if !slices.Equal(aot.Warmup, []int{3}) || len(aot.Steady) != 27 || slices.Max(aot.Steady) > 1.5 {
		t.Errorf("warm-up %v, %d steady jobs (max %v)", aot.Warmup, len(aot.Steady), slices.Max(aot.Steady))
	}
	if aot.warmupText() != "3" {
		t.Errorf("warm-up text %q", aot.warmupText())
	}
	short := st[steadyKey{"gemm", "native:glibc"}]
	if short.determined() || !strings.HasPrefix(short.warmupText(), "not determinable (5 iterations") || len(short.Steady) != 4 {
		t.Errorf("short process: %q, %d steady jobs", short.warmupText(), len(short.Steady))
	}
}

// TestGEVShapeRecovered: i.i.d. GEV samples (ξ = 0.3) keep their shape in
// block maxima; the fit must find it significant and hold it in its CI.
func TestGEVShapeRecovered(t *testing.T) {
	truth := stats.GEV{Mu: 10, Sigma: 1, Xi: 0.3}
	rng := rand.New(rand.NewPCG(11, 12))
	values := make([]float64, 10000)
	for i := range values {
		values[i] = truth.Rand(rng)
	}
	e := analyseEVT(values, 13)
	if !e.fitted() || e.Fit.Gumbel {
		t.Fatalf("status %q, Gumbel %v (ξ p = %v)", e.Status, e.Fit.Gumbel, e.Fit.XiP)
	}
	if !(e.Fit.XiLow < 0.3 && 0.3 < e.Fit.XiHi) {
		t.Errorf("ξ = %v, CI [%v, %v] misses 0.3", e.Fit.Model.Xi, e.Fit.XiLow, e.Fit.XiHi)
	}
	// The per-run pWCET at 1e-3 is the truth's 1−1e-3 quantile, within the CI.
	if p := e.PWCET[0]; !(p.Low < truth.Quantile(1-1e-3) && truth.Quantile(1-1e-3) < p.High) {
		t.Errorf("pWCET 1e-3 %v [%v, %v], truth %v", p.Value, p.Low, p.High, truth.Quantile(1-1e-3))
	}
	if !strings.HasPrefix(e.family(), "GEV (ξ = ") {
		t.Errorf("family %q", e.family())
	}
}

// TestFailedFitGivesObservedMax: constant samples cannot be fitted; the
// cell says so and keeps the observed maximum only.
func TestFailedFitGivesObservedMax(t *testing.T) {
	values := make([]float64, 100)
	for i := range values {
		values[i] = 4
	}
	e := analyseEVT(values, 1)
	f := e.fields()
	if e.fitted() || !strings.Contains(e.Status, "observed max only") || e.Max != 4 || f[4] != formatMS(4) || f[len(f)-1] != "" {
		t.Errorf("status %q, max %v, fields %v", e.Status, e.Max, f)
	}
}

// TestSwitchNeedsDifferenceBeyondFloor: native:glibc's steady job is 20 %
// lower than native:musl's — significant, but native:musl and its
// replicate (one binary, measured twice) are 40 % apart, so it is host
// noise: no switch, and the guidance says why.
func TestSwitchNeedsDifferenceBeyondFloor(t *testing.T) {
	r := judgementRun([]judgementSeries{
		{id: "native:musl", startupMS: 0.5, jobs: jittered(2, 20, 1), prolonged: jittered(1, 60, 2), perProcess: 10},
		{id: "native:musl", startupMS: 0.5, jobs: jittered(2, 20, 3), prolonged: jittered(1.4, 60, 4), perProcess: 10, replicate: true},
		{id: "native:glibc", startupMS: 1, jobs: jittered(2, 20, 5), prolonged: jittered(0.8, 60, 6), perProcess: 10},
	})
	k := r.analyse().breakEven[0]
	if c := k.steadyVerdict("native:glibc", "native:musl"); c.Verdict != stats.Different {
		t.Fatalf("glibc vs musl: %v (the test needs a significant difference)", c.Verdict)
	}
	if len(k.Ranges) != 1 || k.Ranges[0].Series != "native:musl" {
		t.Errorf("switched on a difference within the noise floor: %+v", k.Ranges)
	}
	if u := k.undecidedText(); !strings.Contains(u, "native:glibc") || !strings.Contains(u, "within this run's noise floor") {
		t.Errorf("guidance does not say why: %q", u)
	}
	// Without the noisy A/A pair the same difference is a finding.
	quiet := judgementRun([]judgementSeries{
		{id: "native:musl", startupMS: 0.5, jobs: jittered(2, 20, 1), prolonged: jittered(1, 30, 2)},
		{id: "native:glibc", startupMS: 1, jobs: jittered(2, 20, 5), prolonged: jittered(0.8, 30, 6)},
	}).analyse().breakEven[0]
	if len(quiet.Ranges) != 2 || quiet.Ranges[1].Series != "native:glibc" || quiet.Ranges[1].Evidence.Verdict != stats.Different {
		t.Errorf("quiet host: %+v", quiet.Ranges)
	}
	if pt := quiet.Ranges[1].Point; !(pt.Low <= pt.N && pt.N <= pt.High) || quiet.Ranges[1].From != math.Floor(pt.N)+1 {
		t.Errorf("break-even %v [%v, %v], range from %v", pt.N, pt.Low, pt.High, quiet.Ranges[1].From)
	}
}

// TestSmokeFloorNotDeterminable: 3 noisy samples per side of the true A/A
// give no floor and no warning of a huge one: the report says the floor
// is not determinable at this size.
func TestSmokeFloorNotDeterminable(t *testing.T) {
	noisy := func(seed uint64) []float64 { return []float64{1, 9, 3 + float64(seed)} }
	n := judgementRun([]judgementSeries{
		{id: "native:musl", startupMS: 0.5, jobs: noisy(1), prolonged: noisy(2)},
		{id: "native:musl", startupMS: 0.5, jobs: noisy(3), prolonged: noisy(4), replicate: true},
	}).analyse().noise
	if !n.measured() || n.determined() || n.noiseWarning() != "" {
		t.Fatalf("measured %v, determined %v, warning %q", n.measured(), n.determined(), n.noiseWarning())
	}
	if text := n.noiseNarrative(); !strings.Contains(text, "not determinable at this sample size") || !strings.Contains(text, "n = 1") {
		t.Errorf("narrative %q", text)
	}
}

// TestSamplingSaysWhereItStopped: a cell stopped at its cap is named with
// its reason and width; fixed repetitions say so.
func TestSamplingSaysWhereItStopped(t *testing.T) {
	m := run.Manifest{Options: run.Options{Reps: 5, Precision: 0.05}, Rounds: []run.Round{{}, {}},
		Sampling: []run.CellStop{
			{Cell: run.CellID(run.Startup, "gemm", "native:glibc"), Reps: 5, HalfWidth: 0.01, Stop: run.StopPrecision},
			{Cell: run.CellID(run.Startup, "gemm", "docker:engine"), Reps: 20, HalfWidth: 0.12, Stop: run.StopCap},
		}}
	text := samplingNarrative(m)
	if !strings.Contains(text, "1 of 2 cells met the target; 1 stopped at their cap") || !strings.Contains(text, "in 3 rounds") {
		t.Errorf("narrative %q", text)
	}
	tab, ok := samplingTable(m)
	if !ok || len(tab.Rows) != 1 || !slices.Equal(tab.Rows[0], []string{"startup", "gemm", "docker:engine", "20", "±12.0 %", "cap"}) {
		t.Errorf("table %v", tab.Rows)
	}
	m.Options.Precision = 0
	if text := samplingNarrative(m); !strings.Contains(text, "fixed repetitions") {
		t.Errorf("fixed: %q", text)
	}
}

// TestSteadyOnlyFromSteadyProcesses: a process with no steady state gives
// no steady jobs; the narrative counts it.
func TestSteadyOnlyFromSteadyProcesses(t *testing.T) {
	var rows []run.Sample
	for rep, trend := range []float64{0, 0.05} { // a flat process, and one 5 % slower every job
		for i, ms := range jittered(1, 30, uint64(rep)) {
			rows = append(rows, run.Sample{Experiment: run.Prolonged, Benchmark: "gemm", Runtime: "native:glibc", ColdStart: run.ColdProcess,
				Status: run.StatusOK, Rep: int32(rep + 1), Iteration: int32(i + 1), Iterations: 30, IterationNS: int64(ms * (1 + trend*float64(i)) * nsPerMS)})
		}
	}
	st, _ := newRun(run.Manifest{}, rows).steadyState("gemm", "native:glibc")
	if st.reached() != 1 || st.Classes[stats.SteadyNone] != 1 || st.Classes[stats.SteadyFlat] != 1 || len(st.Steady) != 29 {
		t.Fatalf("reached %d, classes %v, %d steady jobs; want the flat process's 29 only", st.reached(), st.Classes, len(st.Steady))
	}
	text := steadyNarrative(map[steadyKey]steadyState{{"gemm", "native:glibc"}: st})
	if !strings.Contains(text, "1 flat, 0 warm-up, 0 slowdown, 1 with no steady state") || !strings.Contains(text, "1 reached a steady state") {
		t.Errorf("narrative %q", text)
	}
}
