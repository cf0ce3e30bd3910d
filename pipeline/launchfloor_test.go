package pipeline

import (
	"context"
	"io"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// TestLaunchFloorRecorded: a run's launch floor has a positive floor
// for the C launcher, a native series and an embedded engine in both
// models, each ordered min ≤ median ≤ max (never compared with another:
// on a loaded host any one of them may be slower).
func TestLaunchFloorRecorded(t *testing.T) {
	ctx := context.Background()
	o := testOptions(t)
	o.Benchmarks = []string{"atax"}
	o.Runtimes = []string{"native:musl", "wazero:interp"}
	b, err := Build(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	probes := probeAll(ctx, b, new(run.Manifest), io.Discard)
	c := measureLaunchFloor(ctx, o, b, probes, t.Output())
	want := map[string]bool{"posix_spawn launcher": false, "native:musl": false, "wazero:interp": false, "wazero:interp (embedded)": false}
	for _, f := range c.Floors {
		t.Logf("%-28s median %8d ns  min %8d  max %8d  %s", f.Path, f.MedianNS, f.MinNS, f.MaxNS, f.Error)
		if f.Error != "" || f.MedianNS <= 0 || f.MinNS > f.MedianNS || f.MedianNS > f.MaxNS {
			t.Errorf("floor %+v", f)
		}
		if _, ok := want[f.Path]; ok {
			want[f.Path] = true
		}
	}
	for path, seen := range want {
		if !seen {
			t.Errorf("no floor for %s (have %+v; note %q)", path, c.Floors, c.Note)
		}
	}
}
