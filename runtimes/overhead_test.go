package runtimes

import (
	"context"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/internal/testkit"
	"github.com/rtwasm/rtwasm/toolchain"
)

// BenchmarkHarnessOverhead compares rtwasm's launch→main_start for the
// static musl kernel (native:musl, started by RunProcess) with a minimal C
// launcher's (posix_spawn between the same two timestamps). It reports both
// medians and their ratio; ns/op is the time of one pair.
//
//	go test -run '^$' -bench HarnessOverhead ./runtimes
func BenchmarkHarnessOverhead(b *testing.B) {
	kernel := testkit.Kernel(b, toolchain.Musl, "atax")
	launcher := buildLauncher(b)
	var ours, minimal []float64
	for i := 0; i < b.N; i++ {
		res := RunProcess(context.Background(), []string{kernel.Path, "--iterations", "0"})
		tl, err := harness.ParseTimeline(res.Stdout)
		if err != nil {
			b.Fatal(err)
		}
		ours = append(ours, float64(tl.MainStart-res.LaunchNS))
		out, err := exec.Command(launcher, kernel.Path, "--iterations", "0").Output()
		if err != nil {
			b.Fatal(err)
		}
		ns, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
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
	src, err := os.ReadFile("testdata/launcher.c")
	if err != nil {
		b.Fatal(err)
	}
	set, err := toolchain.Resolve(context.Background(), toolchain.Config{}, toolchain.Glibc)
	if err != nil {
		b.Fatal(err)
	}
	a, err := toolchain.Build(context.Background(), set[toolchain.Glibc],
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
