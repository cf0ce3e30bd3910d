package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestDecidePolicy(t *testing.T) {
	if p := decidePolicy(2, 80*time.Millisecond); p.Mode != policyRace || p.Budget != 0 || p.CPUs != 2 {
		t.Errorf("two CPUs: %+v, want race without a budget", p)
	}
	if p := decidePolicy(1, 80*time.Millisecond); p.Mode != policyProbe || p.Budget != 80*time.Millisecond {
		t.Errorf("one CPU: %+v, want probe with the expected compile as budget", p)
	}
}

func TestCodeSectionSize(t *testing.T) {
	header := []byte("\x00asm\x01\x00\x00\x00")
	typeSec := []byte{1, 4, 1, 0x60, 0, 0}
	code := append([]byte{10, 0x81, 0x01}, bytes.Repeat([]byte{0}, 129)...) // LEB128 size 129
	if got := codeSectionSize(append(append(append([]byte{}, header...), typeSec...), code...)); got != 129 {
		t.Errorf("code section size %d, want 129", got)
	}
	truncated := append(append([]byte{}, header...), 10, 50, 0)
	if got := codeSectionSize(truncated); got != len(truncated) {
		t.Errorf("truncated module: %d, want the whole size %d", got, len(truncated))
	}
	if d := expectedCompile(append(append([]byte{}, header...), code...), 1000); d != 129*time.Microsecond {
		t.Errorf("expected compile %v, want 129µs", d)
	}
}

// policyTier is a fake tier whose jobs listed in long run until their
// context is cancelled (an abandoned job is recorded with a "!").
type policyTier struct {
	name    string
	jobs    *[]string
	long    map[int]bool
	onShort func() // after each job that is not long
}

func (p policyTier) start(ctx context.Context, args []string, stdout, stderr io.Writer) (instance, error) {
	fakeStartup(stdout)
	return policyInstance{p}, nil
}

func (p policyTier) close(context.Context) {}

type policyInstance struct{ policyTier }

func (p policyInstance) call(ctx context.Context, name string) error {
	if name != "rtwasm_job" {
		return nil
	}
	if !p.long[len(*p.jobs)+1] {
		*p.jobs = append(*p.jobs, p.name)
		if p.onShort != nil {
			p.onShort()
		}
		return nil
	}
	select {
	case <-ctx.Done():
		*p.jobs = append(*p.jobs, p.name+"!")
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return errors.New("the policy never abandoned the long job")
	}
}

// runPolicy runs the fake hybrid and returns the tiers and policy it reported.
func runPolicy(t *testing.T, h hybridEngine, iterations int) (tiers string, policy string) {
	t.Helper()
	tl := runFakeHybrid(t, h, iterations)
	return strings.Join(tl.Tiers, ","), tl.Policy
}

// TestRaceAbandonsLongFastJob: two CPUs; job 1 outlasts the compile, so it
// is abandoned and rerun optimized.
func TestRaceAbandonsLongFastJob(t *testing.T) {
	var jobs []string
	h := hybridEngine{cpus: 2,
		fast: func(context.Context, []byte) (tier, error) {
			return policyTier{"fast", &jobs, map[int]bool{1: true}, nil}, nil
		},
		opt: func(context.Context, []byte) (tier, error) {
			time.Sleep(20 * time.Millisecond)
			return policyTier{"opt", &jobs, nil, nil}, nil
		},
	}
	tiers, policy := runPolicy(t, h, 3)
	if got := strings.Join(jobs, ","); got != "fast!,opt,opt,opt" {
		t.Fatalf("jobs ran %s, want fast!,opt,opt,opt", got)
	}
	if tiers != "opt,opt,opt" || !strings.HasPrefix(policy, "race cpus=2 ") || !strings.Contains(policy, "abandoned_job=1 compile_nice=") {
		t.Fatalf("tiers %s, policy %q", tiers, policy)
	}
}

// TestRaceKeepsShortFastJob: job 1 ends before the compile, so it counts.
func TestRaceKeepsShortFastJob(t *testing.T) {
	var jobs []string
	release := make(chan struct{})
	h := hybridEngine{cpus: 2,
		fast: func(context.Context, []byte) (tier, error) {
			return policyTier{"fast", &jobs, nil, func() { close(release) }}, nil
		},
		opt: func(context.Context, []byte) (tier, error) {
			<-release
			return policyTier{"opt", &jobs, nil, nil}, nil
		},
	}
	tiers, policy := runPolicy(t, h, 1)
	if tiers != "fast" || !strings.Contains(policy, "abandoned_job=0 compile_nice=") {
		t.Fatalf("tiers %s, policy %q", tiers, policy)
	}
}

// TestProbeCompilesAfterShortJob: one CPU; a job within the budget runs
// alone (no compile meanwhile), the compile starts after it.
func TestProbeCompilesAfterShortJob(t *testing.T) {
	var jobs []string
	h := hybridEngine{cpus: 1, compileNSPerByte: float64(time.Second) / 4, // the 4-byte module: 1 s budget
		fast: func(context.Context, []byte) (tier, error) { return policyTier{"fast", &jobs, nil, nil}, nil },
		opt: func(context.Context, []byte) (tier, error) {
			if len(jobs) == 0 {
				t.Error("the compile started before the probe job ended")
			}
			return policyTier{"opt", &jobs, nil, nil}, nil
		},
	}
	tiers, policy := runPolicy(t, h, 1)
	if tiers != "fast" || !strings.HasPrefix(policy, "probe cpus=1 budget_ns=1000000000 abandoned_job=0 compile_nice=10 compile_cpu=shared compile_cpu_ns=") ||
		!strings.HasSuffix(policy, " compile_clock=none boundary=none") {
		t.Fatalf("tiers %s, policy %q", tiers, policy)
	}
}

// TestProbeAbandonsAtBudget: one CPU; job 1 outlasts the budget, is
// abandoned, the compile runs alone and job 1 reruns optimized.
func TestProbeAbandonsAtBudget(t *testing.T) {
	var jobs []string
	h := hybridEngine{cpus: 1, compileNSPerByte: float64(5 * time.Millisecond),
		fast: func(context.Context, []byte) (tier, error) {
			return policyTier{"fast", &jobs, map[int]bool{1: true}, nil}, nil
		},
		opt: func(context.Context, []byte) (tier, error) {
			if len(jobs) != 1 || jobs[0] != "fast!" {
				t.Errorf("the compile started while the probe ran (jobs %v)", jobs)
			}
			return policyTier{"opt", &jobs, nil, nil}, nil
		},
	}
	tiers, policy := runPolicy(t, h, 2)
	if got := strings.Join(jobs, ","); got != "fast!,opt,opt" || tiers != "opt,opt" || !strings.HasPrefix(policy, "probe cpus=1 budget_ns=20000000 ") ||
		!strings.Contains(policy, "abandoned_job=1 compile_nice=") {
		t.Fatalf("jobs %s, tiers %s, policy %q", got, tiers, policy)
	}
}

// TestAbandonedJobRerunsFastWhenOptimizedFails: the optimized instance
// cannot start, so the abandoned job reruns on a fresh fast instance.
func TestAbandonedJobRerunsFastWhenOptimizedFails(t *testing.T) {
	var jobs []string
	h := hybridEngine{cpus: 1, compileNSPerByte: float64(time.Millisecond),
		fast: func(context.Context, []byte) (tier, error) {
			return policyTier{"fast", &jobs, map[int]bool{1: true}, nil}, nil
		},
		opt: func(context.Context, []byte) (tier, error) { return failingTier{}, nil },
	}
	tl := runFakeHybrid(t, h, 2)
	if got := strings.Join(jobs, ","); got != "fast!,fast,fast" || tl.Switch != 0 || !strings.Contains(tl.Note, "failed to start") {
		t.Fatalf("jobs %s, switch %d, note %q", got, tl.Switch, tl.Note)
	}
}

type failingTier struct{}

func (failingTier) start(context.Context, []string, io.Writer, io.Writer) (instance, error) {
	return nil, errors.New("no memory for the instance")
}
func (failingTier) close(context.Context) {}
