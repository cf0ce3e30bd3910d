package reports

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/run"
)

// tailFixture writes a tail run of two series under one stress condition:
// startup i.i.d. Gumbel-like around startupMS[series]×scale, jobs around
// 2 ms×scale; with drift, native:musl's startup drifts upward in run order.
func tailFixture(t *testing.T, stress string, scale float64, drift bool) string {
	t.Helper()
	dir := t.TempDir()
	startupMS := map[string]float64{"native:musl": 0.5, "wazero:interp": 4}
	const reps, procs, iterations = 400, 4, 101
	rng := rand.New(rand.NewPCG(11, 3)) // the same draws under every condition: only scale differs
	gumbel := func(mu, beta float64) float64 { return mu - beta*math.Log(-math.Log(rng.Float64())) }
	var rows []run.Sample
	order := int32(0)
	for _, id := range []string{"native:musl", "wazero:interp"} {
		engine, mode, _ := strings.Cut(id, ":")
		base := run.Sample{RunID: "tail-" + stress, Benchmark: "atax", Dataset: "MEDIUM", Runtime: id, Engine: engine, Mode: mode,
			ColdStart: run.ColdProcess, Status: run.StatusOK, Stress: stress}
		for rep := 1; rep <= reps; rep++ {
			s := base
			s.Experiment, s.Rep, s.Order = run.Startup, int32(rep), order
			ms := gumbel(startupMS[id], 0.05*startupMS[id]) * scale
			if drift && id == "native:musl" {
				ms *= 1 + float64(rep)/reps
			}
			s.StartupNS = int64(ms * nsPerMS)
			rows = append(rows, s)
			order++
		}
		for p := 1; p <= procs; p++ {
			for i := 1; i <= iterations; i++ {
				s := base
				s.Experiment, s.Rep, s.Order, s.Iteration, s.Iterations = run.Prolonged, int32(p), order, int32(i), iterations
				s.IterationNS = int64(gumbel(2, 0.05) * scale * nsPerMS)
				rows = append(rows, s)
			}
			order++
		}
	}
	m := run.Manifest{RunID: "tail-" + stress, Started: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Experiments: []string{run.Startup, run.Prolonged},
		Options: run.Options{Profile: "tail", Benchmarks: []string{"atax"}, Runtimes: []string{"native:musl", "wazero:interp"},
			Dataset: "MEDIUM", Stress: stress, Gap: 5 * time.Millisecond}}
	if err := run.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if err := run.WriteSamples(filepath.Join(dir, run.SamplesFile), rows); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTailCellsFitAndNameFailures: i.i.d. cells are fitted with budgets
// that grow as p shrinks and lie above the observed p99; a drifting cell
// fails the named stationarity check.
func TestTailCellsFitAndNameFailures(t *testing.T) {
	m, rows, err := run.ReadRun(tailFixture(t, "none", 1, true))
	if err != nil {
		t.Fatal(err)
	}
	cells := newRun(m, rows).tailCells()
	if len(cells) != 4 { // startup and job × two series (one kernel: no pooled cell)
		t.Fatalf("%d tail cells, want 4", len(cells))
	}
	for _, c := range cells {
		drifting := c.Metric.Name == "startup" && c.Series == "native:musl"
		switch {
		case drifting && (c.fitted() || c.CVBound != nil || !strings.Contains(c.Status, "identical distribution")):
			t.Errorf("drifting cell %s: status %q, want the identical-distribution gate failed and no fit", c.Series, c.Status)
		case !drifting && !c.fitted():
			t.Errorf("i.i.d. cell %s %s not fitted: %s", c.Metric.Name, c.Series, c.Status)
		case !drifting:
			if !(c.Budget[0].V > c.P99 && c.Budget[0].V < c.Budget[1].V && c.Budget[1].V < c.Budget[2].V) {
				t.Errorf("%s %s: p99 %v, budgets %+v: want increasing above the p99", c.Metric.Name, c.Series, c.P99, c.Budget)
			}
			if b := c.Budget[1]; !(b.Low < b.V && b.V < b.High) {
				t.Errorf("%s %s: CI %+v does not bracket the budget", c.Metric.Name, c.Series, b)
			}
		}
	}
}

// TestTailGatesMBPTA: an AR(1) series (autocorrelated, stationary) fails
// the Ljung–Box gate by name and is fitted by neither method; an i.i.d.
// Gumbel series passes both gates and is fitted by the GEV and MBPTA-CV,
// whose bounds at 1e-6 agree within 10%.
func TestTailGatesMBPTA(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	ar, gum := make([]float64, 1000), make([]float64, 1000)
	prev := 0.0
	for i := range ar {
		prev = 0.6*prev + rng.NormFloat64()
		ar[i] = 10 + prev
		gum[i] = 10 - math.Log(-math.Log(rng.Float64()))
	}
	c := analyseTail(ar, 1)
	if c.fitted() || c.CVBound != nil || len(c.Gates) == 0 || !strings.Contains(c.Gates[0], "Ljung–Box, 20 lags") {
		t.Errorf("AR(1): gates %q, status %q, CV %q; want Ljung–Box (20 lags) failed and nothing fitted", c.Gates, c.Status, c.CVStatus)
	}
	c = analyseTail(gum, 1)
	if !c.fitted() || c.CVBound == nil || len(c.Gates) != 0 {
		t.Fatalf("i.i.d. Gumbel: gates %q, status %q, CV %q; want both fits", c.Gates, c.Status, c.CVStatus)
	}
	if gev, cv := c.Budget[1].V, c.CVBound[1]; math.Abs(gev-cv)/gev > 0.10 {
		t.Errorf("i.i.d. Gumbel at 1e-6: GEV %.2f, MBPTA-CV %.2f differ by more than 10%%", gev, cv)
	}
}

// TestInterferenceFromTwoRuns: the stressed run is the other scaled by
// 1.5, so every check and fit family agree and each ratio is 1.5; the
// comparison finds them with CIs that cover 1.5 and exclude 1, and writes its files and figure; two runs under the same
// condition are refused.
func TestInterferenceFromTwoRuns(t *testing.T) {
	none, cpu := tailFixture(t, "none", 1, false), tailFixture(t, "cpu", 1.5, false)
	out, err := RenderInterference(none, cpu)
	if err != nil {
		t.Fatal(err)
	}
	ratios := readCSV(t, out, "interference.csv")
	if len(ratios) != 4 {
		t.Fatalf("%d ratio rows, want 4 (2 metrics × 2 series)", len(ratios))
	}
	gumbel := map[string]bool{}
	for _, c := range readCSV(t, out, "tail.csv") {
		gumbel[c["metric"]+" "+c["series"]] = c["status"] == "fitted (Gumbel)"
	}
	withBudget := 0
	for _, r := range ratios {
		for _, k := range []string{"p99", "budget"} {
			if k == "budget" && r["budget_1e-6_none_ms"] != "" && r["budget_1e-6_stress_ms"] != "" {
				withBudget++
			}
			if r[k+"_ratio_low"] == "" {
				if k == "p99" || withBudget > 0 && r["budget_1e-6_stress_ms"] != "" && r["budget_1e-6_none_ms"] != "" {
					t.Errorf("%s %s: no %s ratio CI in %v", r["metric"], r["series"], k, r)
				}
				continue
			}
			if v := parse(t, r[k+"_ratio"]); math.Abs(v-1.5) > 0.01 {
				t.Errorf("%s %s %s ratio %v, want 1.5", r["metric"], r["series"], k, v)
			}
			low, high := parse(t, r[k+"_ratio_low"]), parse(t, r[k+"_ratio_high"])
			if !(low < 1.5 && 1.5 < high) {
				t.Errorf("%s %s %s ratio CI [%v, %v]: want it to cover 1.5", r["metric"], r["series"], k, low, high)
			}
			// A free GEV shape from ~20 maxima leaves a 1e-6 level barely determined.
			if sharp := k == "p99" || gumbel[r["metric"]+" "+r["series"]]; sharp && low <= 1 {
				t.Errorf("%s %s %s ratio CI [%v, %v]: want it to exclude 1", r["metric"], r["series"], k, low, high)
			}
		}
	}
	if withBudget < 3 {
		t.Errorf("%d of 4 cells fitted in both runs, want at least 3 (the fixture is i.i.d.)", withBudget)
	}
	if len(readCSV(t, out, "tail.csv")) != 8 {
		t.Errorf("tail.csv: want 8 cells (4 per condition)")
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{headingTail, "budget to reserve", "Interference: tail under stress", "native:musl · stress cpu"} {
		if !strings.Contains(string(md), want) && want != "native:musl · stress cpu" {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, FiguresDir, "fig_tail_exceedance.png")); err != nil {
		t.Errorf("exceedance figure: %v", err)
	}
	if _, err := RenderInterference(none, none); err == nil || !strings.Contains(err.Error(), "RTWASM_STRESS") {
		t.Errorf("same condition twice: err %v, want a refusal naming RTWASM_STRESS", err)
	}
}

// TestTailSectionInReport: the regular report carries the tail section,
// and a run without long cells says how to get them.
func TestTailSectionInReport(t *testing.T) {
	out, err := Render(tailFixture(t, "none", 1, false))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), headingTail) || !strings.Contains(string(md), "fitted (") {
		t.Errorf("report.md lacks a fitted tail section")
	}
	empty, err := newRun(run.Manifest{}, nil).tailSection()
	if err != nil || !strings.Contains(empty.Empty, "RTWASM_PROFILE=tail") {
		t.Errorf("empty tail section %q (%v), want a pointer to the tail profile", empty.Empty, err)
	}
}

// TestHeavyTailBudgetText: a heavy-tailed fit's budgets beyond the samples'
// reach are named, not printed as astronomic times; a Gumbel's are printed.
func TestHeavyTailBudgetText(t *testing.T) {
	c := tailCell{N: 1000, Budget: []interval{{1, 0, 2}, {1e9, 0, 2e9}, {1e16, 0, 2e16}}}
	c.Fit.Model.Xi = 0.8
	if got := c.budgetText(0, "x"); got != "x" {
		t.Errorf("1e-3 with n = 1000: %q, want the level", got)
	}
	if got := c.budgetText(1, "x"); !strings.Contains(got, "unbounded") || !strings.Contains(got, "0.80") {
		t.Errorf("1e-6 of a heavy tail: %q, want it named with ξ", got)
	}
	c.Fit.Gumbel = true
	if got := c.budgetText(2, "x"); got != "x" {
		t.Errorf("Gumbel at 1e-9: %q, want the level", got)
	}
}

// TestTailBesideHost: with the host's cyclictest floor in the manifest
// (worst wake-up 1 ms), the tail section tabulates it, draws its curve in
// the figure, and calls the job bounds (excess over the median ≈ 0.6 ms)
// within the host's noise but not the startup bounds (≥ 1.3 ms); without a
// floor it says none was measured.
func TestTailBesideHost(t *testing.T) {
	dir := tailFixture(t, "none", 1, false)
	m, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	hist := map[int]int64{20: 900, 40: 90, 300: 9}
	m.HostLatency = []host.Latency{
		{Phase: "before", Available: true, Policy: "other", CPUs: []int{1}, Cycles: 1000, MaxUS: 1000, P99US: 40, P999US: 300, Histogram: hist, Overflows: 1},
		{Phase: "after", Reason: "cyclictest not found (Debian: apt-get install rt-tests)"},
	}
	r := newRun(m, rows)
	cells := r.tailCells()
	sec, err := r.tailSectionOf(cells)
	if err != nil {
		t.Fatal(err)
	}
	if r.hostNoiseMS() != 1 {
		t.Errorf("host noise %v ms, want 1", r.hostNoiseMS())
	}
	for _, c := range cells {
		b, _ := c.cellBound()
		if got := c.withinHostNoise(r.hostNoiseMS()); got != (c.Metric.Name == "job") {
			t.Errorf("%s %s: bound %.2f, median %.2f: within the host's noise %v", c.Metric.Name, c.Series, b, c.Median, got)
		}
	}
	text := strings.Join(sec.Paragraphs, " ")
	if !strings.Contains(text, "up to "+formatMS(1)+" ms late") || !strings.Contains(text, "native:musl job atax") || strings.Contains(text, "musl startup atax") {
		t.Errorf("narrative does not name the host's noise and the cell within it: %s", text)
	}
	var hostRows [][]string
	for _, tb := range sec.Tables {
		if strings.Contains(tb.Caption, "cyclictest") {
			hostRows = tb.Rows
		}
	}
	if len(hostRows) != 2 || hostRows[0][6] != "1000" || !strings.Contains(hostRows[1][3], "rt-tests") {
		t.Errorf("host table rows %q: want before (max 1000 µs) and after (unavailable, why)", hostRows)
	}
	// 1000 wake-ups: 900 at 20 µs, 90 at 40, 9 at 300, 1 beyond the range.
	if pts, ok := r.hostCurve(); !ok || len(pts) != 3 || pts[0].Y != 1000.0/1001 || pts[1].Y != 100.0/1001 || pts[2].Y != 10.0/1001 {
		t.Errorf("host curve %v: want steps at 1000, 100 and 10 of 1001", pts)
	}
	m.HostLatency = nil
	if text := newRun(m, rows).hostNarrative(cells); !strings.Contains(text, "not measured") {
		t.Errorf("without a floor: %q", text)
	}
}
