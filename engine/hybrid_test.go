package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/harness"
)

// fakeTier stands in for a compiled module: its start-up prints a valid
// harness protocol and each job calls onJob, so the tests control timing.
type fakeTier struct {
	name  string
	jobs  *[]string
	onJob func(job int)
}

func (f fakeTier) start(ctx context.Context, args []string, stdout, stderr io.Writer) (instance, error) {
	fakeStartup(stdout)
	return fakeInstance{f}, nil
}

// fakeStartup prints a start-up-only run's harness protocol.
func fakeStartup(stdout io.Writer) {
	now := time.Now().UnixNano()
	fmt.Fprintf(stdout, "rtwasm main_start %d\nrtwasm main_end %d\n", now, now+1)
}

func (f fakeTier) close(context.Context) {}

type fakeInstance struct{ fakeTier }

func (f fakeInstance) call(ctx context.Context, name string) error {
	if name == "rtwasm_job" {
		*f.jobs = append(*f.jobs, f.name)
		if f.onJob != nil {
			f.onJob(len(*f.jobs))
		}
	}
	return nil
}

func runFakeHybrid(t *testing.T, h hybridEngine, iterations int) harness.Timeline {
	t.Helper()
	var out bytes.Buffer
	status, err := h.Run(context.Background(), moduleFile(t), []string{"--iterations", fmt.Sprint(iterations)}, &out, io.Discard)
	if err != nil || status != 0 {
		t.Fatalf("status %d, error %v", status, err)
	}
	tl, err := harness.ParseTimeline(out.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return tl
}

// TestHybridSwitchesAtFirstBoundaryAfterReady: the optimized compile is held
// until job 2 has run; jobs 1–2 run fast, job 3 onwards optimized.
func TestHybridSwitchesAtFirstBoundaryAfterReady(t *testing.T) {
	var jobs []string
	release, compiled := make(chan struct{}), make(chan struct{})
	// two CPUs and a 4 s expected compile: job 2, far shorter, runs fast
	h := hybridEngine{cpus: 2, compileNSPerByte: float64(time.Second),
		fast: func(context.Context, []byte) (tier, error) {
			return fakeTier{"fast", &jobs, func(job int) {
				if job == 2 {
					close(release)
					<-compiled
					time.Sleep(50 * time.Millisecond) // let the compile goroutine deliver its result
				}
			}}, nil
		},
		opt: func(context.Context, []byte) (tier, error) {
			<-release
			defer close(compiled)
			return fakeTier{"opt", &jobs, nil}, nil
		},
	}
	tl := runFakeHybrid(t, h, 5)
	if got := strings.Join(jobs, ","); got != "fast,fast,opt,opt,opt" {
		t.Fatalf("jobs ran on %s, want fast,fast,opt,opt,opt", got)
	}
	if tl.Switch != 3 || strings.Join(tl.Tiers, ",") != "fast,fast,opt,opt,opt" || tl.OptCompileNS <= 0 {
		t.Fatalf("reported switch %d, tiers %v, compile %d ns", tl.Switch, tl.Tiers, tl.OptCompileNS)
	}
}

// TestHybridFailedOptimizedCompileStaysFast: the run completes on the fast
// tier and says why.
func TestHybridFailedOptimizedCompileStaysFast(t *testing.T) {
	var jobs []string
	h := hybridEngine{
		fast: func(context.Context, []byte) (tier, error) { return fakeTier{"fast", &jobs, nil}, nil },
		opt:  func(context.Context, []byte) (tier, error) { return nil, errors.New("out of memory in codegen") },
	}
	tl := runFakeHybrid(t, h, 4)
	if got := strings.Join(jobs, ","); got != "fast,fast,fast,fast" {
		t.Fatalf("jobs ran on %s", got)
	}
	if tl.Switch != 0 || !strings.Contains(tl.Note, "out of memory in codegen") || len(tl.IterationEnds) != 4 {
		t.Fatalf("switch %d, note %q, %d iterations", tl.Switch, tl.Note, len(tl.IterationEnds))
	}
}

func TestHybridStartupOnlyCompilesNothing(t *testing.T) {
	var jobs []string
	h := hybridEngine{
		fast: func(context.Context, []byte) (tier, error) { return fakeTier{"fast", &jobs, nil}, nil },
		opt: func(context.Context, []byte) (tier, error) {
			t.Error("an optimizing compile started for a start-up-only run")
			return nil, nil
		},
	}
	var out bytes.Buffer
	if _, err := h.Run(context.Background(), moduleFile(t), []string{"--iterations", "0"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "rtwasm main_end") {
		t.Fatalf("no main_end:\n%s", out.String())
	}
}

// moduleFile is a stand-in module: the fake tiers never read it.
func moduleFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "m.wasm")
	if err := os.WriteFile(path, []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
