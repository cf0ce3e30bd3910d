package pipeline

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/run"
)

// The host's side of a run: cpu_dma_latency held at 0 µs while samples are
// taken (no CPU sleeps in a state slower to leave; the kernel drops the
// limit when the file closes, so the run holds it itself), and the host's
// own wake-up latency measured by cyclictest before and after the samples.

// holdDMALatency holds cpu_dma_latency for the run; the note says whether
// it is held, for the manifest. Not being able to (not root) is recorded,
// never fatal.
func holdDMALatency(log io.Writer) (release func(), note string) {
	rel, err := host.HoldDMALatency("/")
	if err != nil {
		fmt.Fprintf(log, "cpu_dma_latency not held: %v\n", err)
		return func() {}, "not held: " + err.Error()
	}
	return func() { rel() }, "held at 0 µs by the run"
}

// hostLatency measures the floor for one phase when o asks for it (and
// the run does not have it yet, on a resume).
func hostLatency(ctx context.Context, phase string, o run.Options, have []host.Latency, log io.Writer) []host.Latency {
	if o.Cyclictest <= 0 || slices.ContainsFunc(have, func(l host.Latency) bool { return l.Phase == phase }) {
		return have
	}
	fmt.Fprintf(log, "host latency %s the run: cyclictest for %v on CPUs %s\n", phase, o.Cyclictest, orDefault(host.FormatCPUs(o.CPUs), "(unpinned)"))
	l := host.Cyclictest(ctx, phase, o.Cyclictest, o.CPUs, o.Sched)
	if l.Available {
		fmt.Fprintf(log, "  %d wake-ups: p99 %d µs, p99.9 %d µs, max %d µs\n", l.Cycles, l.P99US, l.P999US, l.MaxUS)
	} else {
		fmt.Fprintf(log, "  unavailable: %s\n", l.Reason)
	}
	return append(have, l)
}
