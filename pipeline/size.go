package pipeline

import (
	"fmt"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// A run's plan is streamed (trialplan.go), but its journal keeps every
// taken trial's samples in memory, so a plan far beyond any profile
// (RTWASM_REPS=1000000000: billions of trials) would grow until the OOM
// killer ends it. Plans above these limits are refused
// unless RTWASM_CONFIRM=1; the largest profile (tail, every runtime) plans
// about 150,000 trials and 230,000 samples.
const (
	maxTrials  = 500_000
	maxSamples = 2_000_000
)

// planSize counts a run's trials and samples from the options alone,
// without listing them; float64, so absurd options cannot overflow.
func planSize(o run.Options, exps []string, rts []runtimes.Runtime) (trials, samples float64) {
	for _, exp := range exps {
		series := 0
		for _, r := range rts {
			if seriesIn(exp, o, run.Series(r.ID(), r.ColdStart())) {
				series++
			}
		}
		n := float64(len(benchmarksFor(exp, o))) * float64(series) * float64(repsFor(exp, o))
		trials += n
		samples += n * float64(max(1, iterationsFor(exp, o)))
	}
	if StressOf(o) != StressNone { // every trial again, stressed
		trials, samples = 2*trials, 2*samples
	}
	return trials, samples
}

// checkSize refuses a plan above the limits unless o.Confirm.
func checkSize(o run.Options, exps []string, rts []runtimes.Runtime) error {
	trials, samples := planSize(o, exps, rts)
	if o.Confirm || (trials <= maxTrials && samples <= maxSamples) {
		return nil
	}
	return fmt.Errorf("the plan has %.4g trials and %.4g samples, above the limit of %d trials or %d samples that fit a run's memory; "+
		"lower RTWASM_REPS, RTWASM_PROLONGED_REPS or RTWASM_ITERATIONS (go tool mage plan shows the estimate), "+
		"or set RTWASM_CONFIRM=1 to run it anyway", trials, samples, maxTrials, maxSamples)
}
