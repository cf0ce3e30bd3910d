//go:build mage

// The Slurm executor's targets (RTWASM_EXECUTOR=slurm): `go tool mage all`
// lists the run's trials here and submits them; the Slurm jobs run shard and merge in
// this checkout, which every node must see at the same path.

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"github.com/rtwasm/rtwasm/fleet"
	"github.com/rtwasm/rtwasm/pipeline"
	"github.com/rtwasm/rtwasm/reports"
)

// Shard measures one shard of a fleet run: run by the fleet's Slurm job
// script with RTWASM_RUN_DIR and RTWASM_SHARD set, never by hand. It takes
// the run's options from its manifest and skips the trials its journal holds.
func Shard(ctx context.Context) error {
	mg.Deps(loadOptions)
	dir, shard, err := pipeline.ShardFromEnv()
	if err != nil {
		return err
	}
	o, _, err := pipeline.FleetOptions(opts, dir)
	if err != nil {
		return err
	}
	opts = o
	mg.Deps(Build)
	return pipeline.RunShard(ctx, opts, builds, dir, shard, os.Stdout)
}

// Merge completes a fleet run once every shard finished: it checks each
// listed trial was journaled exactly once, writes samples.parquet and the
// manifest with every host's fingerprint, and renders the report. The
// fleet's merge job runs it with RTWASM_RUN_DIR set.
func Merge() error {
	mg.Deps(loadOptions)
	dir, _, err := pipeline.ShardFromEnv()
	if err != nil {
		return err
	}
	if err := pipeline.MergeFleet(dir, os.Stdout); err != nil {
		return err
	}
	out, err := reports.Render(dir)
	if err == nil {
		fmt.Println("report written to", filepath.Join(out, "index.html"))
	}
	return err
}

// Status shows the progress of RTWASM_RUN=<run-id> (default latest) from
// its journals — done/total per shard and per host for a fleet run — and
// the state of its Slurm jobs.
func Status(ctx context.Context) error {
	mg.Deps(loadOptions)
	dir, err := runDir()
	if err != nil {
		return err
	}
	return pipeline.PrintStatus(ctx, os.Stdout, dir, fleet.Slurm{})
}
