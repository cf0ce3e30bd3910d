package reports

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/run"
)

func (r *runData) setupSection(noise runNoise) section {
	m := r.manifest
	c := section{ID: "setup", Heading: headingSetup,
		Paragraphs: []string{r.setupNarrative(), samplingNarrative(m), containerNarrative(m.Runtimes), noise.noiseNarrative()}}
	c.Warning = strings.TrimSpace(partialWarning(m) + " " + frequencyWarning(m.HostStart, m.HostEnd) + " " + noise.noiseWarning())
	c.Tables = []table{r.runTable(), hostTable(m.HostStart, m.HostEnd), compilersTable(m), r.runtimesTable()}
	if m.Calibration != nil {
		c.Tables = append(c.Tables, calibrationTable(*m.Calibration))
	}
	if t, ok := samplingTable(m); ok {
		c.Tables = append(c.Tables, t)
	}
	if noise.measured() || len(noise.rows()) > 0 {
		c.Tables = append(c.Tables, noise.noiseTable(r.benchmarks))
	}
	return c
}

// partialWarning is set for a run that has not taken all its samples.
func partialWarning(m run.Manifest) string {
	if !m.Partial() {
		return ""
	}
	how := "was interrupted"
	if m.State == run.StateRunning {
		how = "is still running or was killed"
	}
	return fmt.Sprintf("PARTIAL RUN: this run %s after %d of %d trials; the figures and tables show only the samples taken so far "+
		"(from its journal). Complete it with RTWASM_RESUME=%s go tool mage resume.", how, m.Taken, m.Planned, m.RunID)
}

// frequencyWarning is set when the CPU frequency was not fixed at the start
// of the run, or was fixed at the start and no longer at the end.
func frequencyWarning(start, end host.State) string {
	if !start.FixedFrequency() {
		return "WARNING: cpufreq was not fixed during this run (the paper pinned its CPU to the 2.3 GHz base frequency), " +
			"so timings may vary with frequency scaling and turbo. Recorded state: " + frequencyText(start) + "."
	}
	if recorded(end) && !end.FixedFrequency() {
		return "WARNING: cpufreq was fixed when the run started but not when it ended, so later samples may have run " +
			"at other frequencies. State at the end: " + frequencyText(end) + "."
	}
	return ""
}

func (r *runData) setupNarrative() string {
	o := r.manifest.Options
	available := 0
	for _, rt := range r.manifest.Runtimes {
		if rt.Available {
			available++
		}
	}
	return fmt.Sprintf("Run %s used the %s profile with the %s dataset: %d repetitions per benchmark × series "+
		"for the startup and total experiments, and %d prolonged process(es) of %d iterations each; "+
		"the sample order was shuffled with seed %d. It covers %d benchmarks and %d series (a series is a runtime id "+
		"in one cold-start model: a fresh process, or \"(embedded)\" in a long-running host process), %d of them available on this host.",
		orDash(r.manifest.RunID), orDash(o.Profile), orDash(string(o.Dataset)), o.Reps, o.ProlongedReps, o.Iterations,
		o.Seed, len(r.benchmarks), len(r.series), available)
}

// containerBase finds the base image or root filesystem a container
// runtime's probe names ("image FROM alpine:3.19 (…), 7.3 MB", "rootfs
// scratch + busybox-static 1.36, 1.2 MB").
var containerBase = regexp.MustCompile(`(?:\bFROM|\brootfs)\s+([^;]+?)(?:, [0-9.]+ [kMG]B|;|$)`)

// containerNarrative names the base of every container series, if any.
func containerNarrative(runtimes []run.RuntimeInfo) string {
	var bases []string
	for _, rt := range runtimes {
		for _, text := range []string{rt.Version, rt.Binary} {
			if m := containerBase.FindStringSubmatch(text); m != nil {
				bases = append(bases, infoSeries(rt)+": "+strings.TrimSpace(m[1]))
				break
			}
		}
	}
	if len(bases) == 0 {
		return ""
	}
	return "Container base: " + strings.Join(bases, "; ") + "."
}

func (r *runData) runTable() table {
	m, o := r.manifest, r.manifest.Options
	rows := [][]string{
		{"Run id", orDash(m.RunID)},
		{"Project commit", orDash(m.Project)},
		{"Profile", orDash(o.Profile)},
		{"Dataset", orDash(string(o.Dataset))},
		{"Repetitions (startup, total)", strconv.Itoa(o.Reps)},
		{"Prolonged processes", strconv.Itoa(o.ProlongedReps)},
		{"Iterations per prolonged process", strconv.Itoa(o.Iterations)},
		{"Timeout per sample", o.Timeout.String()},
		{"Seed (sample order)", strconv.FormatInt(o.Seed, 10)},
		{"Launch (stack, scheduling, memory lock)", launchText(o)},
		{"Interference on the other CPUs, gap between trials", orDash(o.Stress) + ", " + o.Gap.String()},
		{"Executor", executorText(o)},
		{"Experiments", orDash(strings.Join(m.Experiments, ", "))},
		{"Benchmarks", orDash(strings.Join(r.benchmarks, ", "))},
		{"Started", formatInstant(m.Started)},
		{"Finished", formatInstant(m.Finished)},
	}
	return table{Caption: "Run", Header: []string{"Setting", "Value"}, Rows: rows}
}

func hostTable(start, end host.State) table {
	atEnd := func(v string) string {
		if !recorded(end) {
			return "not recorded"
		}
		return v
	}
	row := func(name string, f func(host.State) string) []string {
		return []string{name, f(start), atEnd(f(end))}
	}
	rows := [][]string{
		row("CPU", func(h host.State) string { return orDash(h.CPUModel) }),
		row("Cores", func(h host.State) string { return strconv.Itoa(h.Cores) }),
		row("Kernel", func(h host.State) string { return orDash(h.Kernel) }),
		row("Architecture", func(h host.State) string { return orDash(h.GoArch) }),
		row("CPU frequency", frequencyText),
		row("Turbo", func(h host.State) string { return orDash(h.Turbo) }),
		row("Note", func(h host.State) string { return orDash(h.Note) }),
	}
	return table{Caption: "Host (manifest host_start and host_end)", Header: []string{"Property", "At start", "At end"}, Rows: rows}
}

// recorded reports whether a host state was written to the manifest.
func recorded(h host.State) bool { return h.Cores != 0 || h.Kernel != "" || h.CPUModel != "" }

// frequencyText describes a host's cpufreq state in one line.
func frequencyText(h host.State) string {
	if len(h.CPUs) == 0 {
		if h.Note != "" {
			return h.Note
		}
		return "cpufreq not exposed"
	}
	var governors []string
	lo, hi := h.CPUs[0].MinKHz, h.CPUs[0].MaxKHz
	for _, c := range h.CPUs {
		governors = append(governors, c.Governor)
		lo, hi = min(lo, c.MinKHz), max(hi, c.MaxKHz)
	}
	slices.Sort(governors)
	govText := strings.Join(slices.Compact(governors), ", ")
	if h.FixedFrequency() {
		return fmt.Sprintf("fixed at %s on %d cores (governor %s)", mhz(lo), len(h.CPUs), govText)
	}
	return fmt.Sprintf("scaling between %s and %s on %d cores (governor %s)", mhz(lo), mhz(hi), len(h.CPUs), govText)
}

func mhz(khz int64) string { return strconv.FormatInt(khz/1000, 10) + " MHz" }

func compilersTable(m run.Manifest) table {
	t := table{Caption: "Compilers", Header: []string{"Target", "Compiler", "Version", "Flags", "Source", "Path", "Note"}}
	for _, p := range m.Compilers {
		t.Rows = append(t.Rows, []string{string(p.Target), p.Name, p.Version, strings.Join(p.Flags, " "), p.Source, p.Path, p.Note})
	}
	if len(t.Rows) == 0 {
		t.Note = "The manifest records no compilers."
	}
	return t
}

func (r *runData) runtimesTable() table {
	t := table{Caption: "Series (runtime × cold-start model)",
		Header: []string{"Series", "Runtime", "Cold start", "Target", "Available", "Version or reason", "Binary"}}
	for _, series := range r.series {
		info, known := r.seriesInfo(series)
		switch {
		case !known:
			t.Rows = append(t.Rows, []string{series, "–", "–", "–", "not in manifest", "–", "–"})
		case info.Available:
			t.Rows = append(t.Rows, []string{series, info.ID, orDash(info.ColdStart), info.Target, "yes", orDash(info.Version), orDash(info.Binary)})
		default:
			t.Rows = append(t.Rows, []string{series, info.ID, orDash(info.ColdStart), info.Target, "no", orDash(info.Reason), orDash(info.Binary)})
		}
	}
	return t
}

// formatInstant prints a manifest time in UTC (a property of the run, not
// of the rendering, so the report stays deterministic).
func formatInstant(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format(time.RFC3339)
}

// launchText says how every sampled process was started (older runs
// recorded none of it).
func launchText(o run.Options) string {
	if o.Stack == 0 && o.Sched == "" {
		return "not recorded"
	}
	stack := "inherited"
	if o.Stack > 0 {
		stack = strconv.FormatInt(o.Stack>>10, 10) + " KiB"
	}
	lock := "off"
	if o.Mlock {
		lock = "on where the runtime can"
	}
	return fmt.Sprintf("stack %s, %s, mlock %s (per sample: columns stack_bytes, sched, mlock)", stack, orDash(o.Sched), lock)
}

func executorText(o run.Options) string {
	if o.Executor == "slurm" {
		return fmt.Sprintf("slurm (partition %s, %d shards)", o.Partition, o.Shards)
	}
	return orDash(o.Executor)
}

// calibrationTable shows the launch floor of each path, measured at the
// run's start with a module that does nothing: rtwasm's own share of a
// start-up figure, to subtract or to judge.
func calibrationTable(c run.Calibration) table {
	t := table{Caption: fmt.Sprintf("Launch floor (launch → main_start of an empty module, %d launches per path; %s)", c.Reps, orDash(c.Launch)),
		Header: []string{"Path", "Median (ms)", "Min (ms)", "Max (ms)", "Note"}}
	for _, f := range c.Floors {
		t.Rows = append(t.Rows, []string{f.Path, msText(f.MedianNS), msText(f.MinNS), msText(f.MaxNS), f.Error})
	}
	if c.Note != "" {
		t.Caption += ". " + c.Note
	}
	return t
}

func msText(ns int64) string {
	if ns <= 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(ns)/1e6, 'f', 3, 64)
}
