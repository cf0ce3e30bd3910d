package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
)

// externalRuntimes are the registered runtimes that run an external CLI.
func externalRuntimes(list []runtimes.Runtime) []runtimes.Runtime {
	var ext []runtimes.Runtime
	for _, r := range list {
		if engine, _, _ := strings.Cut(r.ID(), ":"); engine == "wamr" || engine == "wasmer" || engine == "wasmtime-cli" {
			ext = append(ext, r)
		}
	}
	return ext
}

// TestExternalCLIsForReal runs every external-CLI runtime whose real binary
// is on this host (PATH, RTWASM_IWASM, RTWASM_WAMRC, RTWASM_WASMER,
// RTWASM_WASMTIME) on one kernel, checking its timestamps and its dump, and
// skips, naming the missing binary, those that are not.
func TestExternalCLIsForReal(t *testing.T) {
	ctx := context.Background()
	for _, r := range externalRuntimes(Registry(runtimes.Env{})) {
		t.Run(r.ID(), func(t *testing.T) {
			if p := r.Probe(ctx); !p.Available {
				t.Skipf("not on this host: %s", p.Reason)
			}
			b := builtKernels(t)
			for _, built := range b.Runtimes {
				if built.ID() == r.ID() {
					r = built // the instance the build prepared inputs for
				}
			}
			checkRealRun(t, b, r, "atax")
		})
	}
}

// checkRealRun runs bench once with its dump on r and compares it with the
// reference, and checks the timestamps of a start-up run.
func checkRealRun(t *testing.T, b *Builds, r runtimes.Runtime, bench string) {
	t.Helper()
	ctx := context.Background()
	input, err := b.Input(r, bench)
	if err != nil {
		t.Fatal(err)
	}
	res := r.Run(ctx, input, harness.Args(0, false))
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if _, err := harness.ParseTimeline(res.Stdout); err != nil {
		t.Fatal(err)
	}
	o := testOptions(t)
	if status, detail := verifyOne(ctx, o, b, r, bench, func(name string) ([]byte, error) { return referenceDump(o, name) }); status != run.StatusOK {
		t.Fatalf("%s dump: %s %s", bench, status, detail)
	}
}
