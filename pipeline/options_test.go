package pipeline

import (
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

func TestOptionsRejectUnknownNames(t *testing.T) {
	for name, tc := range map[string]struct {
		vars map[string]string
		want string
	}{
		"profile":   {map[string]string{"RTWASM_PROFILE": "huge"}, "valid: claims, paper, quick, smoke"},
		"benchmark": {map[string]string{"RTWASM_BENCHMARKS": "gemm,gemmm"}, `unknown name "gemmm"`},
		"runtime":   {map[string]string{"RTWASM_RUNTIMES": "wasmtime"}, "valid: native:glibc"},
		"dataset":   {map[string]string{"RTWASM_DATASET": "HUGE"}, "valid: MINI, SMALL"},
		"reps":      {map[string]string{"RTWASM_REPS": "0"}, "integer ≥ 1"},
		"timeout":   {map[string]string{"RTWASM_TIMEOUT": "soon"}, "Go duration"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseOptions(env(tc.vars))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if err := checkEnvNames([]string{"RTWASM_BENCHMARK=gemm"}); err == nil || !strings.Contains(err.Error(), "RTWASM_BENCHMARKS") {
		t.Fatalf("a misspelt variable was accepted: %v", err)
	}
}

func TestOptionsProfileAndOverrides(t *testing.T) {
	o, err := ParseOptions(env(map[string]string{"RTWASM_PROFILE": "quick", "RTWASM_REPS": "7",
		"RTWASM_DATASET": "mini", "RTWASM_BENCHMARKS": "gemm, atax", "RTWASM_SEED": "42"}))
	if err != nil {
		t.Fatal(err)
	}
	if o.Profile != "quick" || o.Reps != 7 || o.Dataset != "MINI" || o.Seed != 42 ||
		o.Iterations != Profiles["quick"].Iterations || strings.Join(o.Benchmarks, ",") != "gemm,atax" {
		t.Fatalf("options %+v", o)
	}
	if !strings.HasSuffix(o.Reference, "MINI") {
		t.Fatalf("reference %s does not follow the dataset", o.Reference)
	}
}

func TestParseCPUs(t *testing.T) {
	if cpus, err := parseCPUs("none", 2); err != nil || cpus != nil {
		t.Fatalf("none: %v %v", cpus, err)
	}
	if cpus, err := parseCPUs("0, 1", 2); err != nil || runtimes.CPUList(cpus) != "0,1" {
		t.Fatalf("0, 1: %v %v", cpus, err)
	}
	if _, err := parseCPUs("2", 2); err == nil {
		t.Fatal("an offline CPU was accepted")
	}
}

func TestParseLaunchOptions(t *testing.T) {
	parse := func(env map[string]string) (run.Options, error) {
		return ParseOptions(func(k string) string { return env[k] })
	}
	o, err := parse(nil)
	if err != nil || o.Stack != 8<<20 || o.Sched != "other" || o.Mlock {
		t.Fatalf("defaults: stack %d sched %q mlock %v, %v", o.Stack, o.Sched, o.Mlock, err)
	}
	for v, want := range map[string]int64{"1048576": 1 << 20, "16M": 16 << 20, "16MiB": 16 << 20, "512K": 512 << 10, "1G": 1 << 30, "inherit": 0} {
		if o, err := parse(map[string]string{"RTWASM_STACK": v}); err != nil || o.Stack != want {
			t.Errorf("RTWASM_STACK=%s: %d, %v; want %d", v, o.Stack, err, want)
		}
	}
	if o, err := parse(map[string]string{"RTWASM_SCHED": "fifo:50", "RTWASM_MLOCK": "1"}); err != nil || o.Sched != "fifo:50" || !o.Mlock {
		t.Errorf("fifo:50 and mlock: %q %v, %v", o.Sched, o.Mlock, err)
	}
	for k, v := range map[string]string{"RTWASM_STACK": "8X", "RTWASM_SCHED": "fifo:0", "RTWASM_MLOCK": "yes"} {
		if _, err := parse(map[string]string{k: v}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s accepted (%v)", k, v, err)
		}
	}
}

func TestParsePrecision(t *testing.T) {
	parse := func(vars map[string]string) (run.Options, error) { return ParseOptions(env(vars)) }
	if o, err := parse(map[string]string{"RTWASM_PRECISION": "2.5%", "RTWASM_MAX_REPS": "12"}); err != nil || o.Precision != 0.025 || o.MaxReps != 12 {
		t.Fatalf("2.5%% and 12: %v %d, %v", o.Precision, o.MaxReps, err)
	}
	if o, err := parse(map[string]string{"RTWASM_PROFILE": "quick", "RTWASM_PRECISION": "off"}); err != nil || o.Precision != 0 {
		t.Fatalf("off: %v, %v", o.Precision, err)
	}
	if o, _ := parse(nil); o.Precision != 0 {
		t.Errorf("smoke keeps fixed repetitions, got precision %v", o.Precision)
	}
	for _, bad := range []map[string]string{{"RTWASM_PRECISION": "5"}, {"RTWASM_PRECISION": "0%"}, {"RTWASM_PRECISION": "abc%"},
		{"RTWASM_MAX_REPS": "2"}, {"RTWASM_PRECISION": "5%", "RTWASM_EXECUTOR": "slurm", "RTWASM_SLURM_PARTITION": "p"}} {
		if _, err := parse(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestCapFor(t *testing.T) {
	o := run.Options{Reps: 5, ProlongedReps: 1}
	if capFor(run.Total, o) != 20 || capFor(run.Prolonged, o) != 4 {
		t.Errorf("default caps: total %d, prolonged %d; want 20, 4", capFor(run.Total, o), capFor(run.Prolonged, o))
	}
	o.MaxReps = 12
	if capFor(run.Startup, o) != 12 || capFor(run.Prolonged, o) != 3 {
		t.Errorf("RTWASM_MAX_REPS=12: startup %d, prolonged %d; want 12, 3", capFor(run.Startup, o), capFor(run.Prolonged, o))
	}
}
