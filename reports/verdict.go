package reports

import (
	"fmt"
	"slices"
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
		return id + " unavailable: " + truncate(info.Reason, 101)
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
