package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

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
