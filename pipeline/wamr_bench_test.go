package pipeline

import (
	"context"
	"os"
	"testing"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/stats"
	"github.com/rtwasm/rtwasm/toolchain"
)

// BenchmarkWAMRStartup measures launch → main_start of the empty module on
// the iwasm builds of go tool mage wamr, launched as samples are (pinned,
// 8 MiB stack): the LLVM JIT with LLVM linked statically, the same build
// against Debian's shared libLLVM (built here on first use), and the interp
// build, which has no LLVM at all and is the floor a static link can
// approach. Each iteration launches all three, so a load change hits all
// alike. It reports each median and the shared-libLLVM penalty in ms.
//
//	RTWASM_WAMR_SRC=../shared/wamr-src go test -run '^$' -bench WAMRStartup -benchtime 40x ./pipeline
func BenchmarkWAMRStartup(b *testing.B) {
	o, err := ParseOptions(os.Getenv)
	if err != nil {
		b.Fatal(err)
	}
	if o.WAMRSrc == "" {
		b.Skipf("%s is not set: no WAMR sources (e.g. %s=../shared/wamr-src)", toolchain.WAMRSrcVar, toolchain.WAMRSrcVar)
	}
	ctx := context.Background()
	cfg := WAMRConfig(o, testWriter{b})
	cfg.Modes = []string{"interp", "llvm-jit", "llvm-jit-libllvm"}
	built, err := toolchain.BuildWAMR(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	module, err := emptyKernel(ctx, &Builds{Compilers: toolchain.Set{}}, toolchain.Wasm, map[toolchain.Target]toolchain.Artifact{}, dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx = runtimes.WithLaunch(ctx, runtimes.Launch{CPUs: o.CPUs, Stack: o.Stack})
	paths := map[string]runtimes.Runtime{}
	for _, w := range built {
		name := map[string]string{"interp": "interp", "llvm-jit": "static", "llvm-jit-libllvm": "libllvm"}[w.Mode]
		mode := 2 // wamr:llvm-jit
		if w.Mode == "interp" {
			mode = 0
		}
		paths[name] = runtimes.WAMR(runtimes.Env{WAMR: &runtimes.WAMRBuilds{Builds: []toolchain.WAMRBuild{w}}})[mode]
	}
	ns := map[string][]float64{}
	for b.Loop() {
		for _, name := range []string{"static", "libllvm", "interp"} {
			res := paths[name].Run(ctx, module.Path, harness.Args(0, false))
			if res.Err != nil {
				b.Fatalf("%s: %v\n%s", name, res.Err, res.Stderr)
			}
			t, err := harness.ParseTimeline(res.Stdout)
			if err != nil {
				b.Fatal(err)
			}
			ns[name] = append(ns[name], float64(t.MainStart-res.LaunchNS))
		}
	}
	for name, v := range ns {
		b.ReportMetric(stats.Median(v)/1e6, name+"-ms")
	}
	b.ReportMetric((stats.Median(ns["libllvm"])-stats.Median(ns["static"]))/1e6, "libllvm-penalty-ms")
	b.ReportMetric(stats.Median(ns["static"])/stats.Median(ns["interp"]), "static/interp")
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.tb.Log(string(p)); return len(p), nil }
