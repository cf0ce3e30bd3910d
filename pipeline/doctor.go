package pipeline

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// Doctor reports what this host can measure: the profiles, the compilers,
// every runtime (available, or why not), the CPU frequency state with a
// verdict on whether timings are taken at a fixed frequency, and the
// real-time readiness of the sampled CPUs with its verdict.
func Doctor(ctx context.Context, o run.Options, w io.Writer) error {
	printProfiles(w)
	fmt.Fprintln(w, "\ncompilers:")
	for _, t := range toolchain.Targets {
		set, err := toolchain.Resolve(ctx, toolchain.Config{CacheDir: o.CacheDir, Log: io.Discard}, t)
		if err != nil {
			fmt.Fprintf(w, "  %-13s MISSING: %v\n", t, err)
			continue
		}
		p := set[t].Provenance()
		fmt.Fprintf(w, "  %-13s %s — %s (%s)\n", t, p.Name, p.Version, p.Source)
	}
	env := runtimes.Env{EngineCache: filepath.Join(o.BuildDir, "engine-cache")}
	env.WAMR = cachedWAMR(ctx, o)
	runner, pure, err := BuildRunners(ctx, filepath.Join(o.BuildDir, "bin"), io.Discard)
	if err != nil {
		fmt.Fprintf(w, "runner: %v\n", err)
	}
	env.Runner, env.PureRunner = runner, pure
	fmt.Fprintln(w, "\nruntimes:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range Registry(env) {
		p := r.Probe(ctx)
		state := "ok  " + p.Version
		if !p.Available {
			state = "unavailable: " + p.Reason
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.ID(), r.ColdStart(), state)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nWAMR "+toolchain.WAMRVersion+" built by go tool mage wamr ("+toolchain.WAMRSrcVar+"):")
	if len(env.WAMR.Builds) == 0 {
		fmt.Fprintf(w, "  none: %s\n", env.WAMR.WhyNot)
	}
	PrintWAMRBuilds(w, env.WAMR.Builds)
	fmt.Fprintln(w, "\nWAMR builds serving each mode (RTWASM_IWASM, RTWASM_WAMRC, else the above):")
	for _, line := range runtimes.WamrServing(ctx, env) {
		fmt.Fprintf(w, "  %s\n", line)
	}
	printHost(w, host.Read())
	printReadiness(w, host.ReadReadiness("/", o.CPUs))
	return nil
}

// printReadiness prints the real-time readiness table and its verdict.
func printReadiness(w io.Writer, r host.Readiness) {
	fmt.Fprintf(w, "\nreal-time readiness of the sampled CPUs (%s, RTWASM_CPUS):\n", orDefault(host.FormatCPUs(r.CPUs), "none"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  check\tok\tfound\treal-time host")
	for _, c := range r.Checks {
		ok := "no"
		if c.OK {
			ok = "yes"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Name, ok, c.Found, c.Want)
	}
	tw.Flush()
	if r.Ready {
		fmt.Fprintln(w, "real-time verdict: READY — the host adds no avoidable latency to the sampled CPUs")
		return
	}
	fmt.Fprintf(w, "real-time verdict: NOT READY (%d of %d checks fail) — tails include the host's own latency; "+
		"`go tool mage fixhost` sets THP, RT throttling and IRQ affinity (restore with `go tool mage fixhostrestore`), "+
		"the run holds cpu_dma_latency; isolcpus, nohz_full and rcu_nocbs need the kernel command line, SMT needs nosmt:\n", len(r.Reasons), len(r.Checks))
	for _, reason := range r.Reasons {
		fmt.Fprintf(w, "  - %s\n", reason)
	}
}

func printProfiles(w io.Writer) {
	fmt.Fprintln(w, "profiles (override any value with its RTWASM_* variable):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  profile\tdataset\treps\tprolonged reps\titerations\ttimeout")
	for _, name := range slices.Sorted(maps.Keys(Profiles)) {
		p := Profiles[name]
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%d\t%v\n", name, p.Dataset, p.Reps, p.ProlongedReps, p.Iterations, p.Timeout)
	}
	tw.Flush()
	fmt.Fprintln(w, "\noption variables:")
	for _, name := range slices.Sorted(maps.Keys(EnvVars)) {
		fmt.Fprintf(w, "  %-22s %s\n", name, EnvVars[name])
	}
}

func printHost(w io.Writer, h host.State) {
	fmt.Fprintf(w, "\nhost: %s, %d cores, Linux %s, turbo %s\n", h.CPUModel, h.Cores, h.Kernel, h.Turbo)
	for _, c := range h.CPUs {
		fmt.Fprintf(w, "  cpu%d: governor %s, %d kHz (min %d, max %d)\n", c.CPU, c.Governor, c.CurKHz, c.MinKHz, c.MaxKHz)
	}
	if h.Note != "" {
		fmt.Fprintf(w, "  %s\n", h.Note)
	}
	if h.FixedFrequency() {
		fmt.Fprintln(w, "verdict: FIXED frequency — timings are comparable across runs")
	} else {
		fmt.Fprintln(w, "verdict: NOT fixed-frequency — timings may drift with frequency scaling; run `go tool mage fixhost` as root where cpufreq is exposed, or report the variance")
	}
}
