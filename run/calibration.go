package run

// Calibration is the launch floor of each measured path, taken at the start
// of a run: how long launch → main_start takes for a module that does
// nothing (an empty kernel behind the same harness), started exactly as
// the samples are. A reader can subtract it from start-up figures, or judge
// how much of a small difference is rtwasm's own.
type Calibration struct {
	Reps   int     `json:"reps"`             // launches per path
	Floors []Floor `json:"floors"`           // one per calibrated path
	Note   string  `json:"note,omitempty"`   // what was not calibrated, and why
	Launch string  `json:"launch,omitempty"` // how the launches were made (pinning, policy, stack)
}

// Floor is one path's launch → main_start of the empty module.
type Floor struct {
	Path     string `json:"path"` // a runtime id and cold-start model, or "posix_spawn launcher" for the C baseline
	MedianNS int64  `json:"median_ns"`
	MinNS    int64  `json:"min_ns"`
	MaxNS    int64  `json:"max_ns"`
	Error    string `json:"error,omitempty"` // why this path could not be calibrated
}
