package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// noisyStartup spreads start-up over 1–100 µs, deterministically.
func noisyStartup(n int) int64 { return 1000 + int64((n*7919)%100)*1000 }

// TestRoundsQuietStopsNoisyCaps: with a 5 % target, a quiet cell stops
// after the first round and a noisy one at its cap, and the manifest and
// rows say so.
func TestRoundsQuietStopsNoisyCaps(t *testing.T) {
	quiet := &fakeRuntime{id: "fake:quiet"}
	noisy := &fakeRuntime{id: "fake:noisy", startup: noisyStartup}
	b := fakeBuilds([]string{"gemm", "atax"}, quiet, noisy)
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Precision, o.MaxReps = []string{"gemm", "atax"}, 6, 0.05, 14
	dir, err := RunExperiments(context.Background(), o, b, []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	assertReps(t, rows, map[string]int{"fake:quiet": 6, "fake:noisy": 14})
	stops := map[string]run.CellStop{}
	for _, s := range m.Sampling {
		stops[s.Cell] = s
	}
	q, n := stops[run.CellID(run.Startup, "gemm", "fake:quiet")], stops[run.CellID(run.Startup, "gemm", "fake:noisy")]
	if q.Stop != run.StopPrecision || q.Reps != 6 || q.HalfWidth != 0 {
		t.Errorf("quiet cell: %+v, want stopped by precision after 6", q)
	}
	if n.Stop != run.StopCap || n.Reps != 14 || !(n.HalfWidth > o.Precision) {
		t.Errorf("noisy cell: %+v, want stopped at the cap of 14 short of the target", n)
	}
	// Rounds 2 and 3: 6 → 12 (at most doubling) → 14 (the cap).
	if len(m.Rounds) != 2 || m.Rounds[0].Reps[n.Cell] != 12 || m.Rounds[1].Reps[n.Cell] != 14 || m.Planned != len(rows) {
		t.Errorf("rounds %v, planned %d of %d rows", m.Rounds, m.Planned, len(rows))
	}
}

// TestRoundsResumeContinues: a run interrupted in its second round resumes
// into the same rounds: every repetition once, none past the cap.
func TestRoundsResumeContinues(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	noisy := &fakeRuntime{id: "fake:noisy", startup: noisyStartup}
	noisy.fail = func(string, []string) error {
		if noisy.runs == 9 { // in round 2 (round 1 is 2 kernels × 4)
			cancel()
			return errors.New("killed")
		}
		return nil
	}
	b := fakeBuilds([]string{"gemm", "atax"}, noisy)
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Precision, o.MaxReps = []string{"gemm", "atax"}, 4, 0.05, 10
	dir, err := RunExperiments(ctx, o, b, []string{run.Startup}, io.Discard)
	var interrupted *InterruptedError
	if !errors.As(err, &interrupted) {
		t.Fatalf("want an interruption, got %v", err)
	}
	m, _ := run.ReadManifest(dir)
	if len(m.Rounds) != 1 {
		t.Fatalf("interrupted in round 2, but the manifest has %d rounds", len(m.Rounds))
	}
	noisy.fail = nil
	o.Resume = interrupted.RunID
	if _, err := RunExperiments(context.Background(), o, b, []string{run.Startup}, io.Discard); err != nil {
		t.Fatal(err)
	}
	_, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	assertReps(t, rows, map[string]int{"fake:noisy": 10})
}

// assertReps checks every benchmark × series has repetitions 1…want, once each.
func assertReps(t *testing.T, rows []run.Sample, want map[string]int) {
	t.Helper()
	reps := map[string][]int{}
	for _, s := range rows {
		k := s.Benchmark + " " + s.Series()
		reps[k] = append(reps[k], int(s.Rep))
	}
	for k, got := range reps {
		slices.Sort(got)
		series := k[strings.Index(k, " ")+1:]
		var expect []int
		for i := 1; i <= want[series]; i++ {
			expect = append(expect, i)
		}
		if !slices.Equal(got, expect) {
			t.Errorf("%s: repetitions %v, want 1…%d once each", k, got, want[series])
		}
	}
	if len(reps) != 2*len(want) {
		t.Errorf("cells %v", slices.Sorted(func(yield func(string) bool) {
			for k := range reps {
				if !yield(fmt.Sprint(k)) {
					return
				}
			}
		}))
	}
}

// TestPlanReplicates: a replicated series gets a second, interleaved trial
// per repetition, marked replicate; other series do not.
func TestPlanReplicates(t *testing.T) {
	musl := &fakeRuntime{id: "native:musl"}
	other := &fakeRuntime{id: "fake:other"}
	o := testOptions(t)
	o.Benchmarks, o.Reps = []string{"gemm"}, 3
	p, _, err := listTrials("r", o, []string{run.Startup}, []runtimes.Runtime{musl, other}, []runtimes.Probe{{Available: true}, {Available: true}})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, c := range p.All() {
		count[c.seriesName()]++
	}
	if count["native:musl"] != 3 || count["native:musl replicate"] != 3 || count["fake:other"] != 3 || len(count) != 3 {
		t.Errorf("trials per series %v; want 3 each for native:musl, its replicate and fake:other", count)
	}
}

// TestRoundsProlongedLevels: a prolonged cell of two processes is judged on
// its processes (Kalibera & Jones) and records the jobs per process the
// plan finds optimal.
func TestRoundsProlongedLevels(t *testing.T) {
	b := fakeBuilds([]string{"gemm"}, &fakeRuntime{id: "fake:quiet"})
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations, o.Precision = []string{"gemm"}, 6, 2, 8, 0.05
	dir, err := RunExperiments(context.Background(), o, b, []string{run.Prolonged}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m, err := run.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Identical processes: the between-process variance is 0, so every
	// measured job (the second half: 4) is worth keeping.
	if len(m.Sampling) != 1 || m.Sampling[0].Stop != run.StopPrecision || m.Sampling[0].Reps != 2 || m.Sampling[0].JobsPerProcess != 4 {
		t.Errorf("sampling %+v", m.Sampling)
	}
}

// TestRoundsOneProcessIsNotEnough: a prolonged cell of one quiet process
// gets a second one: one process's jobs are not independent samples.
func TestRoundsOneProcessIsNotEnough(t *testing.T) {
	b := fakeBuilds([]string{"gemm"}, &fakeRuntime{id: "fake:quiet"})
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations, o.Precision = []string{"gemm"}, 6, 1, 12, 0.05
	dir, err := RunExperiments(context.Background(), o, b, []string{run.Prolonged}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := run.ReadManifest(dir)
	if len(m.Sampling) != 1 || m.Sampling[0].Reps != 2 || m.Sampling[0].Stop != run.StopPrecision || len(m.Rounds) != 1 {
		t.Errorf("sampling %+v, rounds %v; want a second process, then precise", m.Sampling, m.Rounds)
	}
}
