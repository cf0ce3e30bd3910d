package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Adaptive sampling (RTWASM_PRECISION): the first round is the fixed plan
// (the profile's repetitions, a dimensioning round); after each round,
// every cell whose median's 95 % CI is wider than the target gets more
// trials — as many as the half-width's 1/√n shrinkage says it needs, at
// most doubling its count per round and never past the cap — and the next
// round's new trials are shuffled (seeded) and interleaved like the first.
// A prolonged cell is judged on its processes instead (Kalibera & Jones,
// stats.PlanLevels): the CI of the geometric mean over processes, and as
// many processes as its variance components need — at least two, since
// the jobs of one process share its state; the jobs per process they make
// optimal are recorded as advice.
// Rounds end when every cell met the target or its cap, or when the
// budget would be passed. Each round's counts go into the manifest before
// its first trial, so a resumed run replays them and decides the next
// round on the same samples: it continues the rounds, never duplicates.

// roundRun is what the rounds of one run share.
type roundRun struct {
	dir      string
	m        *run.Manifest
	o        run.Options
	b        *Builds
	j        *run.Journal
	done     map[string][]run.Sample
	log      io.Writer
	first    *trialPlan    // round 1: the fixed plan
	pace     time.Duration // wall time per trial in round 1 (0: unknown)
	deadline time.Time     // zero: no budget
}

// budgetReserveRounds is the share of the budget no round may start into:
// the report and estimate error need it.
const budgetReserveRounds = 0.10

// budgetDeadline is when a budgeted run must stop sampling (zero: never):
// the budget counts from when the options were read, so the build and
// the calibration are inside it.
func budgetDeadline(o run.Options) time.Time {
	if o.Budget <= 0 || o.Resume != "" {
		return time.Time{}
	}
	return budgetStart(o).Add(time.Duration(float64(o.Budget) * (1 - budgetReserveRounds)))
}

func budgetStart(o run.Options) time.Time {
	if o.Started.IsZero() {
		return time.Now()
	}
	return o.Started
}

// DefaultMaxRepsFactor is the cap of a cell without RTWASM_MAX_REPS: this
// many times the profile's repetitions.
const DefaultMaxRepsFactor = 4

// capFor is the most repetitions a cell of the experiment may get: the
// same multiple of the experiment's first-round repetitions as MaxReps is
// of Reps (prolonged processes scale with RTWASM_PROLONGED_REPS).
func capFor(exp string, o run.Options) int {
	first := repsFor(exp, o)
	if o.MaxReps <= 0 {
		return DefaultMaxRepsFactor * first
	}
	return max(first, int(math.Ceil(float64(o.MaxReps)*float64(first)/float64(max(o.Reps, 1)))))
}

// sampleRounds takes rounds after the first until every cell stops.
func sampleRounds(ctx context.Context, r roundRun) error {
	templates, reps := r.first.cells()
	offset, pace := r.first.Len(), r.pace
	for round := 0; ; round++ {
		var next map[string]int
		if round < len(r.m.Rounds) {
			next = r.m.Rounds[round].Reps // recorded before an interruption: replayed
		} else {
			var stops []run.CellStop
			stops, next = decideRound(r.o, templates, reps, r.done)
			if fitted := fitRound(templates, reps, next, pace, r.deadline); len(fitted) < len(next) || budgetSpent(r.o) {
				stops, next = unfitted(stops, fitted), fitted
				if len(next) == 0 { // the last round: cells never run were cut too
					stops = cutByBudget(stops, templates, reps, r.done)
				}
			}
			r.m.Sampling = stops
			if len(next) == 0 {
				fmt.Fprintf(r.log, "sampling: %s\n", describeStops(stops, r.o.Precision))
				if budgetSpent(r.o) || slices.ContainsFunc(stops, func(s run.CellStop) bool { return s.Stop == run.StopBudget }) {
					r.m.Planned = len(r.done) // the trials the budget cut were never taken: not missing
				}
				return run.WriteManifest(r.dir, *r.m)
			}
			r.m.Rounds = append(r.m.Rounds, run.Round{Reps: next})
		}
		trials := roundTrials(templates, reps, next)
		rand.New(rand.NewPCG(uint64(r.o.Seed), uint64(round+2))).Shuffle(len(trials), func(i, j int) { trials[i], trials[j] = trials[j], trials[i] })
		if kind := StressOf(r.o); kind != StressNone {
			trials = alternate(trials, kind, uint64(r.o.Seed)+uint64(round+2))
		}
		r.m.Planned += len(trials)
		if err := run.WriteManifest(r.dir, *r.m); err != nil {
			return err
		}
		fmt.Fprintf(r.log, "round %d: %d cells short of %s precision, %d more trials\n", round+2, len(next),
			formatPrecision(r.o.Precision), len(trials))
		order := make([]int, len(trials))
		for i := range order {
			order[i] = offset + i
		}
		before, t0 := len(r.done), time.Now()
		if err := measureTrials(ctx, r.dir, r.m.RunID, seqOf(trials, order), len(trials), 0, r.b, r.o, r.j, r.done, r.log); err != nil && !errors.Is(err, errBudgetSpent) {
			return err
		}
		if n := len(r.done) - before; n > 0 {
			pace = time.Since(t0) / time.Duration(n)
		}
		offset += len(trials)
		for cell, n := range next {
			reps[cell] = n
		}
	}
}

// cellID is the trial's cell; a replicate belongs to its original's cell
// (it follows the original's repetitions, so the A/A stays balanced).
func (c trial) cellID() string {
	return run.CellID(c.exp, c.kernel.Name, run.Series(c.rt.ID(), c.rt.ColdStart()))
}

// decideRound measures every cell's precision and returns how each stands
// and the repetitions the next round gives the cells that go on.
func decideRound(o run.Options, templates map[string]trial, reps map[string]int, done map[string][]run.Sample) ([]run.CellStop, map[string]int) {
	var stops []run.CellStop
	next := map[string]int{}
	for _, id := range slices.Sorted(maps.Keys(templates)) {
		c, n := templates[id], reps[id]
		values, perTrial := cellValues(c, n, done)
		st := run.CellStop{Cell: id, Reps: n, HalfWidth: -1}
		h := stats.RelativeHalfWidth(values)
		need := 0
		if levels, ok := processLevels(c, n, done, o.Precision); ok {
			// Two or more processes: the processes are the units
			// (Kalibera & Jones), not their pooled jobs.
			h, need, st.JobsPerProcess = levels.HalfWidth, levels.Processes, levels.JobsPerProcess
		} else if c.exp == run.Prolonged && len(values) > 0 {
			// One process: its jobs share its state, so their CI says
			// nothing of the next process's; a second one is needed.
			h, need = math.Inf(1), 2
		}
		if !math.IsInf(h, 1) {
			st.HalfWidth = h
		}
		limit := capFor(c.exp, o)
		switch {
		case len(values) == 0:
			st.Stop = run.StopFailed
		case h <= o.Precision:
			st.Stop = run.StopPrecision
		case n >= limit:
			st.Stop = run.StopCap
		default:
			if need == 0 {
				need = int(math.Ceil(float64(stats.SamplesForPrecision(values, o.Precision)) / perTrial))
			}
			next[id] = min(limit, n+min(n, max(1, need-n)))
			if o.Budget > 0 { // a budget has no time for doubling steps: what the CI asks for, at once
				next[id] = min(limit, max(n+1, need))
			}
		}
		stops = append(stops, st)
	}
	return stops, next
}

// cellValues are a cell's measured values for its precision (ns) and how
// many values one trial gives: start-up, total time, or — prolonged —
// the jobs after each process's first half (the steady part, pooled).
func cellValues(c trial, reps int, done map[string][]run.Sample) ([]float64, float64) {
	var values []float64
	trials := 0
	for rep := 1; rep <= reps; rep++ {
		t := c
		t.rep = rep
		took := false
		for _, s := range done[t.key()] {
			if s.Status != run.StatusOK {
				continue
			}
			switch c.exp {
			case run.Startup:
				values, took = append(values, float64(s.StartupNS)), true
			case run.Total:
				values, took = append(values, float64(s.TotalNS)), true
			case run.Prolonged:
				if s.Iteration > s.Iterations/2 {
					values, took = append(values, float64(s.IterationNS)), true
				}
			}
		}
		if took {
			trials++
		}
	}
	return values, float64(len(values)) / float64(max(trials, 1))
}

// processLevels plans a prolonged cell's processes × jobs from its
// processes so far (stats.PlanLevels): a process costs its start-up and
// its first half's jobs (warm-up), a job its median steady time.
func processLevels(c trial, reps int, done map[string][]run.Sample, target float64) (stats.Levels, bool) {
	if c.exp != run.Prolonged {
		return stats.Levels{}, false
	}
	var steady [][]float64
	var fixed, jobs []float64
	for rep := 1; rep <= reps; rep++ {
		t := c
		t.rep = rep
		var process []float64
		cost := 0.0
		for _, s := range done[t.key()] {
			switch {
			case s.Status != run.StatusOK:
			case s.Iteration > s.Iterations/2:
				process = append(process, float64(s.IterationNS))
			default:
				cost += float64(s.IterationNS)
				if s.Iteration == 1 {
					cost += float64(s.StartupNS)
				}
			}
		}
		if len(process) > 0 {
			steady, fixed, jobs = append(steady, process), append(fixed, cost), append(jobs, process...)
		}
	}
	if len(steady) < 2 {
		return stats.Levels{}, false
	}
	return stats.PlanLevels(steady, stats.Median(fixed), stats.Median(jobs), target)
}

// roundTrials are the new trials of a round: each cell's repetitions past
// its current count, with its replicate's.
func roundTrials(templates map[string]trial, reps, next map[string]int) []trial {
	var trials []trial
	for _, id := range slices.Sorted(maps.Keys(next)) {
		c := templates[id]
		for c.rep = reps[id] + 1; c.rep <= next[id]; c.rep++ {
			trials = append(trials, withReplicate(c)...)
		}
	}
	return trials
}

// withReplicate is the trial, and its replicate when its series is one of
// run.ReplicatedSeries.
func withReplicate(c trial) []trial {
	if !slices.Contains(run.ReplicatedSeries, run.Series(c.rt.ID(), c.rt.ColdStart())) {
		return []trial{c}
	}
	r := c
	r.replicate = 1
	return []trial{c, r}
}

// stoppedByBudget marks every cell still short of its target as stopped by
// the budget.
func stoppedByBudget(stops []run.CellStop) []run.CellStop {
	for i, s := range stops {
		if s.Stop == "" {
			stops[i].Stop = run.StopBudget
		}
	}
	return stops
}

// describeStops counts how the cells' sampling ended.
func describeStops(stops []run.CellStop, precision float64) string {
	count := map[string]int{}
	for _, s := range stops {
		count[s.Stop]++
	}
	parts := []string{fmt.Sprintf("%d of %d cells met %s precision", count[run.StopPrecision], len(stops), formatPrecision(precision))}
	for _, stop := range []string{run.StopCap, run.StopBudget, run.StopFailed} {
		if count[stop] > 0 {
			parts = append(parts, fmt.Sprintf("%d stopped (%s)", count[stop], stop))
		}
	}
	return strings.Join(parts, ", ")
}

func formatPrecision(p float64) string { return fmt.Sprintf("±%g %%", 100*p) }
