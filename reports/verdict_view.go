package reports

import (
	"fmt"
	"strings"
)

const headingVerdict = "Reproduction verdict: does the paper hold?"

// verdictSection is the table of the paper's claims judged on this run.
func (r *runData) verdictSection(list []claimVerdict) section {
	p := r.paperSeries()
	c := section{ID: "verdict", Heading: headingVerdict}
	c.Paragraphs = []string{
		"Each claim of the paper's Sect. IV–V, judged on this run. This host is not the paper's, so orders and ratios " +
			"are the test, not absolute milliseconds. Orders are judged with the ratio of medians (bootstrap CI) and " +
			"Mann–Whitney tests, Holm-corrected per claim (per benchmark for per-benchmark claims), at a 5 % equivalence margin " +
			"(±25 % for \"independent of the benchmark\"); an undecided comparison is reported as such, never guessed.",
		fmt.Sprintf("The paper's series are %s, %s, %s, %s and %s; native:glibc is the reference for native code "+
			"where the container was not measured. The paper used LARGE and 25 repetitions; this run used %s.",
			p.label(p.FastJIT), p.label(p.MultiTier), p.label(p.LLVMJIT), p.label(p.Wasmtime), p.label(p.Container),
			r.runSize()),
		verdictCounts(list),
	}
	t := table{Caption: "The paper's claims on this run (also verdict.csv).", Header: []string{"claim", "paper", "this run", "verdict"}}
	for _, v := range list {
		t.Rows = append(t.Rows, []string{v.Claim, v.Paper, orDash(v.Run), v.Text()})
	}
	c.Tables = []table{t}
	if r.manifest.Options.PerExperiment != nil {
		c.Paragraphs[1] = c.Paragraphs[1][:strings.Index(c.Paragraphs[1], " The paper used")] + " " + r.claimsCuts()
	}
	return c
}

func (r *runData) runSize() string {
	o := r.manifest.Options
	return fmt.Sprintf("%s, %d repetitions (%d prolonged processes of %d iterations)", orDash(string(o.Dataset)), o.Reps, o.ProlongedReps, o.Iterations)
}

// claimsCuts states what the budgeted claims profile left out.
func (r *runData) claimsCuts() string {
	o := r.manifest.Options
	var parts []string
	for _, exp := range []string{"startup", "total", "prolonged"} {
		e, ok := o.PerExperiment[exp]
		if !ok {
			continue
		}
		series := "every series"
		if len(e.Series) > 0 {
			series = "the paper's series and native:glibc only"
		}
		if len(e.Benchmarks) == 0 {
			parts = append(parts, exp+": cut entirely (nothing fitted)")
			continue
		}
		reps := fmt.Sprintf("%d reps", e.Reps)
		if exp == "prolonged" {
			reps = fmt.Sprintf("%d processes of %d iterations", e.Reps, o.Iterations)
		}
		parts = append(parts, fmt.Sprintf("%s: %s of %d kernels, %s, %s", exp, strings.Join(e.Benchmarks, ", "), len(o.Benchmarks), reps, series))
	}
	text := "Budgeted claims profile"
	if o.Budget > 0 {
		text += fmt.Sprintf(" (RTWASM_BUDGET %s)", o.Budget)
	}
	return text + " measured " + strings.Join(parts, "; ") +
		". Cut to fit the budget: every other kernel and, for total and prolonged, every other series and the repetitions beyond these (the paper: 25)."
}

func verdictCounts(list []claimVerdict) string {
	counts := map[string]int{}
	for _, v := range list {
		counts[v.Verdict]++
	}
	var parts []string
	for _, w := range []string{verdictHolds, verdictPartly, verdictFails, verdictConditions, verdictUndecided, verdictNotChecked} {
		if counts[w] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[w], w))
		}
	}
	return fmt.Sprintf("Of %d claims: %s.", len(list), strings.Join(parts, ", "))
}
