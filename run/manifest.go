package run

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rtwasm/rtwasm/host"
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
	HostStart   host.State             `json:"host_start"`
	HostEnd     host.State             `json:"host_end"`
	Compilers   []toolchain.Provenance `json:"compilers"`
	Runtimes    []RuntimeInfo          `json:"runtimes"`
	Artifacts   []ArtifactRecord       `json:"artifacts"`
	Calibration *Calibration           `json:"calibration,omitempty"` // the launch floor per path, measured at run start
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
