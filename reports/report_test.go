package reports

import (
	"bytes"
	"encoding/csv"
	"flag"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

var writeFixtureTo = flag.String("write-fixture", "", "also write the synthetic fixture run (and its report) to this directory")

var wantHeadings = []string{"Setup", "Reproduction verdict: does the paper hold?", "Fig. 1: Startup time", "Fig. 2: Total time", "Fig. 3: Prolonged test",
	"Summary tables", "Pairwise comparisons", "Real-time view: observed maxima and pWCET",
	"Break-even guidance: which series for which task", "Errors", "Not measured on this host"}

var wantFigures = []string{"fig1_paper", "fig1_startup", "fig2_paper", "fig2_total", "fig3_paper", "fig3_prolonged", "fig3_prolonged_all", "fig4_exceedance", "fig5_breakeven"}

var wantFiles = []string{"index.html", "report.md", "verdict.csv", "summary.csv", "summary.tex", "pairwise.csv", "realtime.csv", "breakeven.csv", "noise.csv"}

// rendered is a fixture run rendered once.
type rendered struct {
	runDir, outDir string
	rows           []run.Sample
	html, md       string
}

func renderFixture(t *testing.T, opt fixtureOptions) rendered {
	t.Helper()
	dir := t.TempDir()
	rows := writeFixture(t, dir, opt)
	out, err := Render(dir)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if out != filepath.Join(dir, "report") {
		t.Errorf("Render returned %s, want %s", out, filepath.Join(dir, "report"))
	}
	return rendered{runDir: dir, outDir: out, rows: rows, html: readString(t, out, "index.html"), md: readString(t, out, "report.md")}
}

func readString(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFixture(t *testing.T) {
	if *writeFixtureTo == "" {
		t.Skip("set -write-fixture DIR to write the synthetic fixture")
	}
	if err := os.MkdirAll(*writeFixtureTo, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFixture(t, *writeFixtureTo, fixtureOptions{})
	if _, err := Render(*writeFixtureTo); err != nil {
		t.Fatal(err)
	}
}

func TestSectionsInOrder(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	for name, page := range map[string]string{"index.html": r.html, "report.md": r.md} {
		last := -1
		for _, h := range wantHeadings {
			marker := "<h2>" + h + "</h2>"
			if name == "report.md" {
				marker = "\n## " + h + "\n"
			}
			i := strings.Index(page, marker)
			if i < 0 {
				t.Errorf("%s: missing heading %q", name, h)
				continue
			}
			if i < last {
				t.Errorf("%s: heading %q out of order", name, h)
			}
			last = i
		}
	}
}

func TestFiguresInEveryFormat(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	magic := map[string]string{"png": "\x89PNG", "svg": "<?xml", "pdf": "%PDF"}
	for _, fig := range wantFigures {
		for _, format := range []string{"png", "svg", "pdf"} {
			b, err := os.ReadFile(filepath.Join(r.outDir, "figures", fig+"."+format))
			if err != nil {
				t.Error(err)
				continue
			}
			if !bytes.HasPrefix(b, []byte(magic[format])) {
				t.Errorf("%s.%s does not start with %q", fig, format, magic[format])
			}
		}
		svg := readString(t, filepath.Join(r.outDir, "figures"), fig+".svg")
		if !strings.Contains(r.html, svg[strings.Index(svg, "<svg"):]) {
			t.Errorf("index.html does not inline %s.svg", fig)
		}
		if !strings.Contains(r.md, "(figures/"+fig+".png)") {
			t.Errorf("report.md does not link figures/%s.png", fig)
		}
	}
	if strings.Contains(r.html, "<?xml") {
		t.Error("index.html contains an XML prolog")
	}
}

func TestSummaryCSV(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	records, err := csv.NewReader(strings.NewReader(readString(t, r.outDir, "summary.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(records[0], ","); got != "experiment,metric,benchmark,series,n,median_ms,mean_ms,ci95_low_ms,ci95_high_ms,cv,max_ms,p99_ms,p999_ms" {
		t.Fatalf("header = %s", got)
	}
	// 4 metrics (startup, total, prolonged first and last) × 3 benchmarks × 5 measured series.
	if got, want := len(records)-1, 4*3*5; got != want {
		t.Errorf("%d summary rows, want %d", got, want)
	}
	for _, rec := range records[1:] {
		if rec[3] == unavailableRuntime || rec[3] == "wazero:interp" {
			t.Errorf("unavailable series summarised: %v", rec)
		}
	}
	checkCell(t, records, "startup", "gemm", "wasmtime:cranelift", fixtureReps, startupOf(r.rows, "gemm", "wasmtime:cranelift"))
	// The failed sample is left out: one fewer total sample in that cell.
	checkCell(t, records, "total", failedBenchmark, failedRuntime, fixtureReps-1, nil)
	checkCell(t, records, "first", "atax", "native:glibc", fixtureProlongedReps, nil)
	checkCell(t, records, "startup", "atax", embeddedSeries, fixtureReps, startupOf(r.rows, "atax", embeddedSeries))
	checkCell(t, records, "startup", "atax", "wasmtime:cranelift (embedded)", fixtureReps, startupOf(r.rows, "atax", "wasmtime:cranelift (embedded)"))
	// The long cell: p99 and p99.9 are empirical quantiles of 60 values.
	long := startupOf(r.rows, longBenchmark, longSeries)
	checkCell(t, records, "startup", longBenchmark, longSeries, fixtureLongReps, long)
	sort.Float64s(long)
	for _, rec := range records[1:] {
		if rec[1] == "startup" && rec[2] == longBenchmark && rec[3] == longSeries {
			p99, _ := strconv.ParseFloat(rec[11], 64)
			p999, _ := strconv.ParseFloat(rec[12], 64)
			if math.Abs(p99-long[59]) > 1e-4 || math.Abs(p999-long[59]) > 1e-4 {
				t.Errorf("p99 %v, p99.9 %v; want the 60th (largest) value %v", p99, p999, long[59])
			}
		}
	}
}

// checkSection finds one summary row and checks its n and, given samples
// (ms), its median computed here independently.
func checkCell(t *testing.T, records [][]string, metricName, benchmark, runtime string, n int, samples []float64) {
	t.Helper()
	for _, rec := range records[1:] {
		if rec[1] != metricName || rec[2] != benchmark || rec[3] != runtime {
			continue
		}
		if rec[4] != strconv.Itoa(n) {
			t.Errorf("%s/%s/%s: n = %s, want %d", metricName, benchmark, runtime, rec[4], n)
		}
		if samples != nil {
			sort.Float64s(samples)
			want := (samples[len(samples)/2] + samples[(len(samples)-1)/2]) / 2
			if got, _ := strconv.ParseFloat(rec[5], 64); math.Abs(got-want) > 1e-4 {
				t.Errorf("%s/%s/%s: median %v, want %v", metricName, benchmark, runtime, got, want)
			}
		}
		return
	}
	t.Errorf("no summary row for %s/%s/%s", metricName, benchmark, runtime)
}

func startupOf(rows []run.Sample, benchmark, series string) []float64 {
	var ms []float64
	for _, s := range rows {
		if s.Experiment == run.Startup && s.Benchmark == benchmark && s.Series() == series && s.Status == run.StatusOK {
			ms = append(ms, float64(s.StartupNS)/1e6)
		}
	}
	return ms
}

func TestFrequencyWarning(t *testing.T) {
	const warning = "cpufreq was not fixed"
	loose := renderFixture(t, fixtureOptions{})
	if !strings.Contains(loose.html, `<div class="warning" role="alert">WARNING: `+warning) {
		t.Error("index.html lacks the frequency warning box")
	}
	if !strings.Contains(loose.md, "> **WARNING: "+warning) {
		t.Error("report.md lacks the frequency warning")
	}
	fixed := renderFixture(t, fixtureOptions{fixedFrequency: true})
	if strings.Contains(fixed.html, warning) || strings.Contains(fixed.md, warning) {
		t.Error("warning shown although the frequency was fixed")
	}
	if !strings.Contains(fixed.html, "fixed at 2300 MHz") {
		t.Error("fixed frequency not described")
	}
}

func TestUnavailableAndErrors(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	for name, page := range map[string]string{"index.html": r.html, "report.md": r.md} {
		notMeasured := sectionText(page, "Not measured on this host")
		if !strings.Contains(notMeasured, unavailableRuntime) || !strings.Contains(notMeasured, "docker: cannot connect to the Docker daemon") {
			t.Errorf("%s: unavailable runtime or its reason missing", name)
		}
		// The process model of wazero:interp could not run; its embedded series did and is not listed.
		if !strings.Contains(notMeasured, unavailableRunner) || strings.Contains(notMeasured, embeddedSeries) {
			t.Errorf("%s: not-measured table does not tell series apart", name)
		}
		errorsSection := sectionText(page, "Errors")
		if !strings.Contains(errorsSection, "wasm trap: out of bounds memory access at jacobi_2d") {
			t.Errorf("%s: error row missing (newlines should be folded)", name)
		}
	}
}

func TestSetupFromManifest(t *testing.T) {
	r := renderFixture(t, fixtureOptions{})
	for _, want := range []string{"20240305-100000-fixture", "smoke", "MINI", "Gold 5218", "6.8.0-41-generic",
		"6.8.0-41-generic-end", "wasi-sdk-21", "clang version 17.0.6", "wasmtime:cranelift 19.0.0", "2024-03-05T10:42:07Z",
		"Container base: runc:bundle: " + containerBaseText + ".", "wasmtime:cranelift (embedded)"} {
		if !strings.Contains(sectionText(r.html, "Setup"), want) || !strings.Contains(sectionText(r.md, "Setup"), want) {
			t.Errorf("setup lacks %q", want)
		}
	}
}

// TestDeterministic renders the same run twice in one directory and once
// in another: every output file must be byte-identical.
func TestDeterministic(t *testing.T) {
	first := renderFixture(t, fixtureOptions{})
	a := snapshot(t, first.outDir)
	if _, err := Render(first.runDir); err != nil {
		t.Fatal(err)
	}
	b := snapshot(t, first.outDir)
	c := snapshot(t, renderFixture(t, fixtureOptions{}).outDir)
	for _, other := range []map[string][]byte{b, c} {
		if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(other))) {
			t.Fatalf("file sets differ: %v vs %v", slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(other)))
		}
		for name, data := range a {
			if !bytes.Equal(data, other[name]) {
				t.Errorf("%s differs between renders", name)
			}
		}
	}
	if pdf := a["figures/fig1_startup.pdf"]; !bytes.Contains(pdf, []byte("/CreationDate (D:20240305104207)")) {
		t.Error("PDF creation date is not the run's finish time")
	}
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestMissingData(t *testing.T) {
	t.Run("startup only", func(t *testing.T) {
		r := renderFixture(t, fixtureOptions{experiments: []string{run.Startup}})
		if got := strings.Count(r.html, noSamples); got != 2 {
			t.Errorf("%d empty-experiment notes, want 2 (total, prolonged)", got)
		}
		if _, err := os.Stat(filepath.Join(r.outDir, "figures", "fig1_startup.svg")); err != nil {
			t.Error(err)
		}
	})
	t.Run("no samples", func(t *testing.T) {
		dir := t.TempDir()
		if err := run.WriteSamples(filepath.Join(dir, run.SamplesFile), []run.Sample{}); err != nil {
			t.Fatal(err)
		}
		if err := run.WriteManifest(dir, run.Manifest{}); err != nil {
			t.Fatal(err)
		}
		out, err := Render(dir)
		if err != nil {
			t.Fatal(err)
		}
		if html := readString(t, out, "index.html"); strings.Count(html, noSamples) != 3 {
			t.Error("expected three empty-experiment notes")
		}
	})
	t.Run("no samples file", func(t *testing.T) {
		dir := t.TempDir()
		if err := run.WriteManifest(dir, run.Manifest{RunID: "bare"}); err != nil {
			t.Fatal(err)
		}
		if _, err := Render(dir); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no manifest", func(t *testing.T) {
		if _, err := Render(t.TempDir()); err == nil {
			t.Error("Render succeeded without a manifest")
		}
	})
}

func TestSummarize(t *testing.T) {
	s := stats.Describe([]float64{4, 1, 3, 2})
	if s.N != 4 || s.Median != 2.5 || s.Mean != 2.5 || s.Max != 4 || s.P99 != 4 {
		t.Errorf("summary %+v", s)
	}
	// sd = 1.2910, t(0.975, 3) = 3.1824: half-width 2.0543.
	if math.Abs(s.CIHigh-s.Mean-2.0543) > 1e-3 || math.Abs(s.CV-0.5164) > 1e-3 {
		t.Errorf("CI [%v, %v], CV %v", s.CILow, s.CIHigh, s.CV)
	}
	if one := stats.Describe([]float64{7}); one.Median != 7 || !math.IsNaN(one.CILow) || !math.IsNaN(one.CV) {
		t.Errorf("single value summary %+v", one)
	}
	if empty := stats.Describe(nil); empty.N != 0 || !math.IsNaN(empty.Median) {
		t.Errorf("empty summary %+v", empty)
	}
}

func TestStylesFollowSortedSeries(t *testing.T) {
	m := fixtureManifest(fixtureOptions{})
	r := newRun(m, nil)
	slices.Reverse(m.Runtimes)
	reversed := newRun(m, nil)
	for _, series := range r.series {
		if r.style(series) != reversed.style(series) {
			t.Errorf("%s: style depends on manifest order", series)
		}
	}
	if r.style("native:glibc").Color != familyHues[0] {
		t.Error("native code does not get its family's colour")
	}
	// Every series differs from every other in colour and, within its family, in glyph.
	for i, a := range r.series {
		for _, b := range r.series[i+1:] {
			sa, sb := r.style(a), r.style(b)
			if sa.Color == sb.Color || (family(a) == family(b) && sa.Shape == sb.Shape) {
				t.Errorf("%s and %s share a colour or (same family) a glyph", a, b)
			}
		}
	}
	if r.style("wasmtime:cranelift") == r.style("wasmtime:cranelift (embedded)") {
		t.Error("one runtime id in two cold-start models shares a style")
	}
}

func TestLogTicksLabelNarrowRanges(t *testing.T) {
	for _, rng := range [][2]float64{{21, 48}, {0.3, 0.34}, {1, 1000}, {0.002, 0.9}} {
		labels := 0
		for _, tick := range (logTicks{}).Ticks(rng[0], rng[1]) {
			if tick.Label != "" {
				labels++
			}
		}
		if labels < 2 {
			t.Errorf("range %v: %d labels", rng, labels)
		}
	}
}
