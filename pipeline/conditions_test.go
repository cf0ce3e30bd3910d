package pipeline

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
)

// TestSamplesRecordConditions: a sample records the launch conditions as
// applied (policy, mlock, stack) and the OS counters of its process for
// native, a WASM runtime in both models, and a container (runc); docker
// marks its counters unavailable; hardware counters are -1 with a reason
// on a host without a PMU.
func TestSamplesRecordConditions(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("SCHED_FIFO needs root")
	}
	ctx := context.Background()
	o := testOptions(t)
	o.Benchmarks = []string{"atax"}
	o.Runtimes = []string{"native:musl", "wazero:interp", "node:tiered", "runc:bundle", "docker:engine"}
	o.Sched, o.Stack, o.Mlock = "fifo:50", 4<<20, true
	b, err := Build(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(b.Runtimes)
	k, _ := kernels.Lookup("atax")
	for _, r := range b.Runtimes {
		series := run.Series(r.ID(), r.ColdStart())
		t.Run(series, func(t *testing.T) {
			if p := b.Probe(ctx, r); !p.Available {
				t.Skipf("not on this host: %s", p.Reason)
			}
			rows := measure(ctx, "test", trial{exp: run.Total, kernel: k, rt: r, rep: 1, iterations: 1}, b, o)
			s := rows[0]
			if s.Status != run.StatusOK {
				t.Fatalf("sample failed: %s", s.Error)
			}
			t.Logf("sched %q mlock %q stack %d faults %d/%d switches %d/%d rss %d KiB user %d sys %d ns; hw %d %q",
				s.Sched, s.Mlock, s.Stack, s.MinorFaults, s.MajorFaults, s.VoluntarySwitch, s.InvoluntarySwitch, s.MaxRSSKB, s.UserNS, s.SystemNS, s.Instructions, s.HWNote)
			wantSched, wantMlock, counted := "fifo:50", "on", true
			switch r.ID() {
			case "node:tiered":
				wantMlock = "n/a"
			case "runc:bundle":
				wantSched, wantMlock = "other (fifo:50 not applied: the container's cgroup has no real-time CPU budget)", "n/a"
			case "docker:engine":
				wantSched, wantMlock, counted = "n/a", "n/a", false
			}
			if s.Sched != wantSched || s.Mlock != wantMlock || s.Stack != 4<<20 {
				t.Errorf("conditions sched %q mlock %q stack %d; want %q, %q, %d", s.Sched, s.Mlock, s.Stack, wantSched, wantMlock, 4<<20)
			}
			if counted && (s.MinorFaults <= 0 || s.MaxRSSKB <= 0 || s.UserNS+s.SystemNS <= 0) {
				t.Errorf("OS counters not recorded")
			}
			if !counted && (s.MinorFaults != -1 || s.MaxRSSKB != -1 || s.HWNote == "") {
				t.Errorf("docker's counters should be unavailable (-1) with a reason")
			}
			if s.Instructions != -1 || s.Cycles != -1 || s.CacheMisses != -1 || s.HWNote == "" {
				t.Errorf("hardware counters %d/%d/%d %q; want -1 with a reason here", s.Instructions, s.Cycles, s.CacheMisses, s.HWNote)
			}
		})
	}
}
