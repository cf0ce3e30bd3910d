package pipeline

import (
	"runtime"
	"slices"
	"testing"

	"github.com/rtwasm/rtwasm/kernels"
)

// FuzzParseOptions: any values of the option variables are accepted or
// refused without a panic, and accepted options are usable: known names,
// positive counts and timeout, online CPUs. Seed corpus:
// testdata/fuzz/FuzzParseOptions.
func FuzzParseOptions(f *testing.F) {
	f.Add("smoke", "gemm,atax", "wazero:interp", "MINI", "3", "1", "5", "90s", "0", "7", "", "")
	f.Add("paper", "all", "all", "LARGE", "", "", "", "", "none", "", "latest", "cross")
	f.Add("", " gemm ,", "native:glibc,", "mini", "-1", "0", "x", "-5s", "1,1", "9223372036854775808", "../x", "")
	f.Fuzz(func(t *testing.T, profile, benchmarks, rts, dataset, reps, prolonged, iterations, timeout, cpus, seed, resume, verify string) {
		env := map[string]string{"RTWASM_PROFILE": profile, "RTWASM_BENCHMARKS": benchmarks, "RTWASM_RUNTIMES": rts,
			"RTWASM_DATASET": dataset, "RTWASM_REPS": reps, "RTWASM_PROLONGED_REPS": prolonged, "RTWASM_ITERATIONS": iterations,
			"RTWASM_TIMEOUT": timeout, "RTWASM_CPUS": cpus, "RTWASM_SEED": seed, "RTWASM_RESUME": resume, "RTWASM_VERIFY": verify,
			"RTWASM_CACHE": "/nonexistent/cache"}
		o, err := ParseOptions(func(k string) string { return env[k] })
		if err != nil {
			return
		}
		if o.Reps < 1 || o.ProlongedReps < 1 || o.Iterations < 1 || o.Timeout <= 0 {
			t.Fatalf("accepted unusable counts: reps %d, prolonged %d, iterations %d, timeout %v", o.Reps, o.ProlongedReps, o.Iterations, o.Timeout)
		}
		if len(o.Benchmarks) == 0 || len(o.Runtimes) == 0 {
			t.Fatalf("accepted an empty selection: %q, %q", o.Benchmarks, o.Runtimes)
		}
		for _, b := range o.Benchmarks {
			if !slices.Contains(kernels.Names(), b) {
				t.Fatalf("accepted unknown benchmark %q", b)
			}
		}
		for _, r := range o.Runtimes {
			if !slices.Contains(RuntimeIDs(), r) {
				t.Fatalf("accepted unknown runtime %q", r)
			}
		}
		for _, c := range o.CPUs {
			if c < 0 || c >= runtime.NumCPU() {
				t.Fatalf("accepted CPU %d", c)
			}
		}
		if _, err := kernels.ParseDataset(string(o.Dataset)); err != nil {
			t.Fatalf("accepted dataset %q", o.Dataset)
		}
	})
}
