package pipeline

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// lateRuntime finishes cleanly, but only after its deadline has passed (a
// process that exits in the race with its kill), or reports a span over
// the limit.
type lateRuntime struct {
	fakeRuntime
	waitDeadline bool
}

func (l *lateRuntime) Run(ctx context.Context, module string, args []string) runtimes.Result {
	if l.waitDeadline {
		<-ctx.Done()
	}
	return l.fakeRuntime.Run(ctx, module, args)
}

// TestTimeoutRaceNeverOK: a trial over its limit is an error row naming
// the limit, whichever clock saw it: the deadline (passed when the runtime
// returned) or the trial's own span (launch → end of main).
func TestTimeoutRaceNeverOK(t *testing.T) {
	for _, c := range []struct {
		name    string
		rt      *lateRuntime
		timeout time.Duration
	}{
		{"deadline passed", &lateRuntime{fakeRuntime{id: "fake:late"}, true}, time.Millisecond},
		{"span over the limit", &lateRuntime{fakeRuntime{id: "fake:long"}, false}, 500 * time.Nanosecond}, // the fake's span is 1,010 ns and more
	} {
		t.Run(c.name, func(t *testing.T) {
			o := testOptions(t)
			o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations, o.Timeout = []string{"gemm"}, 2, 1, 3, c.timeout
			dir, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, c.rt), run.AllExperiments, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			_, rows, err := run.ReadRun(dir)
			if err != nil || len(rows) != 2+2+1 {
				t.Fatalf("%d rows (%v), want one per trial", len(rows), err)
			}
			for _, s := range rows {
				if s.Status != run.StatusError || !strings.Contains(s.Error, "timed out") || !strings.Contains(s.Error, "RTWASM_TIMEOUT") {
					t.Errorf("%s rep %d: %s %q, want a timeout error row", s.Experiment, s.Rep, s.Status, s.Error)
				}
			}
			// A run whose trials all timed out gives plan nothing to estimate from.
			if h := loadHistory(o.DataDir); h.runs != 0 || len(h.fixed) != 0 || len(h.job) != 0 || len(h.setup) != 0 {
				t.Errorf("history from a run of timeouts: %d runs, %v fixed, %v jobs, %v set-up", h.runs, h.fixed, h.job, h.setup)
			}
		})
	}
	// Within its limit the same runtime is recorded ok.
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Timeout = []string{"gemm"}, 1, time.Minute
	dir, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, &lateRuntime{fakeRuntime{id: "fake:long"}, false}), []string{run.Startup}, io.Discard)
	if _, rows, rerr := run.ReadRun(dir); err != nil || rerr != nil || len(rows) != 1 || rows[0].Status != run.StatusOK {
		t.Errorf("a trial within its limit: %+v (%v %v), want ok", rows, err, rerr)
	}
}
