package pipeline

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// TestEmbeddedModelSurvivesEndlessKernel: an endless module times out and
// kills the embedded server; the next request starts a fresh one, and every
// other sample of the embedded model is measured and labelled as such.
func TestEmbeddedModelSurvivesEndlessKernel(t *testing.T) {
	good := builtKernels(t)
	set, err := toolchain.Resolve(context.Background(), toolchain.Config{}, toolchain.Wasm)
	if err != nil {
		t.Fatal(err)
	}
	endless, err := toolchain.Build(context.Background(), set[toolchain.Wasm], toolchain.Job{Name: "endless",
		Sources: map[string][]byte{"endless.c": []byte("int main(void) { volatile int x = 0; for (;;) x++; }\n")}}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := *good
	b.Artifacts, b.Prepared = map[string]toolchain.Artifact{"gemm/wasm32-wasi": endless}, map[string]string{}
	b.Artifacts["atax/wasm32-wasi"] = good.Artifacts["atax/wasm32-wasi"]
	b.Runtimes = nil
	for _, r := range Registry(good.Env) {
		if r.ColdStart() == run.ColdEmbedded && (r.ID() == "wazero:compiler" || r.ID() == "wasmtime:cranelift") {
			b.Runtimes = append(b.Runtimes, r)
		}
	}
	if len(b.Runtimes) != 2 {
		t.Fatalf("found %d embedded runtimes, want 2", len(b.Runtimes))
	}
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.Iterations, o.Timeout = []string{"gemm", "atax"}, 2, 2, 2*time.Second
	dir, err := RunExperiments(context.Background(), o, &b, []string{run.Startup, run.Prolonged}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := run.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, s := range rows {
		switch {
		case s.ColdStart != run.ColdEmbedded:
			t.Errorf("row of %s labelled %q", s.Runtime, s.ColdStart)
		case s.Benchmark == "gemm" && (s.Status != run.StatusError || !strings.Contains(s.Error, "timeout")):
			t.Errorf("endless %s: %s %q, want a timeout error", s.Runtime, s.Status, s.Error)
		case s.Benchmark == "atax" && (s.Status != run.StatusOK || s.StartupNS <= 0):
			t.Errorf("atax on %s: %s %q, startup %d", s.Runtime, s.Status, s.Error, s.StartupNS)
		case s.Benchmark == "atax":
			ok++
		}
	}
	series := len(b.Runtimes)
	for _, r := range b.Runtimes {
		if slices.Contains(run.ReplicatedSeries, run.Series(r.ID(), r.ColdStart())) {
			series++ // the true A/A's replicate is measured too
		}
	}
	if want := series * (2 + 2); ok != want { // series × (2 startup + 1 prolonged × 2 iterations)
		t.Errorf("%d ok atax rows, want %d", ok, want)
	}
}
