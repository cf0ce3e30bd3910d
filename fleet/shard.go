// Package fleet is the Slurm executor's boundary: it deals a run's trial list
// into shards, submits them as one Slurm job array with a dependent merge
// Slurm job, and reports the Slurm jobs' state. It knows nothing of what a trial measures: the
// caller passes the shell commands that run a shard and merge the results, so
// it must not import the pipeline (or engine/run) packages; they import it.
package fleet

// Shard deals trials round-robin, in the given (seeded, listed) order, into
// at most shards groups: trial i goes to shard i mod shards. The result is
// deterministic and each shard keeps the trial list's relative order. shards is
// clamped to [1, len(trials)] so no shard is empty; no trials gives nil.
func Shard(trials []string, shards int) [][]string {
	if len(trials) == 0 {
		return nil
	}
	shards = max(1, min(shards, len(trials)))
	out := make([][]string, shards)
	for i, c := range trials {
		out[i%shards] = append(out[i%shards], c)
	}
	return out
}
