package run

import "time"

// Options control a run. They come from a profile, overridden by RTWASM_*
// environment variables (see EnvVars).
type Options struct {
	Profile       string        `json:"profile"`
	Benchmarks    []string      `json:"benchmarks"`
	Runtimes      []string      `json:"runtimes"`
	ColdStarts    []string      `json:"cold_starts"` // process and/or embedded
	Dataset       Dataset       `json:"dataset"`
	Reps          int           `json:"reps"`           // startup and total samples per cell
	ProlongedReps int           `json:"prolonged_reps"` // prolonged processes per cell
	Iterations    int           `json:"iterations"`     // init+kernel runs per prolonged process
	Timeout       time.Duration `json:"timeout_ns"`     // per sample
	Seed          int64         `json:"seed"`           // shuffles the sample order
	CPUs          []int         `json:"cpus"`           // every sample is pinned to these; empty: not pinned
	Stack         int64         `json:"stack_bytes"`    // RLIMIT_STACK of every sampled process
	Sched         string        `json:"sched"`          // other | fifo:<prio>
	Mlock         bool          `json:"mlock"`          // lock sampled processes' memory where the runtime can
	Stress        string        `json:"stress"`         // none | cpu | memory | io on the other CPUs
	Gap           time.Duration `json:"gap_ns"`         // pause between trials (tail hygiene)
	Cyclictest    time.Duration `json:"cyclictest_ns"`  // host latency floor before and after the run; 0: off
	Executor      string        `json:"executor"`       // local | slurm
	Shards        int           `json:"shards"`         // fleet shards (slurm)
	Partition     string        `json:"partition"`      // Slurm partition (slurm)
	Budget        time.Duration `json:"budget_ns"`      // wall-time budget of a budgeted profile
	// Precision turns on adaptive sampling: cells are sampled in rounds
	// until the 95 % CI of each median has at most this half-width
	// relative to it (0.05 for 5 %), or until MaxReps; 0 keeps Reps fixed.
	Precision float64 `json:"precision,omitempty"`
	MaxReps   int     `json:"max_reps,omitempty"` // repetitions per cell at most (adaptive sampling)
	// PerExperiment narrows one experiment's kernels and repetitions (the
	// budgeted claims profile); experiments not listed use the fields above.
	PerExperiment map[string]ExperimentCells `json:"per_experiment,omitempty"`
	Resume        string                     `json:"-"` // id of an interrupted run to complete
	Started       time.Time                  `json:"-"` // when the options were read: a budget counts from here
	DataDir       string                     `json:"-"`
	BuildDir      string                     `json:"-"`
	CacheDir      string                     `json:"-"`
	WAMRSrc       string                     `json:"-"` // RTWASM_WAMR_SRC: WAMR's source archives; "" downloads them
	Reference     string                     `json:"-"`
	Verify        string                     `json:"-"` // reference | cross
	Confirm       bool                       `json:"-"` // run a plan above the size limits
	// BudgetFit is how a budgeted run fitted its cells to the budget from
	// a calibration at short datasets (pipeline/budget.go).
	BudgetFit *BudgetFit `json:"budget_fit,omitempty"`
}

// ExperimentCells are the kernels and repetitions of one experiment when
// they differ from the run's (Options.PerExperiment).
type ExperimentCells struct {
	Benchmarks []string `json:"benchmarks"`
	Reps       int      `json:"reps"`             // samples (prolonged: processes) per cell
	Series     []string `json:"series,omitempty"` // series measured; empty: every selected one
}

// BudgetFit records how a budgeted run was fitted to its budget: what the
// calibration cost, how short-dataset job times were scaled to the run's
// dataset, the limits each trial and round got, and what was cut.
type BudgetFit struct {
	Calibration time.Duration      `json:"calibration_ns"`      // wall time of the calibration
	Datasets    []Dataset          `json:"calibrated_at"`       // the short datasets calibrated
	Exponents   map[string]float64 `json:"exponents,omitempty"` // kernel → fitted power-law exponent of its job time in the size
	TrialCap    time.Duration      `json:"trial_cap_ns"`        // time limit of every trial
	FirstRound  time.Duration      `json:"first_round_ns"`      // what the first round was fitted to
	Cut         []string           `json:"cut,omitempty"`       // what the budget left out, and why
}
