package reports

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/stats"
)

// hybridFigureSeries are the series the hybrid figure draws besides the
// hybrids and each kernel's fastest-start runtime: the references of issue 25.
var hybridFigureSeries = []string{paper.WasmtimeEmbedded, MultiTier, paper.FastJIT}

// hybridSection compares each hybrid with the fastest-start runtime,
// Cranelift and WAMR multi-tier per kernel (process model), in a table and
// a figure of job-1 latency and steady job with 95 % bootstrap CIs.
func (r *runData) hybridSection() (section, error) {
	ratios := HybridRatios(r.ok)
	c := hybridSection(ratios)
	if len(ratios) == 0 {
		return c, nil
	}
	fig, err := r.hybridFigure(ratios)
	if err != nil {
		return c, err
	}
	c.Figures = []*figure{fig}
	return c, nil
}

// hybridFigure has two panels, job-1 latency and steady job, with the
// kernels along x and each series' median and 95 % CI of the median.
func (r *runData) hybridFigure(ratios []HybridRatio) (*figure, error) {
	data := hybridFigures(r.ok)
	kernels, series := hybridFigureAxes(ratios, data)
	var panels []*plot.Plot
	for _, panel := range []struct {
		title  string
		values func(*perSeries) []float64
	}{{"job 1 (launch → end of the first job)", func(p *perSeries) []float64 { return p.job1 }},
		{"steady job (second half of the jobs)", func(p *perSeries) []float64 { return p.steady }}} {
		p := newPlot(panel.title, "", "")
		for k, id := range series {
			var pts errorPoints
			for x, bench := range kernels {
				s := data[bench][id]
				if s == nil || len(panel.values(s)) == 0 {
					continue
				}
				m, low, high := medianCI(panel.values(s))
				pts.XYs = append(pts.XYs, plotter.XY{X: float64(x) + dodge(k, len(series)), Y: m})
				pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{m - low, high - m})
			}
			if err := r.addPointsWithErrors(p, id, pts); err != nil {
				return nil, err
			}
		}
		nominalX(p, kernels)
		p.Add(slotSeparators(len(kernels)), horizontalGrid())
		useLogY(p)
		panels = append(panels, p)
	}
	width := max(6*vg.Inch, vg.Inch+vg.Length(len(kernels))*0.55*vg.Inch)
	return r.newFigure("hybrid", "Hybrid runtimes against Cranelift and WAMR",
		"Per kernel, the median job-1 latency (launch → end of job 1) and steady job time of each hybrid, Cranelift, "+
			"WAMR multi-tier and fast JIT and the kernel's fastest-start runtime; bars are 95% percentile-bootstrap CIs of the "+
			"median (2,000 resamples); log scale.", width, 6*vg.Inch, series,
		withAxisLabels("", "ms (log scale)", grid([][]*plot.Plot{{panels[0]}, {panels[1]}}))), nil
}

// hybridFigureAxes orders the kernels and picks the series: hybrids, the
// references measured, then the fastest-start runtimes named in ratios.
func hybridFigureAxes(ratios []HybridRatio, data map[string]map[string]*perSeries) (kernels, series []string) {
	kernels = slices.Sorted(maps.Keys(data))
	kernels = slices.DeleteFunc(kernels, func(b string) bool {
		return !slices.ContainsFunc(ratios, func(h HybridRatio) bool { return h.Benchmark == b })
	})
	present := map[string]bool{}
	for _, bench := range kernels {
		for id := range data[bench] {
			present[id] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(present)) {
		if strings.HasPrefix(id, "hybrid:") {
			series = append(series, id)
		}
	}
	for _, id := range hybridFigureSeries {
		if present[id] {
			series = append(series, id)
		}
	}
	for _, h := range ratios {
		if h.FastStart != "" && !slices.Contains(series, h.FastStart) {
			series = append(series, h.FastStart)
		}
	}
	return kernels, series
}

// medianCI is the median and its 95 % percentile-bootstrap CI: the CI of
// the ratio of medians to a constant 1.
func medianCI(values []float64) (m, low, high float64) {
	low, high = stats.RatioCI(values, []float64{1}, hybridCILevel, hybridCIResamples, hybridCISeed)
	return stats.Median(values), low, high
}

// hybridRow is the hybrid table's row of one ratio.
func hybridRow(h HybridRatio) []string {
	return []string{h.Benchmark, h.Hybrid, formatMS(h.Job1MS), h.FastStart, formatMS(h.FastStartJob1MS),
		fmt.Sprintf("%.2f %s", h.Job1Ratio(), h.Job1CI), formatMS(h.SteadyMS), formatMS(h.CraneliftSteadyMS),
		fmt.Sprintf("%.2f %s", h.SteadyRatio(), h.SteadyCI), formatMS(h.MultiTierJob1MS), formatMS(h.MultiTierSteadyMS),
		fmt.Sprintf("%.2f %s", h.MultiTierJob1Ratio(), h.MultiTierJob1CI),
		fmt.Sprintf("%.2f %s", h.MultiTierSteadyRatio(), h.MultiTierSteadyCI), fmt.Sprintf("%.0f", h.Switch)}
}
