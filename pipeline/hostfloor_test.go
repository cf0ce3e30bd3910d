package pipeline

import (
	"context"
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/run"
)

// TestRunRecordsHostFloor: a run records the real-time readiness of its
// sampled CPUs at start, whether it held cpu_dma_latency, and with
// RTWASM_CYCLICTEST the host's latency before and after the samples
// (measured where cyclictest is installed, else unavailable with the reason).
func TestRunRecordsHostFloor(t *testing.T) {
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.CPUs, o.Cyclictest = []string{"atax"}, 2, []int{0}, time.Second
	dir, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, &fakeRuntime{id: "fake:good"}), []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m, err := run.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r := m.HostStart.RealTime; r == nil || len(r.Checks) != 10 || len(r.CPUs) != 1 {
		t.Errorf("readiness at start: %+v", r)
	}
	if m.DMALatency == "" {
		t.Error("the manifest does not say whether cpu_dma_latency was held")
	}
	if len(m.HostLatency) != 2 || m.HostLatency[0].Phase != "before" || m.HostLatency[1].Phase != "after" {
		t.Fatalf("host latency %+v, want before and after", m.HostLatency)
	}
	_, installed := exec.LookPath("cyclictest")
	for _, l := range m.HostLatency {
		if l.Available != (installed == nil) || !l.Available && l.Reason == "" || l.Available && l.Cycles < 100 {
			t.Errorf("%s: available %v (cyclictest installed: %v), %d wake-ups, reason %q", l.Phase, l.Available, installed == nil, l.Cycles, l.Reason)
		}
	}
	o.Cyclictest = 0
	dir, err = RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, &fakeRuntime{id: "fake:good"}), []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := run.ReadManifest(dir); len(m.HostLatency) != 0 {
		t.Errorf("RTWASM_CYCLICTEST off, yet %d measurements", len(m.HostLatency))
	}
}
