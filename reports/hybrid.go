package reports

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/rtwasm/rtwasm/run"
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
}

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
	data := map[string]map[string]*perSeries{} // benchmark → series → figures
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
	h := HybridRatio{Benchmark: bench, Hybrid: hybrid, Job1MS: median(series[hybrid].job1),
		SteadyMS: median(series[hybrid].steady), Switch: median(series[hybrid].switched), CraneliftSteadyMS: math.NaN()}
	h.FastStart, _ = lowest(series, func(p *perSeries) []float64 { return p.startup })
	h.FastStartJob1MS = math.NaN()
	if fast, ok := series[h.FastStart]; ok {
		h.FastStartJob1MS = median(fast.job1)
	}
	h.BestJob1, h.BestJob1MS = lowest(series, func(p *perSeries) []float64 { return p.job1 })
	h.BestSteady, h.BestSteadyMS = lowest(series, func(p *perSeries) []float64 { return p.steady })
	if c, ok := series["wasmtime:cranelift"]; ok && len(c.steady) > 0 {
		h.CraneliftSteadyMS = median(c.steady)
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
		if m := median(values); m < bestValue {
			best, bestValue = name, m
		}
	}
	return best, bestValue
}

// PrintHybridRatios writes the table the hybrid benchmark prints: per kernel,
// job-1 latency ÷ fastest-start runtime's and steady state ÷ Cranelift's.
func PrintHybridRatios(w io.Writer, ratios []HybridRatio) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\thybrid\tjob1 ms\tfast-start (job1 ms)\tjob1 ratio\tsteady ms\tcranelift steady ms\tsteady ratio\tswitch job\t")
	for _, h := range ratios {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s (%.2f)\t%.2f\t%.3f\t%.3f\t%.2f\t%.0f\t\n", h.Benchmark, h.Hybrid, h.Job1MS,
			h.FastStart, h.FastStartJob1MS, h.Job1Ratio(), h.SteadyMS, h.CraneliftSteadyMS, h.SteadyRatio(), h.Switch)
	}
	tw.Flush()
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
	c.Paragraphs = []string{"A hybrid starts its first job on a fast tier while an optimizing compile runs on another " +
		"thread, and moves to the optimized module at the first job boundary after it is ready. Job 1 is launch → end " +
		"of the first job; steady state is the median job time over the second half of the prolonged run. Targets: " +
		"job 1 ≤ 1.2× the fastest-start runtime's, steady state ≤ 1.1× Cranelift's. The break-even figure above shows " +
		"the cumulative time against jobs with the hybrids among the series."}
	t := table{Caption: "Hybrid executors per kernel (medians)", Header: []string{"benchmark", "hybrid", "job 1 (ms)",
		"fastest start", "its job 1 (ms)", "job-1 ratio", "steady (ms)", "best steady", "its steady (ms)",
		"Cranelift steady (ms)", "steady ratio", "switch job"}}
	for _, h := range ratios {
		t.Rows = append(t.Rows, []string{h.Benchmark, h.Hybrid, formatMS(h.Job1MS), h.FastStart, formatMS(h.FastStartJob1MS),
			fmt.Sprintf("%.2f", h.Job1Ratio()), formatMS(h.SteadyMS), h.BestSteady, formatMS(h.BestSteadyMS),
			formatMS(h.CraneliftSteadyMS), fmt.Sprintf("%.2f", h.SteadyRatio()), fmt.Sprintf("%.0f", h.Switch)})
	}
	c.Tables = []table{t}
	return c
}
