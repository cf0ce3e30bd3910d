package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
)

// needStress skips where the stressor cannot run: one CPU, or no
// stress-ng and no way to install it.
func needStress(t *testing.T) {
	t.Helper()
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: nothing to load beside the pinned one")
	}
	if _, err := findStressNG(context.Background(), io.Discard); err != nil {
		t.Skip(err)
	}
}

var stressPID = regexp.MustCompile(`stress-ng --\w+ on CPUs [\d,]+ \(pid (\d+)\)`)

// groupFromLog is the stress-ng process group the log announced.
func groupFromLog(t *testing.T, log string) int {
	t.Helper()
	return groupsFromLog(t, log)[0]
}

// groupsFromLog is every stress-ng process group a run started, in order.
func groupsFromLog(t *testing.T, log string) []int {
	t.Helper()
	var pids []int
	for _, m := range stressPID.FindAllStringSubmatch(log, -1) {
		pid, _ := strconv.Atoi(m[1])
		pids = append(pids, pid)
	}
	if len(pids) == 0 {
		t.Fatalf("no stress-ng start in the log:\n%s", log)
	}
	return pids
}

// groupMembers lists the live processes of a process group from /proc.
func groupMembers(pgid int) []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var members []string
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces, so split after ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		fields := strings.Fields(s[i+1:])
		if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) && fields[0] != "Z" {
			members = append(members, s[:i+1])
		}
	}
	return members
}

// TestStressStartsAndStops: stress-ng runs as a group of a parent and its
// workers, pinned away from the samples' CPU, and stop leaves none of them.
func TestStressStartsAndStops(t *testing.T) {
	needStress(t)
	o := run.Options{Stress: StressCPU, CPUs: []int{runtime.NumCPU() - 1}}
	var log bytes.Buffer
	stop, err := startStress(context.Background(), o, t.TempDir(), &log)
	if err != nil {
		t.Fatal(err)
	}
	pgid := groupFromLog(t, log.String())
	if members := groupMembers(pgid); len(members) < 2 {
		stop()
		t.Fatalf("stress-ng group %d has %v, want the parent and at least one worker", pgid, members)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if members := groupMembers(pgid); len(members) > 0 {
		t.Errorf("after stop, stress-ng group %d still has %v", pgid, members)
	}
	if err := stop(); err != nil {
		t.Errorf("second stop: %v", err)
	}
}

// TestStressRefusals: no CPU left to load, or none pinned, is an error that
// names the option; none is a no-op.
func TestStressRefusals(t *testing.T) {
	all := make([]int, runtime.NumCPU())
	for i := range all {
		all[i] = i
	}
	for _, o := range []run.Options{{Stress: StressCPU, CPUs: all}, {Stress: StressMemory}} {
		if _, err := startStress(context.Background(), o, "", io.Discard); err == nil || !strings.Contains(err.Error(), "RTWASM_CPUS") {
			t.Errorf("stress with CPUs %v: err %v, want one naming RTWASM_CPUS", o.CPUs, err)
		}
	}
	stop, err := startStress(context.Background(), run.Options{CPUs: []int{0}}, "", io.Discard)
	if err != nil || stop() != nil {
		t.Errorf("stress none: %v", err)
	}
}

// TestRunUnderStress: every cell is measured plain and stressed in one run,
// in alternating blocks; each row carries its condition, stress-ng runs
// during stressed blocks only (the fake runtime sees it alive exactly
// then), and no stress-ng is left when the run ends, also when it ends in
// an error (here an interrupt during the gap after the second stressed trial).
func TestRunUnderStress(t *testing.T) {
	needStress(t)
	for _, interrupt := range []bool{false, true} {
		t.Run(fmt.Sprintf("interrupt=%v", interrupt), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			calls := 0
			var seen []bool // stress-ng running at each trial
			var log bytes.Buffer
			fake := &fakeRuntime{id: "fake:good", fail: func(string, []string) error {
				if calls++; interrupt && calls == 12 { // the second stressed trial
					cancel()
				}
				pids := stressPID.FindAllStringSubmatch(log.String(), -1)
				alive := false
				if len(pids) > 0 {
					pgid, _ := strconv.Atoi(pids[len(pids)-1][1])
					alive = len(groupMembers(pgid)) > 0
				}
				seen = append(seen, alive)
				return nil
			}}
			o := testOptions(t)
			o.Benchmarks, o.Reps, o.Stress, o.Gap = []string{"atax"}, 12, StressCPU, 20*time.Millisecond
			o.CPUs = []int{runtime.NumCPU() - 1}
			dir, err := RunExperiments(ctx, o, fakeBuilds(o.Benchmarks, fake), []string{run.Startup}, &log)
			for _, pgid := range groupsFromLog(t, log.String()) {
				if members := groupMembers(pgid); len(members) > 0 {
					syscallKillGroup(pgid)
					t.Fatalf("stress-ng group %d left running after the run: %v", pgid, members)
				}
			}
			if interrupt {
				if err == nil {
					t.Fatal("interrupted run returned no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, rows, err := run.ReadRun(dir)
			if err != nil {
				t.Fatal(err)
			}
			if m.Options.Stress != StressCPU || m.Options.Gap != o.Gap {
				t.Errorf("manifest options stress %q gap %v, want cpu and %v", m.Options.Stress, m.Options.Gap, o.Gap)
			}
			// 12 plain and 12 stressed trials in blocks of 10: plain 10,
			// stressed 10, plain 2, stressed 2.
			var conds []string
			count := map[string]int{}
			for _, s := range rows {
				count[s.Stress]++
				if len(conds) == 0 || conds[len(conds)-1] != s.Stress {
					conds = append(conds, s.Stress)
				}
				if want := s.Stress == StressCPU; seen[s.Order] != want {
					t.Errorf("trial %d (%s): stress-ng running %v", s.Order, s.Stress, seen[s.Order])
				}
			}
			if count[StressNone] != 12 || count[StressCPU] != 12 || strings.Join(conds, ",") != "none,cpu,none,cpu" {
				t.Errorf("rows per condition %v, blocks %v; want 12 each in blocks none,cpu,none,cpu", count, conds)
			}
		})
	}
}

// TestGapBetweenTrials: consecutive launches are at least RTWASM_GAP
// apart (a lower bound the pause guarantees; how soon launches follow
// without a gap depends on the host's load, so it is not asserted).
func TestGapBetweenTrials(t *testing.T) {
	for _, gap := range []time.Duration{0, 40 * time.Millisecond} {
		var mu sync.Mutex
		var starts []time.Time
		fake := &fakeRuntime{id: "fake:good", fail: func(string, []string) error {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			return nil
		}}
		o := testOptions(t)
		o.Benchmarks, o.Reps, o.Gap = []string{"atax"}, 5, gap
		if _, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, fake), []string{run.Startup}, io.Discard); err != nil {
			t.Fatal(err)
		}
		var diffs []time.Duration
		for i := 1; i < len(starts); i++ {
			diffs = append(diffs, starts[i].Sub(starts[i-1]))
		}
		if len(diffs) != 4 {
			t.Fatalf("%d launches, want 5", len(starts))
		}
		if least := slices.Min(diffs); gap > 0 && least < gap {
			t.Errorf("gap %v: launches %v apart at least, want ≥ the gap", gap, least)
		}
	}
}

// TestAlternate: every trial appears once plain and once stressed, keys
// stay unique, and the conditions alternate in blocks, plain first.
func TestAlternate(t *testing.T) {
	k, _ := kernels.Lookup("atax")
	var plain []trial
	for rep := 1; rep <= 95; rep++ {
		plain = append(plain, trial{exp: run.Startup, kernel: k, rt: &fakeRuntime{id: "fake:good"}, rep: rep})
	}
	out := alternate(plain, StressCPU, 7)
	keys := map[string]bool{}
	var blocks []int // lengths of runs of one condition
	for i, c := range out {
		keys[c.key()] = true
		if i == 0 || out[i-1].stress != c.stress {
			blocks = append(blocks, 0)
		}
		blocks[len(blocks)-1]++
	}
	if len(out) != 190 || len(keys) != 190 || out[0].stress != "" {
		t.Fatalf("%d trials, %d keys, first %q: want 190 unique, plain first", len(out), len(keys), out[0].stress)
	}
	// 95 per condition in blocks of 10 (the floor): 9 of 10 and one of 5 each.
	if len(blocks) != 20 || blocks[0] != 10 || blocks[19] != 5 {
		t.Errorf("blocks %v, want 20 alternating, 10 long but the last two 5", blocks)
	}
	if stressBlock(10000) != 200 || stressBlock(1000) != 100 {
		t.Errorf("block sizes %d, %d; want 200 and 100", stressBlock(10000), stressBlock(1000))
	}
}

// TestTailOptions: the tail profile's kernels and gap, overrides, and
// refusals of bad values and of a compare path.
func TestTailOptions(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	o, err := ParseOptions(env(map[string]string{"RTWASM_PROFILE": "tail"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Benchmarks, tailKernels) || o.Gap != 5*time.Millisecond || o.Reps < 1000 || o.ProlongedReps*(o.Iterations-1) < 1000 || o.Stress != StressNone {
		t.Errorf("tail profile: %+v", o)
	}
	o, err = ParseOptions(env(map[string]string{"RTWASM_PROFILE": "tail", "RTWASM_BENCHMARKS": "gemm", "RTWASM_GAP": "0s", "RTWASM_STRESS": "io"}))
	if err != nil || !slices.Equal(o.Benchmarks, []string{"gemm"}) || o.Gap != 0 || o.Stress != StressIO {
		t.Errorf("overrides: %+v, %v", o, err)
	}
	if o, _ := ParseOptions(env(nil)); o.Gap != 0 || o.Cyclictest != 0 {
		t.Errorf("smoke gap %v, cyclictest %v, want 0 and off", o.Gap, o.Cyclictest)
	}
	if o, _ := ParseOptions(env(map[string]string{"RTWASM_PROFILE": "tail"})); o.Cyclictest != tailCyclictest {
		t.Errorf("tail cyclictest %v, want %v", o.Cyclictest, tailCyclictest)
	}
	if o, _ := ParseOptions(env(map[string]string{"RTWASM_PROFILE": "tail", "RTWASM_CYCLICTEST": "off"})); o.Cyclictest != 0 {
		t.Errorf("RTWASM_CYCLICTEST=off: %v", o.Cyclictest)
	}
	if o, _ := ParseOptions(env(map[string]string{"RTWASM_CYCLICTEST": "3s"})); o.Cyclictest != 3*time.Second {
		t.Errorf("RTWASM_CYCLICTEST=3s: %v", o.Cyclictest)
	}
	for k, v := range map[string]string{"RTWASM_STRESS": "disk", "RTWASM_GAP": "-1ms", "RTWASM_CYCLICTEST": "500ms"} {
		if _, err := ParseOptions(env(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: err %v, want one naming it", k, v, err)
		}
	}
	o = testOptions(t)
	for _, id := range []string{"", "../x", "a/b", ".."} {
		if _, err := CompareRun(o, id); err == nil {
			t.Errorf("RTWASM_COMPARE=%q accepted", id)
		}
	}
	if _, err := CompareRun(o, "nosuchrun"); err == nil {
		t.Error("RTWASM_COMPARE of a missing run accepted")
	}
}

// syscallKillGroup cleans up after a failed test so nothing keeps running.
func syscallKillGroup(pgid int) { syscall.Kill(-pgid, syscall.SIGKILL) }

// TestTailEstimate: the estimate grows with the gap and with an
// interpreter's job time, and says what it assumed.
func TestTailEstimate(t *testing.T) {
	o := Profiles["tail"]
	o.Benchmarks, o.Runtimes = []string{"atax"}, []string{"native:musl"}
	var out bytes.Buffer
	native := PrintTailEstimate(&out, o, []string{run.Startup, run.Prolonged})
	if !strings.Contains(out.String(), "1010 trials") {
		t.Errorf("estimate %q, want 1000 startup + 10 prolonged trials per series = 1010", out.String())
	}
	o.Runtimes = []string{"wazero:interp"}
	if interp := PrintTailEstimate(io.Discard, o, []string{run.Startup, run.Prolonged}); interp < 10*native {
		t.Errorf("interpreter estimate %v not far above native's %v", interp, native)
	}
	o.Runtimes, o.Gap = []string{"native:musl"}, time.Second
	if gapped := PrintTailEstimate(io.Discard, o, []string{run.Startup}); gapped < 1000*time.Second {
		t.Errorf("1,000 trials 1 s apart estimated at %v", gapped)
	}
}
