package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

const headingApps = "Edge workloads (apps)"

// appBenchmarks are the measured benchmarks of the apps category, in report order.
func (r *runData) appBenchmarks() []string {
	var apps []string
	for _, s := range r.ok {
		if s.Category == run.CategoryApps {
			apps = append(apps, s.Benchmark)
		}
	}
	return slices.DeleteFunc(slices.Clone(r.benchmarks), func(b string) bool { return !slices.Contains(apps, b) })
}

// appsSection shows the apps beside PolyBench: each app's median total time
// per series, and how far the fastest WebAssembly series is from native.
// The apps are also in every figure and table above, as benchmarks.
func (r *runData) appsSection() section {
	c := section{ID: "apps", Heading: headingApps}
	apps := r.appBenchmarks()
	if len(apps) == 0 {
		c.Empty = "No app of the apps category (" + strings.Join(run.AppKernels, ", ") + ") was measured in this run."
		return c
	}
	series := r.measuredSeries(run.Total)
	// One row per series, one column per app: there are fewer apps than series.
	t := table{Caption: "Median total time (launch → end of main) per series and app", Header: append([]string{"Series"}, apps...)}
	for _, id := range series {
		row := []string{id}
		for _, b := range apps {
			row = append(row, formatTime(stats.Median(positive(r.values(totalMetric, b, id)))))
		}
		t.Rows = append(t.Rows, row)
	}
	var lines []string
	for _, b := range apps {
		if line := r.appLine(b, series); line != "" {
			lines = append(lines, line)
		}
	}
	c.Paragraphs = []string{fmt.Sprintf("%d app(s) of the apps category — edge workloads written against the same harness as PolyBench "+
		"(CNN inference, image pipeline, SHA-256, LZ77 round trip, JSON-like parsing) — at the run's dataset %s. "+
		"They appear as benchmarks in every figure and table above; here they are side by side.", len(apps), orDash(string(r.manifest.Options.Dataset)))}
	if len(lines) > 0 {
		c.Paragraphs = append(c.Paragraphs, strings.Join(lines, " "))
	}
	if len(series) > 0 {
		c.Tables = []table{t}
	}
	return c
}

// appLine compares the fastest WebAssembly series' median total with
// native:glibc's, among fresh-process series: an embedded series' total
// leaves out the process start native pays.
func (r *runData) appLine(b string, series []string) string {
	nativeMS := stats.Median(positive(r.values(totalMetric, b, paper.Native)))
	best, bestMS := "", math.Inf(1)
	for _, id := range series {
		if cell := r.samples(run.Total, b, id); len(cell) == 0 || cell[0].Target != run.TargetWasm || cell[0].ColdStart != run.ColdProcess {
			continue
		}
		if ms := stats.Median(positive(r.values(totalMetric, b, id))); ms < bestMS {
			best, bestMS = id, ms
		}
	}
	if best == "" || math.IsNaN(nativeMS) || nativeMS <= 0 {
		return ""
	}
	return fmt.Sprintf("%s: the fastest WebAssembly series in a fresh process, %s, at %.2f× native:glibc's total.", b, best, bestMS/nativeMS)
}
