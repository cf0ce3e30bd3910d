// Package pipeline composes a measurement: options and profiles, the
// registry of runtimes, the build (kernels, runner, per-runtime preparation),
// the trial list in seeded random order, the executors (local, Slurm) and
// the measuring loop with its journal and progress, the plan (time and size
// estimate), verify and doctor. It is the only package that knows
// every other one; nothing below it may import it (the report reads only the
// run package's files, the adapters only the runtimes boundary).
package pipeline
