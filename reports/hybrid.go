package reports

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// HybridRatio compares one hybrid series on one benchmark with the runtime
// that starts fastest and with the best optimized runtime (process model).
type HybridRatio struct {
	Benchmark, Hybrid string
	Job1MS            float64 // launch → end of job 1 (median over processes)
	FastStart         string  // wasm runtime with the lowest median start-up
	FastStartJob1MS   float64
	BestJob1          string // wasm runtime with the lowest median job-1 latency
	BestJob1MS        float64
	SteadyMS          float64 // median per-job time over the second half of the jobs
	BestSteady        string  // wasm runtime with the lowest steady state
	BestSteadyMS      float64
	CraneliftSteadyMS float64 // wasmtime:cranelift's, NaN if not measured
	Switch            float64 // median job that first ran optimized (0: never)

	// WAMR's multi-tier (wamr:multi-tier), NaN where it was not measured.
	MultiTierJob1MS, MultiTierSteadyMS float64

	// 95 % percentile-bootstrap CIs of the ratios of medians: job 1 ÷ the
	// fastest-start runtime's, steady ÷ Cranelift's (as SteadyRatio), and
	// both ÷ WAMR multi-tier's.
	Job1CI, SteadyCI, MultiTierJob1CI, MultiTierSteadyCI ci
}

// ci is a confidence interval; NaN bounds where a side has no samples.
type ci struct{ Low, High float64 }

func (c ci) String() string {
	if math.IsNaN(c.Low) {
		return "–"
	}
	return fmt.Sprintf("[%.2f, %.2f]", c.Low, c.High)
}

// Bootstrap settings of the hybrid's CIs; the seed makes a report reproducible.
const (
	hybridCILevel     = 0.95
	hybridCIResamples = 2000
	hybridCISeed      = 25
)

func ratioCI(a, b []float64) ci {
	low, high := stats.RatioCI(a, b, hybridCILevel, hybridCIResamples, hybridCISeed)
	return ci{low, high}
}

// MultiTier is the WAMR series the hybrid is judged against.
const MultiTier = paper.MultiTier

// MultiTierJob1Ratio is the hybrid's job 1 over WAMR multi-tier's.
func (h HybridRatio) MultiTierJob1Ratio() float64 { return h.Job1MS / h.MultiTierJob1MS }

// MultiTierSteadyRatio is the hybrid's steady state over WAMR multi-tier's.
func (h HybridRatio) MultiTierSteadyRatio() float64 { return h.SteadyMS / h.MultiTierSteadyMS }

// Job1Ratio is the hybrid's job-1 latency over the fastest-start runtime's.
func (h HybridRatio) Job1Ratio() float64 { return h.Job1MS / h.FastStartJob1MS }

// SteadyRatio is the hybrid's steady state over Cranelift's (or, where
// Cranelift was not measured, over the best optimized runtime's).
func (h HybridRatio) SteadyRatio() float64 {
	if !math.IsNaN(h.CraneliftSteadyMS) {
		return h.SteadyMS / h.CraneliftSteadyMS
	}
	return h.SteadyMS / h.BestSteadyMS
}

// perSeries holds one series' figures on one benchmark.
type perSeries struct {
	startup, job1, steady, switched []float64
}

// HybridRatios computes the ratios for every hybrid series and benchmark
// with prolonged samples. Non-hybrid wasm runtimes need startup (or any)
// rows for the start-up ranking and prolonged rows for job 1 and steady state.
func HybridRatios(rows []run.Sample) []HybridRatio {
	data := hybridFigures(rows)
	var out []HybridRatio
	for _, bench := range slices.Sorted(maps.Keys(data)) {
		for _, series := range slices.Sorted(maps.Keys(data[bench])) {
			if strings.HasPrefix(series, "hybrid:") && len(data[bench][series].steady) > 0 {
				out = append(out, hybridRatio(bench, series, data[bench]))
			}
		}
	}
	return out
}

// hybridFigures gathers benchmark → series → figures of the process model's
// wasm samples.
func hybridFigures(rows []run.Sample) map[string]map[string]*perSeries {
	data := map[string]map[string]*perSeries{}
	for _, s := range rows {
		if s.Status != run.StatusOK || s.ColdStart != run.ColdProcess || s.Target != "wasm32-wasi" {
			continue
		}
		if data[s.Benchmark] == nil {
			data[s.Benchmark] = map[string]*perSeries{}
		}
		p := data[s.Benchmark][s.Runtime]
		if p == nil {
			p = &perSeries{}
			data[s.Benchmark][s.Runtime] = p
		}
		addFigures(p, s)
	}
	return data
}

func addFigures(p *perSeries, s run.Sample) {
	p.startup = append(p.startup, float64(s.StartupNS)/nsPerMS)
	if s.Experiment != run.Prolonged {
		return
	}
	if s.Iteration == 1 {
		p.job1 = append(p.job1, float64(s.IterationEndNS-s.LaunchNS)/nsPerMS)
		p.switched = append(p.switched, float64(s.SwitchIteration))
	}
	if s.Iteration > s.Iterations/2 {
		p.steady = append(p.steady, float64(s.IterationNS)/nsPerMS)
	}
}

func hybridRatio(bench, hybrid string, series map[string]*perSeries) HybridRatio {
	own := series[hybrid]
	h := HybridRatio{Benchmark: bench, Hybrid: hybrid, Job1MS: stats.Median(own.job1), SteadyMS: stats.Median(own.steady),
		Switch: stats.Median(own.switched), CraneliftSteadyMS: math.NaN(), MultiTierJob1MS: math.NaN(), MultiTierSteadyMS: math.NaN(),
		MultiTierJob1CI: ci{math.NaN(), math.NaN()}, MultiTierSteadyCI: ci{math.NaN(), math.NaN()}}
	h.FastStart, _ = lowest(series, func(p *perSeries) []float64 { return p.startup })
	h.FastStartJob1MS = math.NaN()
	if fast, ok := series[h.FastStart]; ok {
		h.FastStartJob1MS = stats.Median(fast.job1)
	}
	h.BestJob1, h.BestJob1MS = lowest(series, func(p *perSeries) []float64 { return p.job1 })
	h.BestSteady, h.BestSteadyMS = lowest(series, func(p *perSeries) []float64 { return p.steady })
	if h.BestSteady == "" {
		h.BestSteadyMS = math.NaN() // no other runtime: no ratio
	}
	steadyRef := series[h.BestSteady]
	if c, ok := series["wasmtime:cranelift"]; ok && len(c.steady) > 0 {
		h.CraneliftSteadyMS, steadyRef = stats.Median(c.steady), c
	}
	h.Job1CI, h.SteadyCI = ci{math.NaN(), math.NaN()}, ci{math.NaN(), math.NaN()}
	if fast, ok := series[h.FastStart]; ok {
		h.Job1CI = ratioCI(own.job1, fast.job1)
	}
	if steadyRef != nil {
		h.SteadyCI = ratioCI(own.steady, steadyRef.steady)
	}
	if mt, ok := series[MultiTier]; ok && len(mt.job1) > 0 {
		h.MultiTierJob1MS, h.MultiTierSteadyMS = stats.Median(mt.job1), stats.Median(mt.steady)
		h.MultiTierJob1CI, h.MultiTierSteadyCI = ratioCI(own.job1, mt.job1), ratioCI(own.steady, mt.steady)
	}
	return h
}

// lowest finds the non-hybrid series with the lowest median of a figure.
func lowest(series map[string]*perSeries, figure func(*perSeries) []float64) (string, float64) {
	best, bestValue := "", math.Inf(1)
	for _, name := range slices.Sorted(maps.Keys(series)) {
		values := figure(series[name])
		if strings.HasPrefix(name, "hybrid:") || len(values) == 0 {
			continue
		}
		if m := stats.Median(values); m < bestValue {
			best, bestValue = name, m
		}
	}
	return best, bestValue
}

// PrintHybridRatios writes the table the hybrid benchmark prints: per kernel,
// job-1 latency ÷ fastest-start runtime's and steady state ÷ Cranelift's.
func PrintHybridRatios(w io.Writer, ratios []HybridRatio) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\thybrid\tjob1 ms\tfast-start (job1 ms)\tjob1 ratio [95% CI]\tsteady ms\tcranelift steady ms\t"+
		"steady ratio [95% CI]\tvs multi-tier job1\tvs multi-tier steady\tswitch job\t")
	for _, h := range ratios {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s (%.2f)\t%.2f %s\t%.3f\t%.3f\t%.2f %s\t%.2f %s\t%.2f %s\t%.0f\t\n", h.Benchmark, h.Hybrid,
			h.Job1MS, h.FastStart, h.FastStartJob1MS, h.Job1Ratio(), h.Job1CI, h.SteadyMS, h.CraneliftSteadyMS, h.SteadyRatio(),
			h.SteadyCI, h.MultiTierJob1Ratio(), h.MultiTierJob1CI, h.MultiTierSteadyRatio(), h.MultiTierSteadyCI, h.Switch)
	}
	tw.Flush()
	for _, t := range HybridTargets(ratios) {
		fmt.Fprintf(w, "%s: job 1 ≤ 1.2× fastest start on %d/%d, steady ≤ 1.1× Cranelift on %d/%d, both on %d/%d; "+
			"ahead of WAMR multi-tier on job 1 on %d/%d and on steady state on %d/%d\n", t.Hybrid, t.Job1Met, t.Kernels,
			t.SteadyMet, t.Kernels, t.BothMet, t.Kernels, t.AheadJob1, t.MultiTier, t.AheadSteady, t.MultiTier)
	}
}

// HybridTarget counts, for one hybrid, the kernels meeting issue 25's
// targets (medians; the CIs are in the table).
type HybridTarget struct {
	Hybrid                               string
	Kernels, Job1Met, SteadyMet, BothMet int
	MultiTier, AheadJob1, AheadSteady    int // kernels with WAMR multi-tier measured; ahead: ratio < 1
}

// HybridTargets counts per hybrid series, in the order of first appearance.
func HybridTargets(ratios []HybridRatio) []HybridTarget {
	var out []HybridTarget
	index := map[string]int{}
	for _, h := range ratios {
		i, ok := index[h.Hybrid]
		if !ok {
			i = len(out)
			index[h.Hybrid] = i
			out = append(out, HybridTarget{Hybrid: h.Hybrid})
		}
		t := &out[i]
		t.Kernels++
		job1, steady := h.Job1Ratio() <= 1.2, h.SteadyRatio() <= 1.1
		t.Job1Met += b2i(job1)
		t.SteadyMet += b2i(steady)
		t.BothMet += b2i(job1 && steady)
		if !math.IsNaN(h.MultiTierJob1MS) {
			t.MultiTier++
			t.AheadJob1 += b2i(h.MultiTierJob1Ratio() < 1)
			t.AheadSteady += b2i(h.MultiTierSteadyRatio() < 1)
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hybridSection compares each hybrid with the fastest-start and the best
// steady-state runtime per kernel (process model); the cumulative time
// against jobs is in the break-even figure, where hybrids are series too.
func hybridSection(ratios []HybridRatio) section {
	c := section{ID: "hybrid", Heading: headingHybrid}
	if len(ratios) == 0 {
		c.Empty = "No hybrid runtime was measured in the prolonged experiment of this run."
		return c
	}
	c.Paragraphs = []string{"A hybrid starts its first job on a fast tier while an optimizing compile is pending, and " +
		"moves to the optimized module at the first job boundary after it is ready; its adaptive policy abandons a fast job " +
		"that outlasts the compile and reruns it optimized (one CPU: the fast job runs alone for the expected compile time " +
		"first). Job 1 is launch → end of the first job; steady state is the median job time over the second half of the " +
		"prolonged run. Targets: job 1 ≤ 1.2× the fastest-start runtime's, steady state ≤ 1.1× Cranelift's, and ahead of " +
		"WAMR multi-tier on both. Ratios are of medians with 95% percentile-bootstrap CIs. The break-even figure above " +
		"shows the cumulative time against jobs with the hybrids among the series."}
	t := table{Caption: "Hybrid runtimes per kernel (medians)", Header: []string{"benchmark", "hybrid", "job 1 (ms)",
		"fastest start", "its job 1 (ms)", "job-1 ratio [95% CI]", "steady (ms)", "Cranelift steady (ms)",
		"steady ratio [95% CI]", "multi-tier job 1 (ms)", "multi-tier steady (ms)", "÷ multi-tier job 1", "÷ multi-tier steady",
		"switch job"}}
	for _, h := range ratios {
		t.Rows = append(t.Rows, hybridRow(h))
	}
	c.Tables = []table{t}
	return c
}
