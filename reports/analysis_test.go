package reports

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestAnalyseEVTStatus(t *testing.T) {
	if e := analyseEVT(sequence(1, 49), 1); e.Status != evtTooFew || e.PWCET != nil {
		t.Errorf("49 samples: %q", e.Status)
	}
	// 60 samples make 10 blocks of 6 (⌊√60⌋ = 7 would leave only 8 maxima).
	if e := analyseEVT(sequence(1, 60), 1); e.Block != 6 || e.Blocks != 10 {
		t.Errorf("60 samples: blocks of %d, %d blocks", e.Block, e.Blocks)
	}
	if e := analyseEVT(sequence(1, 100), 1); !strings.Contains(e.Status, "independence") || e.fitted() {
		t.Errorf("a trend passed the i.i.d. checks: %q", e.Status)
	}
}

func sequence(from float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = from + float64(i)
	}
	return s
}

func TestWinnersTwoLines(t *testing.T) {
	// Slow start, fast jobs: T = 40 + N; fast start, slow jobs: T = 1.2 + 2N.
	// 40 + N < 1.2 + 2N ⇔ N > 38.8: the second wins N = 1..38, the first from 39.
	slowStart := costModel{Series: "slow start", StartupMS: 39, FirstMS: 2, SteadyMS: 1}
	fastStart := costModel{Series: "fast start", StartupMS: 1.2, FirstMS: 2, SteadyMS: 2}
	got := winners([]costModel{slowStart, fastStart})
	want := []winnerRange{{Series: "fast start", From: 1, To: 38}, {Series: "slow start", From: 39, To: math.Inf(1)}}
	if !slices.EqualFunc(got, want, func(a, b winnerRange) bool { return a.Series == b.Series && a.From == b.From && a.To == b.To }) {
		t.Errorf("winners = %v, want %v", got, want)
	}
}

func TestWinnersMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 200 {
		var models []costModel
		for i := range 2 + rng.IntN(5) {
			models = append(models, costModel{Series: strconv.Itoa(i), StartupMS: rng.Float64() * 50,
				FirstMS: rng.Float64() * 5, SteadyMS: 0.1 + rng.Float64()*3})
		}
		ranges := winners(models)
		for n := 1.0; n <= 3000; n++ {
			best := slices.MinFunc(models, func(a, b costModel) int {
				return compareFloat(a.cumulative(n), b.cumulative(n))
			})
			if got := (kernelBreakEven{Ranges: ranges}).winnerAt(n); got != best.Series && best.cumulative(n) < models[seriesIndex(got)].cumulative(n)-1e-9 {
				t.Fatalf("trial %d, N = %v: ranges say %s, brute force %s (%v)", trial, n, got, best.Series, ranges)
			}
		}
	}
}

func seriesIndex(s string) int { i, _ := strconv.Atoi(s); return i }

// readCSV reads one of the report's CSV files into header-keyed records.
func readCSV(t *testing.T, dir, name string) []map[string]string {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(readString(t, dir, name))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// cellValues are the fixture's ok values (ms) of one cell, in run order.
func cellValues(rows []run.Sample, experiment, benchmark, series string, value func(run.Sample) float64) []float64 {
	var v []float64
	for _, s := range rows {
		if s.Status == run.StatusOK && s.Experiment == experiment && s.Benchmark == benchmark && s.Series() == series {
			v = append(v, value(s))
		}
	}
	return v
}

func TestPairwiseFromFixture(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	rows := readCSV(t, r.outDir, "pairwise.csv")
	// 2 metrics × 3 benchmarks × (5 series − the best).
	if len(rows) != 2*3*4 {
		t.Errorf("%d comparisons, want 24", len(rows))
	}
	startup := func(s run.Sample) float64 { return float64(s.StartupNS) / 1e6 }
	found := false
	for _, row := range rows {
		if row["metric"] != "startup" || row["benchmark"] != "jacobi-2d" || row["series"] != "native:glibc" {
			continue
		}
		found = true
		if row["best_series"] != embeddedSeries {
			t.Errorf("best series %s, want %s (lowest startup)", row["best_series"], embeddedSeries)
		}
		x := cellValues(r.rows, run.Startup, "jacobi-2d", "native:glibc", startup)
		y := cellValues(r.rows, run.Startup, "jacobi-2d", embeddedSeries, startup)
		ratio := stats.Median(x) / stats.Median(y)
		if got := parse(t, row["ratio"]); !near(got, ratio, 1e-3) {
			t.Errorf("ratio %v, want %v", got, ratio)
		}
		if lo, hi := parse(t, row["ratio_ci90_low"]), parse(t, row["ratio_ci90_high"]); !(lo <= ratio && ratio <= hi && lo > 1) {
			t.Errorf("CI [%v, %v] should hold %v and exclude 1", lo, hi, ratio)
		}
		// Every native startup is slower than every embedded one: U = n1·n2, exact p = 2/C(10,5) for 5 vs 5.
		if parse(t, row["mann_whitney_u"]) != 25 || !near(parse(t, row["p_value"]), 2.0/252, 1e-5) {
			t.Errorf("U = %s, p = %s", row["mann_whitney_u"], row["p_value"])
		}
		// Holm over the 12 startup comparisons, most of them complete
		// separations with this p: at least 11 times it, above 0.05. So even
		// 8× slower is undecided with 5 samples, and needs a few more.
		if ph := parse(t, row["p_holm"]); ph < 11*2.0/252-1e-4 || ph > 12*2.0/252+1e-4 || row["verdict"] != "undecided" || parse(t, row["samples_needed"]) <= 5 {
			t.Errorf("p_holm %v, verdict %q, samples_needed %q", ph, row["verdict"], row["samples_needed"])
		}
	}
	if !found {
		t.Error("no startup comparison of native:glibc on jacobi-2d")
	}
	if s := sectionText(r.html, headingPairwise); !strings.Contains(s, "Ratio 90% CI") || !strings.Contains(s, "Of 24 comparisons") {
		t.Error("pairwise section lacks its table or narrative")
	}
}

func TestRealTimeFromFixture(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	cells := map[string]map[string]string{}
	for _, row := range readCSV(t, r.outDir, "realtime.csv") {
		cells[row["metric"]+"/"+row["benchmark"]+"/"+row["series"]] = row
	}
	fitted := cells["total/"+longBenchmark+"/"+longSeries]
	if fitted["status"] != evtFitted || fitted["n"] != "60" || fitted["block_size"] != "6" || fitted["blocks"] != "10" {
		t.Fatalf("long i.i.d. cell: %v", fitted)
	}
	// The fixture's jitter is log-normal, whose maxima are in the Gumbel
	// domain: the shape must not be significant, and the Gumbel fit must
	// pass Anderson–Darling.
	if fitted["model"] != "Gumbel" || parse(t, fitted["xi_zero_p"]) < 0.05 || parse(t, fitted["anderson_darling_p"]) < 0.05 {
		t.Errorf("model %s, ξ = 0 p %s, AD p %s", fitted["model"], fitted["xi_zero_p"], fitted["anderson_darling_p"])
	}
	// Check the reported Gumbel fit against the likelihood equations, on
	// block maxima computed here: mean(e^(−(x−μ)/σ)) = 1 and
	// σ = x̄ − Σx e^(−x/σ) / Σe^(−x/σ).
	total := cellValues(r.rows, run.Total, longBenchmark, longSeries, func(s run.Sample) float64 { return float64(s.TotalNS) / 1e6 })
	var maxima []float64
	for i := 0; i+6 <= len(total); i += 6 {
		maxima = append(maxima, slices.Max(total[i:i+6]))
	}
	mu, beta := parse(t, fitted["gev_mu_ms"]), parse(t, fitted["gev_sigma_ms"])
	var w, wx, mean float64
	for _, x := range maxima {
		w += math.Exp(-(x - mu) / beta)
		wx += x * math.Exp(-(x-mu)/beta)
		mean += x / float64(len(maxima))
	}
	if !near(w/float64(len(maxima)), 1, 2e-3) || !near(beta, mean-wx/w, 2e-3) {
		t.Errorf("μ = %v, σ = %v do not solve the likelihood equations", mu, beta)
	}
	if got, want := parse(t, fitted["observed_max_ms"]), slices.Max(total); !near(got, want, 1e-4) {
		t.Errorf("observed max %v, want %v", got, want)
	}
	p3, p6, p9 := parse(t, fitted["pwcet_1e-3_ms"]), parse(t, fitted["pwcet_1e-6_ms"]), parse(t, fitted["pwcet_1e-9_ms"])
	// G(x)^(1/b) = 1 − p per run: x = μ − σ·ln(−b·ln(1−p)) for the Gumbel.
	if !(mu < p3 && p3 < p6 && p6 < p9) || !near(p9, mu-beta*math.Log(-6*math.Log1p(-1e-9)), 1e-3) {
		t.Errorf("pWCET %v, %v, %v", p3, p6, p9)
	}
	if lo, hi := parse(t, fitted["pwcet_1e-9_ci_low_ms"]), parse(t, fitted["pwcet_1e-9_ci_high_ms"]); !(lo < p9 && p9 < hi) {
		t.Errorf("pWCET 1e-9 CI [%v, %v] does not hold %v", lo, hi, p9)
	}
	drifting := cells["startup/"+longBenchmark+"/"+longSeries]
	if !strings.Contains(drifting["status"], "identical distribution") || drifting["pwcet_1e-9_ms"] != "" {
		t.Errorf("drifting cell: %v", drifting)
	}
	few := cells["total/atax/"+embeddedSeries]
	if few["status"] != "too few samples for EVT; observed max only" || few["observed_max_ms"] == "" {
		t.Errorf("short cell: %v", few)
	}
	s := sectionText(r.html, headingRealTime)
	for _, want := range []string{"too few samples for EVT; observed max only", "rejected; observed max only", "pWCET 1e-9", "Of 30 cells: 1 fitted"} {
		if !strings.Contains(s, want) {
			t.Errorf("real-time section lacks %q", want)
		}
	}
}

// TestBreakEvenFromFixture recomputes the model of two kernels from the
// samples and finds where the fastest series changes by trying every N.
func TestBreakEvenFromFixture(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	ranges := readCSV(t, r.outDir, "breakeven.csv")
	for _, kernel := range []string{"gemm", "atax"} {
		type line struct{ fixed, steady float64 }
		lines := map[string]line{}
		for _, fs := range fixtureSeriesList {
			series := run.Series(fs.id, fs.coldStart)
			startup := cellValues(r.rows, run.Startup, kernel, series, func(s run.Sample) float64 { return float64(s.StartupNS) / 1e6 })
			var first, steady []float64
			processes := map[int32][]float64{}
			for _, s := range r.rows {
				if s.Experiment == run.Prolonged && s.Benchmark == kernel && s.Series() == series && s.Status == run.StatusOK {
					processes[s.Rep] = append(processes[s.Rep], float64(s.IterationNS)/1e6) // rows are in iteration order
				}
			}
			for _, jobs := range processes {
				first = append(first, jobs[0])
				// The steady jobs: from the classified steady segment (never job 1).
				c, err := stats.ClassifySteadyState(jobs)
				if err != nil || !c.Reached() {
					t.Fatalf("%s %s: fixture process not classified steady: %v %v", kernel, series, c, err)
				}
				steady = append(steady, jobs[max(1, c.Steady):]...)
			}
			if len(startup) > 0 {
				lines[series] = line{stats.Median(startup) + stats.Median(first), stats.Median(steady)}
			}
		}
		var want []string // "from:series" at every change of the fastest series
		previous := ""
		for n := 1.0; n <= 1e5; n++ {
			best, bestT := "", math.Inf(1)
			for series, l := range lines {
				if tn := l.fixed + (n-1)*l.steady; tn < bestT {
					best, bestT = series, tn
				}
			}
			if best != previous {
				want = append(want, formatJobs(n)+":"+best)
				previous = best
			}
		}
		var got []string
		for _, row := range ranges {
			if row["benchmark"] == kernel {
				got = append(got, row["from_jobs"]+":"+row["fastest_series"])
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: break-even ranges %v, want %v", kernel, got, want)
		}
		if len(want) < 2 {
			t.Errorf("%s: the fixture should have a break-even point", kernel)
		}
		// Every switch rests on a steady-job difference, with a CI around its break-even point.
		for _, row := range ranges {
			if row["benchmark"] != kernel || row["from_jobs"] == "1" {
				continue
			}
			n, lo, hi := parse(t, row["breakeven_jobs"]), parse(t, row["breakeven_ci95_low"]), row["breakeven_ci95_high"]
			if row["steady_verdict_vs_previous"] != "different" || !(lo <= n) || (hi != "never" && parse(t, hi) < n) {
				t.Errorf("%s switch at %s: verdict %q, N* %v [%v, %s]", kernel, row["from_jobs"], row["steady_verdict_vs_previous"], n, lo, hi)
			}
		}
	}
	s := sectionText(r.md, headingBreakEven)
	for _, want := range []string{"T(N) = startup + first job + (N−1) × steady job", "Break-even points", "Recommendation",
		"N = 10000", "a task of ~", "fig5_breakeven.png", "Model parameters"} {
		if !strings.Contains(s, want) {
			t.Errorf("break-even section lacks %q", want)
		}
	}
}

func TestSeriesInFigures(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	svg := readString(t, r.outDir+"/figures", "fig1_startup.svg")
	for _, series := range []string{"wasmtime:cranelift (embedded)", embeddedSeries, "runc:bundle"} {
		if !strings.Contains(svg, series) {
			t.Errorf("fig1 does not label %s", series)
		}
	}
}
