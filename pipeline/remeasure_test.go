package pipeline

import (
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// TestClaimRemeasures: every claim's command is valid options for the
// claims profile (names that drift from the catalogue or registry fail)
// and says what it sets; start-up claims run startup alone.
func TestClaimRemeasures(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range ClaimRemeasures() {
		if seen[r.Claim] {
			t.Errorf("claim %s listed twice", r.Claim)
		}
		seen[r.Claim] = true
		vars := r.Vars()
		o, err := ParseOptions(func(k string) string { return vars[k] })
		if err != nil {
			t.Errorf("%s: %v", r.Claim, err)
			continue
		}
		if o.Profile != ProfileClaims || !slices.Equal(o.Benchmarks, r.Benchmarks) || !slices.Equal(o.Runtimes, r.Runtimes) {
			t.Errorf("%s: options %s %v %v", r.Claim, o.Profile, o.Benchmarks, o.Runtimes)
		}
		cmd := r.Command()
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			if !strings.Contains(cmd, k+"="+vars[k]+" ") {
				t.Errorf("%s: command %q lacks %s=%s", r.Claim, cmd, k, vars[k])
			}
		}
		startupOnly := slices.Equal(r.Experiments, []string{run.Startup})
		if startupOnly != strings.HasSuffix(cmd, "go tool mage startup report") || !startupOnly && !strings.HasSuffix(cmd, "go tool mage all") {
			t.Errorf("%s: command %q for experiments %v", r.Claim, cmd, r.Experiments)
		}
	}
	if len(seen) != 9 {
		t.Errorf("%d claims; the verdict judges 9", len(seen))
	}
}

// TestEstimateFromHistory: only the options' runtimes count; without
// history there is no estimate, with it a wall time; nothing is measured.
func TestEstimateFromHistory(t *testing.T) {
	ctx := context.Background()
	a, b := &fakeRuntime{id: "fake:a"}, &fakeRuntime{id: "fake:b"}
	builds := fakeBuilds([]string{"gemm"}, a, b)
	o := testOptions(t)
	o.Benchmarks, o.Runtimes, o.Reps = []string{"gemm"}, []string{"fake:a"}, 4
	p := Estimate(ctx, o, builds, []string{run.Startup})
	if len(p.Lines) != 1 || p.Lines[0].Series != "fake:a" || p.Lines[0].Trials != 4 {
		t.Fatalf("plan lines %+v; want 4 startup trials of fake:a only", p.Lines)
	}
	if s := p.Summary(); !strings.HasPrefix(s, "no estimate yet") {
		t.Errorf("without history: %q", s)
	}
	// One earlier run of fake:a gives it a fixed cost.
	h := o
	h.Runtimes, h.Reps = []string{"fake:a"}, 2
	if _, err := RunExperiments(ctx, h, builds, []string{run.Startup}, io.Discard); err != nil {
		t.Fatal(err)
	}
	before, beforeB := a.count(), b.count()
	if s := Estimate(ctx, o, builds, []string{run.Startup}).Summary(); !strings.HasPrefix(s, "about ") || !strings.Contains(s, "4 trials") {
		t.Errorf("with history: %q", s)
	}
	// A total trial of a kernel with no job time here is no estimate.
	if s := Estimate(ctx, o, builds, []string{run.Startup, run.Total}).Summary(); !strings.HasPrefix(s, "no estimate yet (4 of 8 trials") {
		t.Errorf("with a total of unknown work: %q", s)
	}
	if a.count() != before || b.count() != beforeB {
		t.Errorf("Estimate ran trials: fake:a %d → %d, fake:b %d → %d", before, a.count(), beforeB, b.count())
	}
}
