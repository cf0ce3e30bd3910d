package reports

import (
	"math"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// prolongedRows makes one process's rows: start-up, then per-job times (ms).
func hybridProcessRows(series string, startupMS float64, jobsMS []float64, switchAt int32) []run.Sample {
	var rows []run.Sample
	launch, end := int64(1e12), int64(1e12)+int64(startupMS*nsPerMS)
	for i, job := range jobsMS {
		end += int64(job * nsPerMS)
		rows = append(rows, run.Sample{Experiment: run.Prolonged, Benchmark: "gemm", Runtime: series,
			Target: "wasm32-wasi", ColdStart: run.ColdProcess, Status: run.StatusOK, Iteration: int32(i + 1),
			Iterations: int32(len(jobsMS)), LaunchNS: launch, StartupNS: int64(startupMS * nsPerMS),
			IterationEndNS: end, IterationNS: int64(job * nsPerMS), SwitchIteration: switchAt})
	}
	return rows
}

func TestHybridRatios(t *testing.T) {
	var rows []run.Sample
	rows = append(rows, hybridProcessRows("wazero:interp", 5, []float64{50, 50, 50, 50}, 0)...)
	rows = append(rows, hybridProcessRows("wasmtime:cranelift", 40, []float64{2, 2, 2, 2}, 0)...)
	rows = append(rows, hybridProcessRows("hybrid:interp+cranelift", 6, []float64{51, 3, 2.2, 2.2}, 2)...)
	ratios := HybridRatios(rows)
	if len(ratios) != 1 {
		t.Fatalf("%d ratios, want 1", len(ratios))
	}
	h := ratios[0]
	if h.FastStart != "wazero:interp" || h.BestSteady != "wasmtime:cranelift" || h.Switch != 2 {
		t.Fatalf("ratio %+v", h)
	}
	// job 1: hybrid 6+51 = 57 ms, interp 5+50 = 55 ms; steady: 2.2 vs 2 ms.
	if math.Abs(h.Job1Ratio()-57.0/55) > 1e-9 || math.Abs(h.SteadyRatio()-1.1) > 1e-9 {
		t.Fatalf("job-1 ratio %v, steady ratio %v; want %v and 1.1", h.Job1Ratio(), h.SteadyRatio(), 57.0/55)
	}
	var out strings.Builder
	PrintHybridRatios(&out, ratios)
	if !strings.Contains(out.String(), "hybrid:interp+cranelift") || !strings.Contains(out.String(), "1.04") {
		t.Fatalf("printed table lacks the hybrid or its ratio:\n%s", out.String())
	}
	if c := hybridSection(ratios); len(c.Tables) != 1 || len(c.Tables[0].Rows) != 1 {
		t.Fatalf("hybrid cell %+v", c)
	}
	if !math.IsNaN(h.MultiTierJob1MS) || h.MultiTierJob1CI.String() != "–" {
		t.Fatalf("WAMR multi-tier not measured, yet %v ms, CI %v", h.MultiTierJob1MS, h.MultiTierJob1CI)
	}
}

// TestHybridAgainstMultiTier: three processes per series give ratios of
// medians against WAMR multi-tier with CIs around them, and the target counts.
func TestHybridAgainstMultiTier(t *testing.T) {
	var rows []run.Sample
	for _, jitter := range []float64{0, 0.1, 0.2} {
		rows = append(rows, hybridProcessRows("wazero:interp", 5, []float64{50 + jitter, 50, 50, 50}, 0)...)
		rows = append(rows, hybridProcessRows("wasmtime:cranelift", 40, []float64{2, 2, 2 + jitter, 2 + jitter}, 0)...)
		rows = append(rows, hybridProcessRows(MultiTier, 20, []float64{80 + jitter, 4, 4 + jitter, 4 + jitter}, 0)...)
		rows = append(rows, hybridProcessRows("hybrid:interp+cranelift", 6, []float64{51 + jitter, 3, 2.1, 2.1 + jitter}, 2)...)
	}
	ratios := HybridRatios(rows)
	if len(ratios) != 1 {
		t.Fatalf("%d ratios, want 1", len(ratios))
	}
	h := ratios[0]
	if h.MultiTierJob1Ratio() >= 1 || h.MultiTierSteadyRatio() >= 1 {
		t.Fatalf("ratios to multi-tier %v, %v; want below 1 on this data", h.MultiTierJob1Ratio(), h.MultiTierSteadyRatio())
	}
	for name, c := range map[string]struct {
		ci    ci
		ratio float64
	}{"job 1": {h.Job1CI, h.Job1Ratio()}, "steady": {h.SteadyCI, h.SteadyRatio()},
		"multi-tier job 1": {h.MultiTierJob1CI, h.MultiTierJob1Ratio()}, "multi-tier steady": {h.MultiTierSteadyCI, h.MultiTierSteadyRatio()}} {
		if !(c.ci.Low <= c.ratio && c.ratio <= c.ci.High) {
			t.Errorf("%s: ratio %v outside its CI %v", name, c.ratio, c.ci)
		}
	}
	targets := HybridTargets(ratios)
	want := HybridTarget{Hybrid: "hybrid:interp+cranelift", Kernels: 1, Job1Met: 1, SteadyMet: 1, BothMet: 1, MultiTier: 1, AheadJob1: 1, AheadSteady: 1}
	if len(targets) != 1 || targets[0] != want {
		t.Fatalf("targets %+v, want %+v", targets, want)
	}
}
