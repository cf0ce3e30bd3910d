package runtimes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/engine/wire"
	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/internal/testkit"
	"github.com/rtwasm/rtwasm/toolchain"
)

// BenchmarkHarnessOverhead compares rtwasm's launch→main_start for the
// static musl kernel (native:musl, started by RunProcess) with a minimal C
// launcher's (static musl, posix_spawn between the same two timestamps). It reports both
// medians and their ratio; ns/op is the time of one pair.
//
//	go test -run '^$' -bench HarnessOverhead ./runtimes
func BenchmarkHarnessOverhead(b *testing.B) {
	kernel := testkit.Kernel(b, toolchain.Musl, "atax")
	launcher := buildLauncher(b)
	// Both pinned to the same CPU with the samples' stack limit: the
	// launcher is started pinned, and its child inherits that.
	ctx := WithLaunch(context.Background(), Launch{CPUs: []int{runtime.NumCPU() - 1}, Stack: 8 << 20})
	var ours, minimal []float64
	for i := 0; i < b.N; i++ {
		ours = append(ours, startup(b, ctx, []string{kernel.Path, "--iterations", "0"}))
		res := RunProcess(ctx, []string{launcher, kernel.Path, "--iterations", "0"})
		if res.Err != nil {
			b.Fatal(res.Err)
		}
		ns, err := strconv.ParseFloat(strings.TrimSpace(string(res.Stdout)), 64)
		if err != nil {
			b.Fatal(err)
		}
		minimal = append(minimal, ns)
	}
	b.ReportMetric(median(ours), "rtwasm-ns")
	b.ReportMetric(median(minimal), "minimal-ns")
	b.ReportMetric(median(ours)/median(minimal), "ratio")
}

func buildLauncher(b *testing.B) string {
	src := LauncherSource
	set, err := toolchain.Resolve(context.Background(), toolchain.Config{}, toolchain.Musl)
	if err != nil {
		b.Fatal(err)
	}
	a, err := toolchain.Build(context.Background(), set[toolchain.Musl],
		toolchain.Job{Name: "launcher", Sources: map[string][]byte{"launcher.c": src}}, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return a.Path
}

func median(xs []float64) float64 {
	s := append([]float64{}, xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// BenchmarkRunnerOverhead compares, per embedded engine, rtwasm's
// process-model start-up (rtwasm-run, launched by RunProcess) with a
// minimal Go program that embeds the same engine alone
// (testdata/minimal/…, built with the same cgo and tags), both running
// atax at MINI with --iterations 0, pinned and with the stack limit of
// real samples, launches interleaved. It reports both medians of
// launch → main_start and their ratio (target ≤ 1.05).
//
//	go test -run '^$' -bench RunnerOverhead -benchtime 41x ./runtimes
func BenchmarkRunnerOverhead(b *testing.B) {
	kernel := testkit.Kernel(b, toolchain.Wasm, "atax")
	dir := b.TempDir()
	// As the pipeline builds them: pure Go for wazero, cgo for Wasmtime.
	runner := map[bool]string{false: goBuild(b, dir, "rtwasm-run-purego", "../cmd/rtwasm-run", false),
		true: goBuild(b, dir, "rtwasm-run", "../cmd/rtwasm-run", true)}
	minimal := map[string]string{
		"wazero":        goBuild(b, dir, "minimal-wazero", "./testdata/minimal/wazero", false),
		"wasmtime":      goBuild(b, dir, "minimal-wasmtime", "./testdata/minimal/wasmtime", true),
		"engine":        goBuild(b, dir, "minimal-engine", "./testdata/minimal/engine", true),
		"engine-purego": goBuild(b, dir, "minimal-engine-purego", "./testdata/minimal/engine", false),
	}
	ctx := WithLaunch(context.Background(), Launch{CPUs: []int{runtime.NumCPU() - 1}, Stack: 8 << 20})
	for _, c := range []struct{ id, min, mode string }{
		{"wazero:interp", "wazero", "interp"}, {"wazero:compiler", "wazero", "compiler"},
		{"wasmtime:cranelift", "wasmtime", "cranelift"}, {"wasmtime:pulley", "wasmtime", "pulley"},
		{"hybrid:interp+compiler", "engine-purego", "hybrid:interp+compiler"}, {"hybrid:pulley+cranelift", "engine", "hybrid:pulley+cranelift"},
	} {
		b.Run(c.id, func(b *testing.B) {
			ours := []string{runner[wire.NeedsCgo(c.id)], "-cache", dir, c.id, kernel.Path, "--iterations", "0"}
			theirs := []string{minimal[c.min], c.mode, kernel.Path, "--iterations", "0"}
			var o, m []float64
			for i := 0; i < b.N; i++ {
				o = append(o, startup(b, ctx, ours))
				m = append(m, startup(b, ctx, theirs))
			}
			b.ReportMetric(median(o), "rtwasm-ns")
			b.ReportMetric(median(m), "minimal-ns")
			b.ReportMetric(median(o)/median(m), "ratio")
		})
	}
}

// startup is launch → main_start of one process.
func startup(b *testing.B, ctx context.Context, argv []string) float64 {
	res := RunProcess(ctx, argv)
	if res.Err != nil {
		b.Fatal(res.Err)
	}
	tl, err := harness.ParseTimeline(res.Stdout)
	if err != nil {
		b.Fatal(err)
	}
	return float64(tl.MainStart - res.LaunchNS)
}

// goBuild builds a Go program as the pipeline builds the runner: with cgo
// and the wasmtime tag, or in pure Go.
func goBuild(b *testing.B, dir, name, pkg string, cgo bool) string {
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if cgo {
		cmd = exec.Command("go", "build", "-tags", "wasmtime", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}
