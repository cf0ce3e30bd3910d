package pipeline

import (
	"context"
	"fmt"
	"io"

	"github.com/rtwasm/rtwasm/fleet"
	"github.com/rtwasm/rtwasm/run"
)

// Executor is where a run's trials are measured: this host (Local) or a
// Slurm job array (Slurm). NewExecutor picks it once from RTWASM_EXECUTOR,
// so that no target branches on the executor.
type Executor interface {
	// Run measures exps into a new run (with o.Resume, completes that run)
	// and returns the run's directory.
	Run(ctx context.Context, o run.Options, b *Builds, exps []string, log io.Writer) (string, error)
	// Completes is true when the run is complete once Run returns: the
	// caller then estimates it before and renders its report after. A
	// Slurm run completes later, and its merge job renders the report.
	Completes() bool
}

// Local measures every trial on this host, in this process.
type Local struct{}

// Run measures the run with RunExperiments.
func (Local) Run(ctx context.Context, o run.Options, b *Builds, exps []string, log io.Writer) (string, error) {
	dir, err := RunExperiments(ctx, o, b, exps, log)
	if err == nil {
		fmt.Fprintln(log, "run written to", dir)
	}
	return dir, err
}

// Completes: a local run is complete when Run returns.
func (Local) Completes() bool { return true }

// Slurm lists the run's trials and submits them as a Slurm job array plus a
// merge job (SubmitFleet).
type Slurm struct {
	Client fleet.Slurm
	// Checkout is the checkout whose shard and merge targets the Slurm jobs
	// run; every node must see it at the same path.
	Checkout string
}

// Run submits the run and returns as soon as Slurm accepted it.
func (s Slurm) Run(ctx context.Context, o run.Options, b *Builds, exps []string, log io.Writer) (string, error) {
	dir, _, err := SubmitFleet(ctx, o, b, exps, s.Client, s.Checkout, log)
	return dir, err
}

// Completes: a Slurm run is complete only after its merge job.
func (Slurm) Completes() bool { return false }

// NewExecutor is the executor o.Executor names; checkout is this checkout's
// directory, where Slurm jobs run the shard and merge targets.
func NewExecutor(o run.Options, client fleet.Slurm, checkout string) (Executor, error) {
	switch o.Executor {
	case ExecutorLocal, "":
		return Local{}, nil
	case ExecutorSlurm:
		return Slurm{Client: client, Checkout: checkout}, nil
	}
	return nil, fmt.Errorf("unknown RTWASM_EXECUTOR %q; valid: %s, %s", o.Executor, ExecutorLocal, ExecutorSlurm)
}
