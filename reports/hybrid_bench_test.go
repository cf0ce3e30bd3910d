package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// BenchmarkHybridTargets records issue 25's targets of a measured run, not
// a timing of its own: `go tool mage hybrid` measures (one run, process
// model) and this reports, per hybrid, the kernels meeting each target and
// the worst ratios as benchmark metrics, so `go test -bench` output can be
// kept and compared across commits. Name the run with RTWASM_RUN (an id under
// RTWASM_DATA, default data/runs, or a directory).
func BenchmarkHybridTargets(b *testing.B) {
	id := os.Getenv("RTWASM_RUN")
	if id == "" {
		b.Skip("RTWASM_RUN is not set: name a run of `go tool mage hybrid` (its id under RTWASM_DATA, or latest)")
	}
	dir := id
	if _, err := os.Stat(filepath.Join(dir, run.SamplesFile)); err != nil {
		data := os.Getenv("RTWASM_DATA")
		if data == "" {
			data = filepath.Join("..", "data", "runs")
		}
		if dir, err = run.ResolveID(data, id, "RTWASM_RUN"); err != nil {
			b.Fatal(err)
		}
	}
	rows, err := run.ReadSamples(filepath.Join(dir, run.SamplesFile))
	if err != nil {
		b.Fatal(err)
	}
	var ratios []HybridRatio
	for b.Loop() {
		ratios = HybridRatios(rows)
	}
	if len(ratios) == 0 {
		b.Fatalf("run %s has no hybrid with prolonged samples", dir)
	}
	for _, t := range HybridTargets(ratios) {
		name := strings.TrimPrefix(t.Hybrid, "hybrid:")
		b.ReportMetric(float64(t.Kernels), name+"-kernels")
		b.ReportMetric(float64(t.Job1Met), name+"-job1-within-1.2x")
		b.ReportMetric(float64(t.SteadyMet), name+"-steady-within-1.1x")
		b.ReportMetric(float64(t.AheadJob1), name+"-ahead-of-multitier-job1")
		b.ReportMetric(float64(t.AheadSteady), name+"-ahead-of-multitier-steady")
	}
	for _, h := range ratios {
		b.Logf("%s %s: job-1 ratio %.2f %s, steady ratio %.2f %s, ÷ multi-tier %.2f / %.2f", h.Benchmark, h.Hybrid,
			h.Job1Ratio(), h.Job1CI, h.SteadyRatio(), h.SteadyCI, h.MultiTierJob1Ratio(), h.MultiTierSteadyRatio())
	}
}
