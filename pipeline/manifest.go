package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/toolchain"
)

// Manifest describes a run: the host, the tools, the options and the
// artifacts, so that a report needs nothing but the run directory.
type Manifest struct {
	RunID       string                 `json:"run_id"`
	Project     string                 `json:"project_commit"`
	Started     time.Time              `json:"started"`
	Finished    time.Time              `json:"finished"`
	Resumes     int                    `json:"resumes"` // times an interrupted run was resumed
	Experiments []string               `json:"experiments"`
	Options     Options                `json:"options"`
	HostStart   Host                   `json:"host_start"`
	HostEnd     Host                   `json:"host_end"`
	Compilers   []toolchain.Provenance `json:"compilers"`
	Runtimes    []RuntimeInfo          `json:"runtimes"`
	Artifacts   []ArtifactRecord       `json:"artifacts"`
}

// RuntimeInfo records whether a runtime could be used and which version ran.
type RuntimeInfo struct {
	ID        string `json:"id"`
	Target    string `json:"target"`
	ColdStart string `json:"cold_start"`
	Available bool   `json:"available"`
	Version   string `json:"version,omitempty"`
	Binary    string `json:"binary,omitempty"`
	Reason    string `json:"reason,omitempty"` // why it is unavailable
}

// ArtifactRecord identifies one built kernel binary.
type ArtifactRecord struct {
	Benchmark string `json:"benchmark"`
	Dataset   string `json:"dataset"`
	Target    string `json:"target"`
	SHA256    string `json:"sha256"`
	Bytes     int64  `json:"bytes"`
	Compiler  string `json:"compiler"`
}

// Host is the state of the machine at one moment.
type Host struct {
	CPUModel string    `json:"cpu_model"`
	Cores    int       `json:"cores"`
	Kernel   string    `json:"kernel"`
	GoArch   string    `json:"goarch"`
	CPUs     []CPUFreq `json:"cpus,omitempty"` // empty where cpufreq is not exposed
	Note     string    `json:"note,omitempty"`
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
func (h Host) FixedFrequency() bool {
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

// ReadHost reads the host's state from /proc and /sys.
func ReadHost() Host {
	h := Host{Cores: runtime.NumCPU(), GoArch: runtime.GOARCH}
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

// WriteManifest writes manifest.json into dir.
func WriteManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644)
}

// ReadManifest reads manifest.json from dir.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("parse %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	return m, nil
}
