package run

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/internal/safefile"
)

// Manifest describes a run: the host, the tools, the options and the
// artifacts, so that a report needs nothing but the run directory.
type Manifest struct {
	RunID    string    `json:"run_id"`
	Project  string    `json:"project_commit"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Resumes  int       `json:"resumes"` // times an interrupted run was resumed
	// State is running while samples are taken, interrupted when a signal
	// stopped the run (resumable), complete once samples.parquet is written.
	// Empty in runs written before it existed: complete if they have samples.
	State       string           `json:"state,omitempty"`
	Taken       int              `json:"trials_taken,omitempty"`   // trials journaled when State was last written
	Planned     int              `json:"trials_planned,omitempty"` // trials the run measures
	Experiments []string         `json:"experiments"`
	Options     Options          `json:"options"`
	HostStart   host.State       `json:"host_start"`
	HostEnd     host.State       `json:"host_end"`
	Compilers   []Provenance     `json:"compilers"`
	WAMRBuilds  []WAMRBuild      `json:"wamr_builds,omitempty"` // the WAMR modes rtwasm built (go tool mage wamr)
	Runtimes    []RuntimeInfo    `json:"runtimes"`
	Artifacts   []ArtifactRecord `json:"artifacts"`
	Hosts       []HostRecord     `json:"hosts,omitempty"`       // fleet runs: each shard attempt's host, at start and end
	Calibration *Calibration     `json:"calibration,omitempty"` // the launch floor per path, measured at run start
	// HostLatency is the host's own wake-up latency (cyclictest) on the
	// sampled CPUs before and after the samples (RTWASM_CYCLICTEST).
	HostLatency []host.Latency `json:"host_latency,omitempty"`
	// DMALatency says whether the run held /dev/cpu_dma_latency at 0 µs.
	DMALatency string `json:"cpu_dma_latency,omitempty"`
	// Adaptive sampling (Options.Precision): the rounds planned so far, so
	// a resumed run continues them, and how each cell's sampling ended.
	Rounds   []Round    `json:"rounds,omitempty"`
	Sampling []CellStop `json:"sampling,omitempty"`
}

// Round is one round of adaptive sampling: the repetitions each cell has
// once the round's trials are taken (cells absent keep their count).
type Round struct {
	Reps map[string]int `json:"reps"` // CellID → repetitions after the round
}

// CellID names a cell (experiment × kernel × series) in Round and CellStop.
func CellID(experiment, benchmark, series string) string {
	return experiment + "|" + benchmark + "|" + series
}

// How a cell's adaptive sampling ended (CellStop.Stop).
const (
	StopPrecision = "precision" // its median's CI met the target
	StopCap       = "cap"       // it reached Options.MaxReps first
	StopBudget    = "budget"    // the run's budget ended the rounds first
	StopFailed    = "failed"    // its trials failed: no precision to measure
)

// CellStop is how one cell's adaptive sampling ended.
type CellStop struct {
	Cell string `json:"cell"` // CellID
	Reps int    `json:"reps"` // repetitions taken
	// HalfWidth is the 95 % CI of the median's half-width relative to it;
	// -1 when too few samples gave no CI.
	HalfWidth float64 `json:"half_width"`
	Stop      string  `json:"stop"`
	// JobsPerProcess is, for a prolonged cell of two or more processes,
	// the measured jobs per process Kalibera & Jones' plan finds optimal
	// (RTWASM_ITERATIONS is fixed within a run; this is advice for the next).
	JobsPerProcess int `json:"jobs_per_process,omitempty"`
}

// HostRecord fingerprints the host a fleet shard ran on, at the start or the
// end of one attempt (a requeued shard has several), so that hosts that
// differ — CPU, frequency state, kernel, runtime versions — are on record.
type HostRecord struct {
	Shard    int           `json:"shard"`
	Attempt  int           `json:"attempt"` // 1 + Slurm's restart count
	Phase    string        `json:"phase"`   // start | end
	At       time.Time     `json:"at"`
	Host     string        `json:"host"`
	State    host.State    `json:"state"`
	Runtimes []RuntimeInfo `json:"runtimes"` // as probed on this host
}

// Run states (Manifest.State).
const (
	StateRunning     = "running"
	StateInterrupted = "interrupted"
	StateComplete    = "complete"
	// A fleet run is planned, then submitted to Slurm (running) or, if the
	// submission failed, left for resume to resubmit; neither has started.
	StatePlanned          = "planned"
	StateSubmissionFailed = "submission failed"
)

// NeverStarted reports whether the run was planned but never submitted,
// so it has no sample to report.
func (m Manifest) NeverStarted() bool {
	return m.State == StatePlanned || m.State == StateSubmissionFailed
}

// Partial reports whether the run has not taken all its samples: it was
// interrupted, or killed while running (State still running).
func (m Manifest) Partial() bool { return m.State == StateRunning || m.State == StateInterrupted }

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

// WriteManifest writes manifest.json into dir.
func WriteManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	// Written aside and renamed, so a kill never leaves half a manifest.
	return safefile.WriteFile(dir, "manifest.json", append(b, '\n'))
}

// ReadManifest reads manifest.json from dir.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := safefile.ReadRegular(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("parse %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	return m, nil
}
