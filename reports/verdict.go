package reports

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// The reproduction verdict: each claim of the paper's Sect. IV–V judged on
// this run with the stats package (ratio-of-medians CIs, Mann–Whitney with
// Holm), never by eye. Orders and ratios are the test, not milliseconds:
// the host differs from the paper's.

// Verdict words.
const (
	verdictHolds      = "holds"
	verdictFails      = "does not hold"
	verdictPartly     = "partly"
	verdictNotChecked = "not checked"
)

// wamrMissing says why no WAMR series has samples.
const wamrMissing = "WAMR not installed (RTWASM_WAMR_SRC + go tool mage wamr, or RTWASM_IWASM)"

// claimMargin is the equivalence margin of "similar" (start-up independent
// of the benchmark): per-benchmark medians within ±25 % of the rest.
const claimMargin = 0.25

// claimVerdict is one row of the verdict table and verdict.csv.
type claimVerdict struct {
	ID      string
	Claim   string
	Paper   string
	Run     string // this run's figure
	Verdict string // one of the verdict words
	Detail  string // exceptions, or why not checked
}

// Text is the verdict cell: the word, then its detail.
func (c claimVerdict) Text() string {
	if c.Detail == "" {
		return c.Verdict
	}
	return c.Verdict + ": " + c.Detail
}

// newClaim starts the verdict of a paper's claim; args fill its text's
// verbs (the run's Wasmtime series).
func newClaim(id string, args ...any) claimVerdict {
	c := paper.Lookup(id)
	text := c.Claim
	if len(args) > 0 {
		text = fmt.Sprintf(text, args...)
	}
	return claimVerdict{ID: c.ID, Claim: text, Paper: c.Paper}
}

var verdictHeader = []string{"claim_id", "claim", "paper", "this_run", "verdict", "detail"}

func (c claimVerdict) fields() []string {
	return []string{c.ID, c.Claim, c.Paper, c.Run, c.Verdict, c.Detail}
}

// paperSeries maps the paper's names to this run's series.
type paperSeries struct {
	FastJIT, MultiTier, LLVMJIT, Wasmtime, Container string
}

func (r *runData) paperSeries() paperSeries {
	wasmtime := paper.WasmtimeCLI
	if !slices.Contains(r.measuredSeries(run.Startup), wasmtime) && !slices.Contains(r.measuredSeries(run.Total), wasmtime) {
		wasmtime = paper.WasmtimeEmbedded
	}
	return paperSeries{paper.FastJIT, paper.MultiTier, paper.LLVMJIT, wasmtime, paper.Container}
}

func (p paperSeries) all() []string {
	return []string{p.FastJIT, p.MultiTier, p.LLVMJIT, p.Wasmtime, p.Container}
}

// label names a series the way the paper does, with our id.
func (p paperSeries) label(id string) string {
	names := map[string]string{p.FastJIT: "WAMR fast JIT", p.MultiTier: "WAMR multi-tier", p.LLVMJIT: "WAMR LLVM JIT",
		p.Wasmtime: "Wasmtime", p.Container: "container"}
	if n, ok := names[id]; ok {
		return n + " (" + id + ")"
	}
	return id
}

// verdicts judges every claim.
func (r *runData) verdicts() []claimVerdict {
	p := r.paperSeries()
	return r.conditioned([]claimVerdict{
		r.startupIndependent(),
		r.fastJITsStartFirst(p),
		r.wasmtimeNext(p),
		r.llvmSlowerThanContainer(p),
		r.shortBenchmarks(p),
		r.longBenchmarks(p),
		r.prolongedWinners(p),
		r.wasmBeatsNative(),
		r.binarySizes(),
	})
}

// missing returns why the first of the series has no samples in the
// experiment, or "" when all have.
func (r *runData) missing(experiment string, series ...string) string {
	measured := r.measuredSeries(experiment)
	for _, id := range series {
		if slices.Contains(measured, id) {
			continue
		}
		return r.whyMissing(id, experiment)
	}
	return ""
}

func (r *runData) whyMissing(id, experiment string) string {
	info, known := r.seriesInfo(id)
	if strings.HasPrefix(id, "wamr:") && !r.anyWAMR() {
		return wamrMissing
	}
	switch {
	case known && !info.Available:
		return id + " unavailable: " + truncateText(info.Reason, 100)
	case !slices.Contains(r.manifest.Experiments, experiment) && !r.hasExperiment(experiment):
		return "the " + experiment + " experiment was not run"
	case !known && !slices.Contains(r.series, id):
		return id + " not selected (RTWASM_RUNTIMES)"
	}
	return id + " has no successful " + experiment + " samples"
}

// anyWAMR reports whether some WAMR series was available.
func (r *runData) anyWAMR() bool {
	for _, rt := range r.manifest.Runtimes {
		if strings.HasPrefix(rt.ID, "wamr:") && rt.Available {
			return true
		}
	}
	return slices.ContainsFunc(r.series, func(s string) bool {
		return strings.HasPrefix(s, "wamr:") && len(r.samples(run.Startup, "", s)) > 0
	})
}

func truncateText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// orderPair claims that Fast is faster than Slow.
type orderPair struct{ Fast, Slow string }

// judgeOrder compares pairs of one family (Holm over the family): a pair
// holds when Fast is Different from Slow with ratio < 1.
func judgeOrder(pairs []orderPair, values func(series string) []float64, name string) []stats.Comparison {
	family := make([]stats.Pair, len(pairs))
	for i, pr := range pairs {
		family[i] = stats.Pair{Name: name + "|" + pr.Fast + "|" + pr.Slow, A: values(pr.Fast), B: values(pr.Slow), Margin: stats.DefaultMargin}
	}
	return stats.CompareFamily(family, statsOptions)
}

// faster reports whether a comparison shows A faster than B.
func faster(c stats.Comparison) bool { return c.Verdict == stats.Different && c.Ratio < 1 }

// outcome is a pair's result in words: "faster", "slower", "tied", "undecided (n=3/3)".
func outcome(c stats.Comparison) string {
	switch {
	case faster(c):
		return "faster"
	case c.Verdict == stats.Different:
		return "slower"
	case c.Verdict == stats.Tied:
		return "tied"
	}
	return fmt.Sprintf("undecided, n=%d/%d", c.NA, c.NB)
}

// tally turns pass/fail/undecided counts into a verdict with exceptions.
func tally(passed, total int, failures, undecided []string, what string) (string, string) {
	switch {
	case total == 0:
		return verdictNotChecked, "nothing to compare"
	case passed == total:
		return verdictHolds, ""
	case len(failures) == 0:
		return verdictNotChecked, fmt.Sprintf("too few samples: %s undecided (%s)", what, strings.Join(undecided, "; "))
	case passed == 0 && len(undecided) == 0:
		return verdictFails, strings.Join(failures, "; ")
	}
	detail := "exceptions: " + strings.Join(failures, "; ")
	if len(undecided) > 0 {
		detail += "; undecided: " + strings.Join(undecided, "; ")
	}
	if passed == 0 {
		return verdictFails, detail
	}
	return verdictPartly, detail
}

// startupIndependent: start-up is nearly the same for every benchmark. Per
// series, each benchmark's start-up is compared with the series' other
// benchmarks pooled (Holm over the series' benchmarks, margin ±25 %).
func (r *runData) startupIndependent() claimVerdict {
	c := newClaim(paper.StartupIndependent)
	benchmarks := r.measuredBenchmarks(run.Startup)
	if len(benchmarks) < 2 {
		c.Verdict, c.Detail = verdictNotChecked, "start-up measured on fewer than 2 benchmarks"
		return c
	}
	var exceptions, differ []string
	var open []openItem
	tied, cells, similar, series, decided := 0, 0, 0, 0, 0
	worst, worstAt := 1.0, ""
	for _, id := range r.measuredSeries(run.Startup) {
		var family []stats.Pair
		for _, b := range benchmarks {
			family = append(family, stats.Pair{Name: id + "|" + b, A: r.values(startupMetric, b, id), B: r.startupExcept(id, b), Margin: claimMargin})
		}
		seriesTied, seriesCells, before := 0, 0, len(exceptions)
		for i, cmpr := range stats.CompareFamily(family, statsOptions) {
			if cmpr.NA == 0 || cmpr.NB == 0 {
				continue
			}
			seriesCells++
			if dev := max(cmpr.Ratio, 1/cmpr.Ratio); dev > worst {
				worst, worstAt = dev, id+" on "+benchmarks[i]
			}
			switch {
			case cmpr.Verdict == stats.Tied:
				seriesTied++
			case cmpr.Verdict == stats.Different && (cmpr.Ratio > 1+claimMargin || cmpr.Ratio < 1/(1+claimMargin)):
				exceptions = append(exceptions, fmt.Sprintf("%s on %s %.2f×", id, benchmarks[i], cmpr.Ratio))
			}
			if cmpr.Verdict == stats.Undecided {
				open = append(open, openItem{id + " on " + benchmarks[i], moreNeeded(cmpr)})
			} else {
				decided++
			}
		}
		tied, cells = tied+seriesTied, cells+seriesCells
		if seriesCells == 0 {
			continue
		}
		series++
		// A series is similar across benchmarks when none differs and most are shown tied.
		switch {
		case len(exceptions) > before:
			differ = append(differ, id)
		case seriesTied*2 > seriesCells:
			similar++
		}
	}
	c.Run = fmt.Sprintf("%d of %d series similar on every benchmark, %d differ; %d of %d cells tied within ±25 %%; largest deviation %.2f× (%s)",
		similar, series, len(differ), tied, cells, worst, worstAt)
	if detail, ok := enough(decided, cells, open, "cells"); !ok {
		c.Verdict, c.Detail = verdictUndecided, detail
		return c
	}
	switch {
	case similar == series:
		c.Verdict = verdictHolds
	case len(differ) > 0 && similar > 0:
		c.Verdict, c.Detail = verdictPartly, "exceptions: "+strings.Join(exceptions, "; ")
	case len(differ) > 0:
		c.Verdict, c.Detail = verdictFails, "differs: "+strings.Join(exceptions, "; ")
	default:
		c.Verdict, c.Detail = verdictNotChecked, fmt.Sprintf("too few samples: %d of %d series shown similar, none shown different", similar, series)
	}
	return c
}

// startupExcept pools a series' start-up over every benchmark but one.
func (r *runData) startupExcept(series, benchmark string) []float64 {
	var v []float64
	for _, b := range r.benchmarks {
		if b != benchmark {
			v = append(v, r.values(startupMetric, b, series)...)
		}
	}
	return v
}

// startupPooled returns a series' start-up over all benchmarks.
func (r *runData) startupPooled(series string) []float64 { return r.values(startupMetric, "", series) }

func (r *runData) startupMedians(p paperSeries, ids ...string) string {
	var parts []string
	for _, id := range ids {
		if v := r.startupPooled(id); len(v) > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", p.label(id), formatTime(stats.Median(v))))
		}
	}
	return strings.Join(parts, ", ")
}

// orderClaim judges "each Fast is faster than each Slow" on pooled start-up.
func (r *runData) orderClaim(c claimVerdict, p paperSeries, pairs []orderPair) claimVerdict {
	var need []string
	for _, pr := range pairs {
		need = append(need, pr.Fast, pr.Slow)
	}
	slices.Sort(need)
	need = slices.Compact(need)
	c.Run = r.startupMedians(p, p.all()...)
	if why := r.missing(run.Startup, need...); why != "" {
		c.Verdict, c.Detail = verdictNotChecked, why
		return c
	}
	var failures, undecided []string
	passed := 0
	for i, cmpr := range judgeOrder(pairs, r.startupPooled, c.ID) {
		text := fmt.Sprintf("%s vs %s: %s (ratio %.2f)", pairs[i].Fast, pairs[i].Slow, outcome(cmpr), cmpr.Ratio)
		switch {
		case faster(cmpr):
			passed++
		case cmpr.Verdict == stats.Undecided:
			undecided = append(undecided, text)
		default:
			failures = append(failures, text)
		}
	}
	c.Verdict, c.Detail = tally(passed, len(pairs), failures, undecided, "pairs")
	return c
}

func (r *runData) fastJITsStartFirst(p paperSeries) claimVerdict {
	c := newClaim(paper.FastJITsStartFirst)
	var pairs []orderPair
	for _, fast := range []string{p.FastJIT, p.MultiTier} {
		for _, slow := range []string{p.Wasmtime, p.LLVMJIT, p.Container} {
			pairs = append(pairs, orderPair{fast, slow})
		}
	}
	return r.orderClaim(c, p, pairs)
}

func (r *runData) wasmtimeNext(p paperSeries) claimVerdict {
	c := newClaim(paper.WasmtimeNext, p.Wasmtime)
	pairs := []orderPair{{p.FastJIT, p.Wasmtime}, {p.MultiTier, p.Wasmtime}, {p.Wasmtime, p.Container}, {p.Wasmtime, p.LLVMJIT}}
	return r.orderClaim(c, p, pairs)
}

func (r *runData) llvmSlowerThanContainer(p paperSeries) claimVerdict {
	c := newClaim(paper.LLVMSlowerStart)
	c = r.orderClaim(c, p, []orderPair{{p.Container, p.LLVMJIT}})
	if a, b := r.startupPooled(p.LLVMJIT), r.startupPooled(p.Container); len(a) > 0 && len(b) > 0 {
		c.Run = fmt.Sprintf("%s vs %s (%.2f×)", formatTime(stats.Median(a)), formatTime(stats.Median(b)), stats.Median(a)/stats.Median(b))
	}
	return c
}

// benchmarkSplit divides the total experiment's benchmarks at 1 s: a
// benchmark is long when the fastest paper series' median total reaches it.
func (r *runData) benchmarkSplit(p paperSeries) (short, long []string) {
	for _, b := range r.measuredBenchmarks(run.Total) {
		best := math.Inf(1)
		for _, id := range p.all() {
			if v := r.values(totalMetric, b, id); len(v) > 0 {
				best = min(best, stats.Median(v))
			}
		}
		switch {
		case math.IsInf(best, 1):
		case best < paper.LongMS:
			short = append(short, b)
		default:
			long = append(long, b)
		}
	}
	return short, long
}

// perBenchmarkClaim judges, per benchmark (Holm within it), whether every
// pair holds; benchmarks with a reversed or tied pair are exceptions.
func (r *runData) perBenchmarkClaim(c claimVerdict, benchmarks []string, pairs []orderPair, m metric) (passed int, failures, undecided []string,
	open []openItem) {
	for _, b := range benchmarks {
		values := func(id string) []float64 { return r.values(m, b, id) }
		var bad, pending []string
		more := 0
		for i, cmpr := range judgeOrder(pairs, values, c.ID+"|"+b) {
			switch {
			case faster(cmpr):
			case cmpr.Verdict == stats.Undecided:
				pending = append(pending, pairs[i].Fast+" vs "+pairs[i].Slow)
				more = max(more, moreNeeded(cmpr))
			default:
				bad = append(bad, fmt.Sprintf("%s %s than %s", pairs[i].Fast, outcome(cmpr), pairs[i].Slow))
			}
		}
		switch {
		case len(bad) > 0:
			failures = append(failures, b+" ("+strings.Join(bad, ", ")+")")
		case len(pending) > 0:
			undecided = append(undecided, b)
			open = append(open, openItem{b, more})
		default:
			passed++
		}
	}
	return passed, failures, undecided, open
}

func (r *runData) shortBenchmarks(p paperSeries) claimVerdict {
	c := newClaim(paper.ShortWorst)
	short, _ := r.benchmarkSplit(p)
	c.Run = fmt.Sprintf("%d benchmarks below 1 s", len(short))
	if why := r.missing(run.Total, p.all()...); why != "" {
		c.Verdict, c.Detail = verdictNotChecked, why
		return c
	}
	if len(short) == 0 {
		c.Verdict, c.Detail = verdictNotChecked, "no benchmark below 1 s at "+string(r.manifest.Options.Dataset)
		return c
	}
	var pairs []orderPair
	for _, fast := range []string{p.FastJIT, p.MultiTier, p.Wasmtime} {
		for _, slow := range []string{p.LLVMJIT, p.Container} {
			pairs = append(pairs, orderPair{fast, slow})
		}
	}
	passed, failures, undecided, open := r.perBenchmarkClaim(c, short, pairs, totalMetric)
	c.Run = fmt.Sprintf("worst in %d of %d benchmarks below 1 s", passed, len(short))
	if detail, ok := enough(passed+len(failures), len(short), open, "benchmarks"); !ok {
		c.Verdict, c.Detail = verdictUndecided, detail
		return c
	}
	c.Verdict, c.Detail = tally(passed, len(short), failures, undecided, "benchmarks")
	return c
}

func (r *runData) longBenchmarks(p paperSeries) claimVerdict {
	c := newClaim(paper.LongWin)
	_, long := r.benchmarkSplit(p)
	c.Run = fmt.Sprintf("%d benchmarks of 1 s or more", len(long))
	if why := r.missing(run.Total, p.all()...); why != "" {
		c.Verdict, c.Detail = verdictNotChecked, why
		return c
	}
	if len(long) == 0 {
		c.Verdict, c.Detail = verdictNotChecked, "dataset too small: no benchmark's total reaches 1 s at "+
			string(r.manifest.Options.Dataset)+" (the paper used LARGE)"
		return c
	}
	passed, failures, undecided := 0, []string{}, []string{}
	var open []openItem
	for _, b := range long {
		// The better of the two must beat each of the other three.
		winner := p.LLVMJIT
		if stats.Median(r.values(totalMetric, b, p.Container)) < stats.Median(r.values(totalMetric, b, p.LLVMJIT)) {
			winner = p.Container
		}
		pairs := []orderPair{{winner, p.FastJIT}, {winner, p.MultiTier}, {winner, p.Wasmtime}}
		n, f, u, o := r.perBenchmarkClaim(c, []string{b}, pairs, totalMetric)
		passed, failures, undecided, open = passed+n, append(failures, f...), append(undecided, u...), append(open, o...)
	}
	c.Run = fmt.Sprintf("win in %d of %d benchmarks of 1 s or more", passed, len(long))
	if detail, ok := enough(passed+len(failures), len(long), open, "benchmarks"); !ok {
		c.Verdict, c.Detail = verdictUndecided, detail
		return c
	}
	// "Most of the longer benchmarks": a majority suffices.
	switch {
	case passed*2 > len(long):
		c.Verdict = verdictHolds
		if len(failures) > 0 {
			c.Detail = "exceptions: " + strings.Join(failures, "; ")
		}
	default:
		c.Verdict, c.Detail = tally(passed, len(long), failures, undecided, "benchmarks")
		if c.Verdict == verdictPartly && passed*2 <= len(long) {
			c.Verdict = verdictFails
		}
	}
	return c
}

// steadyValues are a prolonged cell's iteration times after the first half:
// the steady state the paper's "after a prolonged run" speaks of.
func (r *runData) steadyValues(benchmark, series string) []float64 {
	var v []float64
	for _, s := range r.samples(run.Prolonged, benchmark, series) {
		if s.Iteration > 0 && s.Iterations > 0 && s.Iteration > s.Iterations/2 {
			v = append(v, iterationMS(s))
		}
	}
	return v
}

// winner returns the series with the lowest steady median of a benchmark,
// and whether it is shown faster than the runner-up.
func (r *runData) winner(benchmark string, candidates []string) (string, stats.Comparison, bool) {
	type ranked struct {
		id  string
		med float64
	}
	var rank []ranked
	for _, id := range candidates {
		if v := r.steadyValues(benchmark, id); len(v) > 0 {
			rank = append(rank, ranked{id, stats.Median(v)})
		}
	}
	if len(rank) < 2 {
		return "", stats.Comparison{}, false
	}
	slices.SortStableFunc(rank, func(a, b ranked) int { return cmp.Compare(a.med, b.med) })
	cmpr := stats.Compare(r.steadyValues(benchmark, rank[0].id), r.steadyValues(benchmark, rank[1].id), stats.DefaultMargin,
		stats.Options{Seed: stats.SeedFor(statsOptions.Seed, benchmark)})
	return rank[0].id, cmpr, faster(cmpr)
}

func (r *runData) prolongedWinners(p paperSeries) claimVerdict {
	c := newClaim(paper.ProlongedWinners)
	if why := r.missing(run.Prolonged, p.all()...); why != "" {
		c.Verdict, c.Detail = verdictNotChecked, why
		return c
	}
	benchmarks := r.measuredBenchmarks(run.Prolonged)
	container, wamr, other, open := 0, 0, 0, 0
	var pending []openItem
	for _, b := range benchmarks {
		id, cmpr, clear := r.winner(b, p.all())
		switch {
		case !clear:
			open++
			pending = append(pending, openItem{b, moreNeeded(cmpr)})
		case id == p.Container:
			container++
		case id == p.LLVMJIT || id == p.MultiTier:
			wamr++
		default:
			other++
		}
	}
	c.Run = fmt.Sprintf("container %d, LLVM JIT or multi-tier %d, others %d, no clear winner %d (of %d)",
		container, wamr, other, open, len(benchmarks))
	decided := container + wamr + other
	if detail, ok := enough(decided, len(benchmarks), pending, "benchmarks"); !ok {
		c.Verdict, c.Detail = verdictUndecided, detail
		return c
	}
	switch {
	case decided == 0:
		c.Verdict, c.Detail = verdictNotChecked, "too few samples: no benchmark has a winner shown faster than the runner-up"
	case wamr*2 > decided && container < wamr:
		c.Verdict = verdictHolds
	case wamr > container:
		c.Verdict, c.Detail = verdictPartly, "LLVM JIT or multi-tier win more often than the container, but not in most benchmarks"
	default:
		c.Verdict, c.Detail = verdictFails, "the container or another series wins at least as often"
	}
	return c
}

// wasmBeatsNative: after a prolonged run, some WASM series is faster than the
// natively compiled code (the container; native:glibc if there is none).
func (r *runData) wasmBeatsNative() claimVerdict {
	c := newClaim(paper.WasmFasterNative)
	native := paper.Container
	if !slices.Contains(r.measuredSeries(run.Prolonged), native) {
		native = paper.Native
	}
	wasm := r.wasmSeries(run.Prolonged)
	if why := r.missing(run.Prolonged, native); why != "" || len(wasm) == 0 {
		c.Verdict, c.Detail = verdictNotChecked, cmpOr(why, "no WASM series in the prolonged experiment")
		return c
	}
	var wins []string
	var open []openItem
	decided := 0
	benchmarks := r.measuredBenchmarks(run.Prolonged)
	for _, b := range benchmarks {
		id, cmpr, clear := r.winner(b, append(slices.Clone(wasm), native))
		if !clear && cmpr.Verdict != stats.Tied {
			open = append(open, openItem{b, moreNeeded(cmpr)})
			continue
		}
		decided++
		if clear && id != native {
			wins = append(wins, b+" ("+id+")")
		}
	}
	c.Run = fmt.Sprintf("a WASM series beats %s in %d of %d benchmarks (%d decided)", native, len(wins), len(benchmarks), decided)
	if detail, ok := enough(decided, len(benchmarks), open, "benchmarks"); !ok {
		c.Verdict, c.Detail = verdictUndecided, detail
		return c
	}
	switch {
	case decided == 0:
		c.Verdict, c.Detail = verdictNotChecked, "too few samples: no benchmark decided"
	case len(wins)*2 > decided:
		c.Verdict = verdictHolds
	case len(wins) > 0:
		c.Verdict, c.Detail = verdictPartly, "only in "+strings.Join(wins, ", ")
	default:
		c.Verdict, c.Detail = verdictFails, native+" is fastest or tied wherever decided"
	}
	return c
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// wasmSeries are the measured series that run the WebAssembly artifact.
func (r *runData) wasmSeries(experiment string) []string {
	var ids []string
	for _, id := range r.measuredSeries(experiment) {
		if info, ok := r.seriesInfo(id); ok && strings.HasPrefix(info.Target, "wasm") {
			ids = append(ids, id)
		}
	}
	return ids
}

var imageSizeRE = regexp.MustCompile(`image FROM ([^,;]+), ([0-9.]+) MB`)

// containerImage returns the docker image's base and size in bytes from its probe.
func (r *runData) containerImage() (base string, bytes float64, ok bool) {
	info, known := r.seriesInfo(paper.Container)
	if !known {
		return "", 0, false
	}
	m := imageSizeRE.FindStringSubmatch(info.Version)
	if m == nil {
		return "", 0, false
	}
	mb, err := strconv.ParseFloat(m[2], 64)
	return m[1], mb * 1e6, err == nil
}

func (r *runData) binarySizes() claimVerdict {
	c := newClaim(paper.BinarySize)
	var sizes []float64
	for _, a := range r.manifest.Artifacts {
		if strings.HasPrefix(a.Target, "wasm") && a.Bytes > 0 {
			sizes = append(sizes, float64(a.Bytes))
		}
	}
	base, image, ok := r.containerImage()
	if len(sizes) == 0 {
		c.Verdict, c.Detail = verdictNotChecked, "no WASM artifact sizes in the manifest"
		return c
	}
	largest := slices.Max(sizes)
	c.Run = fmt.Sprintf("WASM artifacts: median %.1f kB, largest %.1f kB (%d)", stats.Median(sizes)/1e3, largest/1e3, len(sizes))
	if !ok {
		c.Verdict, c.Detail = verdictNotChecked, "container image size not recorded (docker:engine not measured)"
		return c
	}
	c.Run += fmt.Sprintf("; image FROM %s %.1f MB (%.0f× the median)", base, image/1e6, image/stats.Median(sizes))
	// Kilobytes vs megabytes: the median binary under 100 kB and the image
	// at least ten times the largest binary.
	switch {
	case stats.Median(sizes) < 100e3 && image >= 10*largest:
		c.Verdict = verdictHolds
	case image > largest:
		c.Verdict, c.Detail = verdictPartly, "the image is larger, but not by the paper's orders of magnitude"
	default:
		c.Verdict, c.Detail = verdictFails, "a WASM binary is as large as the image"
	}
	return c
}
