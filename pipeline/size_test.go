package pipeline

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// TestGiantPlanRefused: RTWASM_REPS=1000000000 is refused before any run
// directory exists (counted, not listed: the test would run out of memory
// otherwise), naming RTWASM_CONFIRM; RTWASM_CONFIRM takes only 0 or 1.
func TestGiantPlanRefused(t *testing.T) {
	rt := &fakeRuntime{id: "fake:good"}
	b := fakeBuilds([]string{"gemm", "atax"}, rt)
	o := testOptions(t)
	o.Benchmarks, o.Reps = []string{"gemm", "atax"}, 1_000_000_000
	_, err := RunExperiments(context.Background(), o, b, run.AllExperiments, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "RTWASM_CONFIRM=1") || !strings.Contains(err.Error(), "4e+09 trials") {
		t.Fatalf("a plan of 4e9 trials: %v, want a refusal naming its size and RTWASM_CONFIRM", err)
	}
	if entries, _ := os.ReadDir(o.DataDir); len(entries) > 0 || rt.count() > 0 {
		t.Errorf("the refused plan left %d entries in the data dir and took %d samples", len(entries), rt.count())
	}
	if _, _, err := ListFleetTrials(context.Background(), o, b, run.AllExperiments, 2, io.Discard); err == nil || !strings.Contains(err.Error(), "RTWASM_CONFIRM") {
		t.Errorf("a giant fleet plan: %v, want a refusal", err)
	}
	o.Reps, o.Iterations = 3, 500_000_000 // few trials, too many samples
	if err := checkSize(o, run.AllExperiments, b.Runtimes); err == nil {
		t.Error("a plan of 1e9 prolonged samples passed")
	}
	o.Confirm = true
	if err := checkSize(o, run.AllExperiments, b.Runtimes); err != nil {
		t.Errorf("confirmed: %v", err)
	}
	o.Iterations = 5
	o.Confirm = false
	if err := checkSize(o, run.AllExperiments, b.Runtimes); err != nil {
		t.Errorf("a small plan refused: %v", err)
	}
	for v, want := range map[string]bool{"": false, "0": false, "1": true} {
		got, err := ParseOptions(func(k string) string { return map[string]string{"RTWASM_CONFIRM": v}[k] })
		if err != nil || got.Confirm != want {
			t.Errorf("RTWASM_CONFIRM=%q: %v %v", v, got.Confirm, err)
		}
	}
	if _, err := ParseOptions(func(k string) string { return map[string]string{"RTWASM_CONFIRM": "yes"}[k] }); err == nil || !strings.Contains(err.Error(), "want 1 or 0") {
		t.Errorf("RTWASM_CONFIRM=yes: %v, want the valid values", err)
	}
}

// Every profile with every runtime fits the limits.
func TestProfilesFitSizeLimit(t *testing.T) {
	b := fakeBuilds(nil)
	b.Runtimes = Registry(runtimes.Env{})
	for name, p := range Profiles {
		o := p
		o.Benchmarks = kernels.Names()
		if name == "tail" {
			o.Benchmarks = tailKernels
		}
		if err := checkSize(o, run.AllExperiments, b.Runtimes); err != nil {
			t.Errorf("profile %s: %v", name, err)
		}
	}
}

// TestGiantConfirmedRunStops: a confirmed plan of a billion trials starts
// at once (streamed: a list of them would run out of memory first), stops
// on an interrupt as the run's context is canceled, marked interrupted
// with the plan's full size, and resumes from its journal.
func TestGiantConfirmedRunStops(t *testing.T) {
	rt := &fakeRuntime{id: "fake:good"}
	b := fakeBuilds([]string{"gemm"}, rt)
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Confirm = []string{"gemm"}, 1_000_000_000, true
	for resume := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		start := rt.count()
		go func() { // cancel once a few trials are taken
			for rt.count() < start+20 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		dir, err := RunExperiments(ctx, o, b, []string{run.Startup}, io.Discard)
		cancel()
		var ie *InterruptedError
		if !errors.As(err, &ie) || ie.Planned != 1_000_000_000 || ie.Taken < 19 {
			t.Fatalf("run %d: %v; want interrupted with 19 or more of 1e9 trials taken (20 launched, the one in flight discarded)", resume, err)
		}
		m, err := run.ReadManifest(dir)
		if err != nil || m.State != run.StateInterrupted {
			t.Fatalf("run %d: manifest %v, %v; want interrupted", resume, m.State, err)
		}
		if resume == 1 && ie.Taken < 38 {
			t.Errorf("resumed run has %d trials; want the first invocation's 19+ and 19+ more", ie.Taken)
		}
		o.Resume = m.RunID
	}
}
