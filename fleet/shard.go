// Package fleet is the Slurm executor boundary: it deals a planned run's cells
// into shards, submits them as one Slurm job array with a dependent merge job,
// and reports the jobs' state. It knows nothing of what a cell measures: the
// caller passes the shell commands that run a shard and merge the results, so
// it must not import the pipeline (or engine/run) packages; they import it.
package fleet

// Shard deals cells round-robin, in the given (seeded, planned) order, into
// at most shards groups: cell i goes to shard i mod shards. The result is
// deterministic and each shard keeps the plan's relative order. shards is
// clamped to [1, len(cells)] so no shard is empty; no cells gives nil.
func Shard(cells []string, shards int) [][]string {
	if len(cells) == 0 {
		return nil
	}
	shards = max(1, min(shards, len(cells)))
	out := make([][]string, shards)
	for i, c := range cells {
		out[i%shards] = append(out[i%shards], c)
	}
	return out
}
