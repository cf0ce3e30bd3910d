// Package host reads and controls the machine a run measures on: CPU model,
// kernel, per-core frequency scaling and turbo (Read), fixing the frequency
// where Linux allows it (Fix), real-time readiness for the sampled CPUs
// (ReadReadiness: isolation, tick, RCU, IRQs, SMT, idle states, THP, RT
// throttling, cpu_dma_latency, virtualisation), the run-time-settable part
// of it with its restore (FixRealTime, RestoreRealTime, HoldDMALatency), and
// the host's own scheduling-latency floor (Cyclictest). A State is recorded
// at a run's start and end. It reads /proc and /sys (under a root path, so
// tests use fixture trees), runs rt-tests' cyclictest, and imports nothing
// of rtwasm.
package host

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// State is the machine at one moment.
type State struct {
	CPUModel string    `json:"cpu_model"`
	Cores    int       `json:"cores"`
	Kernel   string    `json:"kernel"`
	GoArch   string    `json:"goarch"`
	CPUs     []CPUFreq `json:"cpus,omitempty"` // empty where cpufreq is not exposed
	Turbo    string    `json:"turbo"`          // on | off | unknown
	Note     string    `json:"note,omitempty"`
	// RealTime is the real-time readiness for the sampled CPUs (ReadFor);
	// absent in fleet records and runs from before it existed.
	RealTime *Readiness `json:"realtime,omitempty"`
}

// ReadFor is Read with the real-time readiness of the host for samples
// pinned to cpus.
func ReadFor(cpus []int) State {
	h := Read()
	r := ReadReadiness("/", cpus)
	h.RealTime = &r
	return h
}

// CPUFreq is one core's frequency scaling state, in kHz.
type CPUFreq struct {
	CPU      int    `json:"cpu"`
	Governor string `json:"governor"`
	CurKHz   int64  `json:"cur_khz"`
	MinKHz   int64  `json:"min_khz"`
	MaxKHz   int64  `json:"max_khz"`
}

// FixedFrequency reports whether every core is pinned to one frequency.
func (h State) FixedFrequency() bool {
	if len(h.CPUs) == 0 {
		return false
	}
	for _, c := range h.CPUs {
		if c.MinKHz == 0 || c.MinKHz != c.MaxKHz {
			return false
		}
	}
	return true
}

// Read reads the host's state from /proc and /sys.
func Read() State {
	h := State{Cores: runtime.NumCPU(), GoArch: runtime.GOARCH}
	h.Kernel = readTrim("/proc/sys/kernel/osrelease")
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(info), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				h.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	for cpu := 0; cpu < h.Cores; cpu++ {
		dir := fmt.Sprintf("/sys/devices/system/cpu/cpu%d/cpufreq", cpu)
		gov := readTrim(filepath.Join(dir, "scaling_governor"))
		if gov == "" {
			continue
		}
		h.CPUs = append(h.CPUs, CPUFreq{CPU: cpu, Governor: gov,
			CurKHz: readInt(filepath.Join(dir, "scaling_cur_freq")),
			MinKHz: readInt(filepath.Join(dir, "scaling_min_freq")),
			MaxKHz: readInt(filepath.Join(dir, "scaling_max_freq"))})
	}
	h.Turbo = readTurbo()
	if len(h.CPUs) == 0 {
		h.Note = "cpufreq is not exposed (/sys/devices/system/cpu/cpu*/cpufreq missing): the frequency cannot be read or fixed, typical of a VM"
	}
	return h
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func readInt(path string) int64 {
	var v int64
	fmt.Sscan(readTrim(path), &v)
	return v
}

// turboFiles are where Linux exposes turbo/boost: intel_pstate says
// no_turbo=1 when it is off, acpi-cpufreq says boost=0.
var turboFiles = []struct {
	path, offValue string
}{
	{"/sys/devices/system/cpu/intel_pstate/no_turbo", "1"},
	{"/sys/devices/system/cpu/cpufreq/boost", "0"},
}

func readTurbo() string {
	for _, f := range turboFiles {
		if v := readTrim(f.path); v != "" {
			if v == f.offValue {
				return "off"
			}
			return "on"
		}
	}
	return "unknown"
}

// Fix pins every core to one frequency where Linux lets it: the
// performance governor, minimum = maximum, turbo off. It says what it did
// and, where it could not, why.
func Fix(w io.Writer) error {
	h := Read()
	if len(h.CPUs) == 0 {
		return fmt.Errorf("cannot fix the frequency: %s", h.Note)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("cannot fix the frequency: writing /sys/devices/system/cpu/*/cpufreq needs root")
	}
	var errs []string
	for _, c := range h.CPUs {
		dir := fmt.Sprintf("/sys/devices/system/cpu/cpu%d/cpufreq", c.CPU)
		base := readInt(filepath.Join(dir, "base_frequency"))
		if base == 0 {
			base = readInt(filepath.Join(dir, "cpuinfo_max_freq"))
		}
		for _, set := range []struct{ file, value string }{
			{"scaling_governor", "performance"},
			{"scaling_max_freq", fmt.Sprint(base)},
			{"scaling_min_freq", fmt.Sprint(base)},
		} {
			if err := os.WriteFile(filepath.Join(dir, set.file), []byte(set.value), 0o644); err != nil {
				errs = append(errs, err.Error())
			}
		}
		fmt.Fprintf(w, "cpu%d: performance governor, %d kHz\n", c.CPU, base)
	}
	for _, f := range turboFiles {
		if readTrim(f.path) != "" {
			if err := os.WriteFile(f.path, []byte(f.offValue), 0o644); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("fixing the frequency partly failed: %s", strings.Join(errs, "; "))
	}
	return nil
}
