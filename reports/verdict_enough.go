package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// A claim over benchmarks (or cells) is judged only when enough of them are
// decided: a verdict from a tenth of the benchmarks is not a verdict. Short
// of that share the claim is undecided, and says how many more samples per
// cell would decide it — from each undecided comparison's sample-size
// estimate (stats.SamplesNeeded), the smallest number that would bring
// enough of them to a decision.

// decidedShare is the share of a claim's benchmarks (or cells) that must be
// decided (shown faster, slower or tied) before the claim is judged.
const decidedShare = 2.0 / 3

// verdictUndecided: too few of the claim's benchmarks were decided.
const verdictUndecided = "undecided"

// openItem is one undecided benchmark (or cell) of a claim: how many more
// samples per cell its comparison needs (0: not estimable).
type openItem struct {
	name string
	more int
}

// moreNeeded is how many more samples per side a comparison needs to be
// decided, 0 when it cannot be estimated.
func moreNeeded(c stats.Comparison) int {
	if c.SamplesNeeded <= 0 {
		return 0
	}
	return max(1, c.SamplesNeeded-min(c.NA, c.NB))
}

// enough judges whether decided of total suffice; if not it returns the
// undecided verdict's detail.
func enough(decided, total int, open []openItem, what string) (string, bool) {
	need := ceilShare(total)
	if total == 0 || decided >= need {
		return "", true
	}
	detail := fmt.Sprintf("%d of %d %s decided; a verdict needs %d (⅔)", decided, total, what, need)
	var known []int
	for _, o := range open {
		if o.more > 0 {
			known = append(known, o.more)
		}
	}
	slices.Sort(known)
	missing := need - decided
	if len(known) >= missing {
		return detail + fmt.Sprintf("; about %d more samples per cell would decide it (RTWASM_REPS, or RTWASM_PRECISION to let the "+
			"rounds find them)", known[missing-1]), false
	}
	return detail + fmt.Sprintf("; %d of the %d undecided cannot be estimated from these samples (too few, or no spread): measure "+
		"them with more repetitions first", len(open)-len(known), len(open)), false
}

// ceilShare is the smallest count that is at least decidedShare of total.
func ceilShare(total int) int {
	n := int(decidedShare * float64(total))
	for float64(n) < decidedShare*float64(total)-1e-9 {
		n++
	}
	return n
}

// conditioned qualifies claims judged under conditions other than the
// paper's: a claim about LARGE judged at another dataset that did not hold
// says it was judged there, not that the paper is wrong; WAMR multi-tier
// compiling in the background on one pinned CPU is named.
func (r *runData) conditioned(list []claimVerdict) []claimVerdict {
	o := r.manifest.Options
	for i, c := range list {
		var conditions []string
		if o.Dataset != "" && o.Dataset != paper.Dataset && slices.Contains(paper.DataSensitive, c.ID) &&
			(c.Verdict == verdictFails || c.Verdict == verdictPartly) {
			conditions = append(conditions, fmt.Sprintf("judged at %s, the paper's claim is about %s: at %s it %s",
				o.Dataset, paper.Dataset, o.Dataset, c.Verdict))
			list[i].Verdict = verdictConditions
		}
		if strings.Contains(c.Claim+c.Run+c.Detail, "multi-tier") && len(o.CPUs) == 1 && r.measuredAnywhere(paper.MultiTier) {
			conditions = append(conditions, fmt.Sprintf("WAMR multi-tier compiles in the background: with one pinned CPU "+
				"(RTWASM_CPUS=%d) the compile shares it with the job, which slows its start against the paper's unpinned host", o.CPUs[0]))
		}
		if len(conditions) > 0 {
			list[i].Detail = strings.TrimPrefix(strings.Join(conditions, "; ")+"; "+c.Detail, "; ")
			list[i].Detail = strings.TrimSuffix(list[i].Detail, "; ")
		}
	}
	return list
}

// verdictConditions: judged under conditions other than the claim's.
const verdictConditions = "not at the paper's conditions"

// measuredAnywhere reports whether a series has ok samples in any experiment
// (a series listed but unavailable has none).
func (r *runData) measuredAnywhere(series string) bool {
	return slices.ContainsFunc(run.AllExperiments, func(exp string) bool {
		return slices.Contains(r.measuredSeries(exp), series)
	})
}
