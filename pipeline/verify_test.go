package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// TestVerifyMINI: every kernel's dump equals the reference byte for byte on
// every registered runtime, except those unavailable here, which must say why.
func TestVerifyMINI(t *testing.T) {
	b := builtKernels(t)
	o := testOptions(t)
	checks, err := Verify(context.Background(), o, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(o.Benchmarks) * len(b.Runtimes); len(checks) != want {
		t.Fatalf("%d checks, want %d", len(checks), want)
	}
	var out strings.Builder
	if n := PrintChecks(&out, checks); n > 0 {
		t.Fatalf("%d checks failed:\n%s", n, out.String())
	}
	for _, c := range checks {
		switch {
		case c.Status == run.StatusOK:
		case c.Status == run.StatusUnavailable && c.Detail != "" && externalCLI(c.Runtime) && c.Benchmark == o.Benchmarks[0]:
			t.Logf("not verified, unavailable here: %s: %s", c.Runtime, c.Detail) // an external CLI not installed
		case c.Status == run.StatusUnavailable && c.Detail != "" && externalCLI(c.Runtime):
		default:
			t.Errorf("%s on %s: %s %s", c.Benchmark, c.Runtime, c.Status, c.Detail)
		}
	}
}

func TestFirstDifference(t *testing.T) {
	if d := FirstDifference([]byte("a\nb\n"), []byte("a\nb\n")); d != "" {
		t.Fatalf("equal inputs differ: %s", d)
	}
	d := FirstDifference([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"))
	if !strings.Contains(d, "line 2") || !strings.Contains(d, `"B\n"`) {
		t.Fatalf("difference %q, want line 2 named with both texts", d)
	}
	if d := FirstDifference([]byte("a\n"), []byte("a\nextra\n")); !strings.Contains(d, "end of output") {
		t.Fatalf("difference %q, want the missing end named", d)
	}
}

// externalCLI tells the runtimes whose binaries cannot be installed on this
// project's machines (no package exists); every other runtime must run here.
func externalCLI(series string) bool {
	for _, prefix := range []string{"wamr:", "wasmer:", "wasmtime-cli:"} {
		if strings.HasPrefix(series, prefix) {
			return true
		}
	}
	return false
}
