package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

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
