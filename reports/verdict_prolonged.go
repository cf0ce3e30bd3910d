package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

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
		c.Verdict, c.Detail = verdictNotChecked, cmp.Or(why, "no WASM series in the prolonged experiment")
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
