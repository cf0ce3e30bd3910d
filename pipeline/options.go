package pipeline

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/internal/shell"
	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// Profiles are the named starting points for run.Options.
var Profiles = map[string]run.Options{
	// smoke: every kernel at MINI, a few samples: minutes, for tests and CI.
	"smoke": {Dataset: kernels.Mini, Reps: 3, ProlongedReps: 1, Iterations: 5, Timeout: 2 * time.Minute},
	// quick: SMALL, enough samples for medians and trends.
	// Adaptive: more samples where a cell's median is not yet within ±5 %.
	"quick": {Dataset: kernels.Small, Reps: 5, ProlongedReps: 1, Iterations: 20, Timeout: 10 * time.Minute, Precision: 0.05},
	// paper: the paper's LARGE dataset and 25 repetitions; hours on a small host.
	"paper": {Dataset: kernels.Large, Reps: 25, ProlongedReps: 1, Iterations: 30, Timeout: 2 * time.Hour},
	// tail: the real-time view's diet (see tail.go): 1,000 cold starts and
	// 10 × 101 jobs (1,000 after the warm-up job) per cell on three kernels, spaced by a gap.
	"tail": tailProfile,
	// claims: LARGE, only the cells the reproduction verdict needs, fitted
	// to RTWASM_BUDGET (see claims.go).
	ProfileClaims: {Dataset: kernels.Large, Reps: 25, ProlongedReps: 3, Iterations: 10, Timeout: 30 * time.Minute, Budget: DefaultBudget,
		Precision: 0.05},
}

// EnvVars documents every option variable.
var EnvVars = map[string]string{
	"RTWASM_PROFILE":        "smoke | quick | paper | tail | claims (default smoke)",
	"RTWASM_BENCHMARKS":     "comma-separated kernel names, or all (default all)",
	"RTWASM_RUNTIMES":       "comma-separated runtime ids engine:mode, or all (default all)",
	"RTWASM_COLD_START":     "process, embedded, or all: the cold-start models of embedded engines (default all)",
	"RTWASM_DATASET":        "MINI | SMALL | MEDIUM | LARGE | EXTRALARGE (default: the profile's)",
	"RTWASM_REPS":           "startup and total samples per benchmark × runtime",
	"RTWASM_PROLONGED_REPS": "prolonged processes per benchmark × runtime",
	"RTWASM_ITERATIONS":     "init+kernel runs in one prolonged process",
	"RTWASM_TIMEOUT":        "per-sample time limit, a Go duration such as 90s",
	"RTWASM_CPUS":           "CPUs every sample is pinned to, e.g. 1 or 2,3; none disables (default: the last CPU)",
	"RTWASM_SEED":           "seed of the shuffled sample order (default: time-based, recorded)",
	"RTWASM_DATA":           "where runs are written (default data/runs)",
	"RTWASM_BUILD":          "build cache directory (default build)",
	"RTWASM_CACHE":          "toolchain download cache (default ~/.cache/rtwasm)",
	"RTWASM_RESUME":         "id of an interrupted run under RTWASM_DATA to complete (its own options are used)",
	"RTWASM_RUN":            "id of the run under RTWASM_DATA that report, explain, interference, status, artifact and hybrid read, or latest (default: latest; report: the run just made, else latest)",
	"RTWASM_VERIFY":         "reference (dumps equal the reference files) or cross (every runtime's dump equals native:glibc's, at any dataset; default reference)",
	"RTWASM_REFERENCE":      "reference dumps for verify (default ../shared/polybench/reference/<DATASET> if present, else kernels/reference/<DATASET>)",
	"RTWASM_IWASM":          "WAMR iwasm builds, separated by commas or colons; each wamr mode runs on the build with the fewest other modes (default: the builds of go tool mage wamr, else iwasm on PATH)",
	"RTWASM_WAMRC":          "WAMR's AOT compiler wamrc for wamr:aot (default: the one go tool mage wamr built, else wamrc on PATH)",
	"RTWASM_WAMR_SRC":       "directory holding WAMR 2.4.5's source archives (wasm-micro-runtime-WAMR-2.4.5, asmjit, simde .tar.gz) for go tool mage wamr on offline hosts (default: download them from GitHub)",
	"RTWASM_WASMER":         "the Wasmer CLI for wasmer:* (default: wasmer on PATH)",
	"RTWASM_WASMTIME":       "the Wasmtime CLI for wasmtime-cli:* (default: wasmtime on PATH)",

	// The fleet executor (pipeline/fleet.go).
	"RTWASM_EXECUTOR":        "local (default: measure on this host) or slurm (plan here, measure as a Slurm job array; see go tool mage -h all)",
	"RTWASM_SHARDS":          "slurm: how many shards (array tasks, one node each) to split the trials into (default: the partition's idle nodes)",
	"RTWASM_SLURM_PARTITION": "slurm: the partition to submit to (required with RTWASM_EXECUTOR=slurm; see sinfo -s)",
	"RTWASM_SHARD":           "set by the fleet's job script: the shard index this invocation of go tool mage shard measures",
	"RTWASM_RUN_DIR":         "set by the fleet's job scripts: the absolute run directory a shard or the merge works in",

	// Tail and interference (tail.go, stress.go).
	"RTWASM_STRESS":     "none | cpu | memory | io: every trial is made plain and stressed, in alternating blocks; stress-ng loads the CPUs samples are not pinned to during stressed blocks (default none)",
	"RTWASM_GAP":        "pause between trials, a Go duration such as 5ms (default: the profile's; tail 5ms, others 0)",
	"RTWASM_COMPARE":    "id of a second run under RTWASM_DATA that `mage interference` compares with RTWASM_RUN's tails",
	"RTWASM_CYCLICTEST": "off, or how long rt-tests' cyclictest measures the host's wake-up latency on the sampled CPUs before and after the run, a Go duration ≥ 1s (default: tail 10s, others off)",

	// Launch conditions of every sampled process (recorded per sample).
	"RTWASM_STACK": "stack limit (RLIMIT_STACK) of every sampled process: bytes, or with K/M/G (KiB…), or inherit (default 8M, a login shell's)",
	"RTWASM_SCHED": "scheduling policy of every sampled process: other | fifo:<1-99> (default other; fifo needs root or CAP_SYS_NICE, a refusal is recorded)",
	"RTWASM_MLOCK": "1: sampled processes lock their memory (mlockall) where the runtime can (native, rtwasm's runner); others record n/a (default 0)",

	// Safety.
	"RTWASM_CONFIRM": "1: run a plan above the size limit (500,000 trials or 2,000,000 samples), which is refused otherwise (default 0)",

	// The claims profile (claims.go).
	"RTWASM_BUDGET": "wall-time budget of the claims profile, a Go duration (default 90m); with RTWASM_PRECISION, no sampling round starts past it",

	// Adaptive sampling (rounds.go).
	"RTWASM_PRECISION": "adaptive sampling: sample cells in rounds until the 95 % CI of each median is within ±this of it, e.g. 5% (default: the profile's; off: fixed repetitions)",
	"RTWASM_MAX_REPS":  "adaptive sampling: start-up and total samples per cell at most; prolonged processes the same multiple of RTWASM_PROLONGED_REPS (default 4 × RTWASM_REPS)",

	// Artifact evaluation (package artifact).
	"RTWASM_ARTIFACT": "the bundle `mage check-artifact` verifies: the .tar.gz `mage artifact` wrote, or its unpacked directory",
}

// defaultDataDir is where runs go without RTWASM_DATA.
const defaultDataDir = "data/runs"

// ResumeCommand is the shell command that completes run id under dataDir,
// each value quoted (a data directory may hold spaces or quotes).
func ResumeCommand(dataDir, id string) string {
	data := ""
	if dataDir != defaultDataDir {
		data = "RTWASM_DATA=" + shell.Quote(dataDir) + " "
	}
	return data + "RTWASM_RESUME=" + shell.Quote(id) + " go tool mage resume"
}

// LoadOptions reads the options from the environment.
func LoadOptions() (run.Options, error) {
	if err := checkEnvNames(os.Environ()); err != nil {
		return run.Options{}, err
	}
	return ParseOptions(os.Getenv)
}

// ParseOptions builds Options from a profile and variable lookups, rejecting
// unknown variables, names and values with the list of valid ones.
func ParseOptions(getenv func(string) string) (run.Options, error) {
	name := orDefault(getenv("RTWASM_PROFILE"), "smoke")
	o, ok := Profiles[name]
	if !ok {
		return o, fmt.Errorf("unknown RTWASM_PROFILE %q; valid: %s", name, strings.Join(slices.Sorted(maps.Keys(Profiles)), ", "))
	}
	o.Profile = name
	o.Started = time.Now()
	o.Seed = o.Started.UnixNano()
	o.DataDir = orDefault(getenv("RTWASM_DATA"), defaultDataDir)
	o.Resume = getenv("RTWASM_RESUME")
	o.BuildDir = orDefault(getenv("RTWASM_BUILD"), "build")
	var err error
	o.CacheDir = getenv("RTWASM_CACHE")
	if o.CacheDir == "" {
		if o.CacheDir, err = toolchain.DefaultCacheDir(); err != nil {
			return o, err
		}
	}
	if o.WAMRSrc, err = parseWAMRSrc(getenv(toolchain.WAMRSrcVar)); err != nil {
		return o, err
	}
	if o.Verify = orDefault(getenv("RTWASM_VERIFY"), VerifyReference); !slices.Contains([]string{VerifyReference, VerifyCross}, o.Verify) {
		return o, fmt.Errorf("unknown RTWASM_VERIFY %q; valid: %s, %s", o.Verify, VerifyReference, VerifyCross)
	}
	if o.Benchmarks, err = parseList(getenv("RTWASM_BENCHMARKS"), "RTWASM_BENCHMARKS", kernels.Names()); err != nil {
		return o, err
	}
	if o.Runtimes, err = parseList(getenv("RTWASM_RUNTIMES"), "RTWASM_RUNTIMES", RuntimeIDs()); err != nil {
		return o, err
	}
	if o.ColdStarts, err = parseList(getenv("RTWASM_COLD_START"), "RTWASM_COLD_START", []string{run.ColdProcess, run.ColdEmbedded}); err != nil {
		return o, err
	}
	if v := getenv("RTWASM_DATASET"); v != "" {
		if o.Dataset, err = kernels.ParseDataset(v); err != nil {
			return o, fmt.Errorf("RTWASM_DATASET: %w", err)
		}
	}
	o.Reference = orDefault(getenv("RTWASM_REFERENCE"), defaultReference(o.Dataset))
	for _, f := range []struct {
		name string
		dst  *int
		min  int
	}{{"RTWASM_REPS", &o.Reps, 1}, {"RTWASM_PROLONGED_REPS", &o.ProlongedReps, 1}, {"RTWASM_ITERATIONS", &o.Iterations, 1}} {
		if err := parseInt(getenv(f.name), f.name, f.min, f.dst); err != nil {
			return o, err
		}
	}
	if v := getenv("RTWASM_TIMEOUT"); v != "" {
		if o.Timeout, err = time.ParseDuration(v); err != nil || o.Timeout <= 0 {
			return o, fmt.Errorf("RTWASM_TIMEOUT=%q: want a positive Go duration such as 90s or 10m", v)
		}
	}
	o.CPUs = []int{runtime.NumCPU() - 1}
	if v := getenv("RTWASM_CPUS"); v != "" {
		if o.CPUs, err = parseCPUs(v, runtime.NumCPU()); err != nil {
			return o, err
		}
	}
	if err := parseExecutor(getenv, &o); err != nil {
		return o, err
	}
	if err := parseTailOptions(getenv, &o); err != nil {
		return o, err
	}
	if err := parseLaunch(getenv, &o); err != nil {
		return o, err
	}
	if err := parseBudget(getenv("RTWASM_BUDGET"), &o); err != nil {
		return o, err
	}
	switch v := getenv("RTWASM_CONFIRM"); v {
	case "", "0":
	case "1":
		o.Confirm = true
	default:
		return o, fmt.Errorf("RTWASM_CONFIRM=%q: want 1 or 0", v)
	}
	if err := parsePrecision(getenv, &o); err != nil {
		return o, err
	}
	if v := getenv("RTWASM_SEED"); v != "" {
		if o.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			return o, fmt.Errorf("RTWASM_SEED=%q: want an integer", v)
		}
	}
	return o, nil
}

// parseWAMRSrc makes RTWASM_WAMR_SRC absolute and refuses what is not a directory.
func parseWAMRSrc(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		return "", err
	}
	if info, err := os.Stat(abs); err != nil || !info.IsDir() {
		return "", fmt.Errorf("%s=%q is not a directory; it must be the directory holding WAMR %s's three source archives (e.g. ../shared/wamr-src), or unset to download them", toolchain.WAMRSrcVar, v, toolchain.WAMRVersion)
	}
	return abs, nil
}

// checkEnvNames rejects RTWASM_* variables that are not options (typos).
func checkEnvNames(environ []string) error {
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if _, known := EnvVars[name]; strings.HasPrefix(name, "RTWASM_") && !known {
			return fmt.Errorf("unknown option variable %s; valid: %s", name, strings.Join(slices.Sorted(maps.Keys(EnvVars)), ", "))
		}
	}
	return nil
}

// defaultReference prefers the shared reference directory beside the
// checkout and falls back to the copy bundled with the kernels.
func defaultReference(d kernels.Dataset) string {
	shared := filepath.Join("..", "shared", "polybench", "reference", string(d))
	if _, err := os.Stat(shared); err == nil {
		return shared
	}
	return filepath.Join("kernels", "reference", string(d))
}

func parseList(value, name string, valid []string) ([]string, error) {
	if value == "" || value == "all" {
		return valid, nil
	}
	var list []string
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		if !slices.Contains(valid, item) {
			return nil, fmt.Errorf("%s: unknown name %q; valid: %s (or all)", name, item, strings.Join(valid, ", "))
		}
		list = append(list, item)
	}
	return list, nil
}

func parseInt(value, name string, min int, dst *int) error {
	if value == "" {
		return nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < min {
		return fmt.Errorf("%s=%q: want an integer ≥ %d", name, value, min)
	}
	*dst = n
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ResumeOptions returns the options an interrupted run was started with (its
// manifest's), keeping this invocation's directories, and its experiments.
func ResumeOptions(o run.Options) (run.Options, []string, error) {
	dir, err := run.ResolveID(o.DataDir, o.Resume, "RTWASM_RESUME")
	if err != nil {
		return o, nil, err
	}
	m, err := run.ReadManifest(dir)
	if err != nil {
		return o, nil, fmt.Errorf("RTWASM_RESUME=%s: %w", o.Resume, err)
	}
	r := m.Options
	// The id, not "latest": the link may move while the run is completed.
	r.Resume, r.DataDir, r.BuildDir, r.CacheDir, r.Reference = filepath.Base(dir), o.DataDir, o.BuildDir, o.CacheDir, o.Reference
	r.WAMRSrc = o.WAMRSrc
	return r, m.Experiments, nil
}

// parseCPUs reads RTWASM_CPUS: "none", or a comma-separated CPU list.
func parseCPUs(value string, online int) ([]int, error) {
	if value == "none" {
		return nil, nil
	}
	var cpus []int
	for _, item := range strings.Split(value, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(item))
		if err != nil || c < 0 || c >= online {
			return nil, fmt.Errorf("RTWASM_CPUS=%q: want none or CPU numbers from 0 to %d", value, online-1)
		}
		cpus = append(cpus, c)
	}
	return cpus, nil
}

// Executors: where the trials are measured.
const (
	ExecutorLocal = "local" // this host, in this process
	ExecutorSlurm = "slurm" // a Slurm job array, one shard per node
)

// parseExecutor reads RTWASM_EXECUTOR, RTWASM_SHARDS and RTWASM_SLURM_PARTITION.
// Shards 0 means: as many as the partition has idle nodes at submission.
func parseExecutor(getenv func(string) string, o *run.Options) error {
	o.Executor = orDefault(getenv("RTWASM_EXECUTOR"), ExecutorLocal)
	if !slices.Contains([]string{ExecutorLocal, ExecutorSlurm}, o.Executor) {
		return fmt.Errorf("unknown RTWASM_EXECUTOR %q; valid: %s, %s", o.Executor, ExecutorLocal, ExecutorSlurm)
	}
	if err := parseInt(getenv("RTWASM_SHARDS"), "RTWASM_SHARDS", 1, &o.Shards); err != nil {
		return err
	}
	o.Partition = getenv("RTWASM_SLURM_PARTITION")
	if o.Executor == ExecutorSlurm && o.Partition == "" {
		return fmt.Errorf("RTWASM_EXECUTOR=slurm needs RTWASM_SLURM_PARTITION (one of the partitions `sinfo -s` lists)")
	}
	return nil
}

// DefaultStack is a login shell's stack limit (ulimit -s 8192): start-up
// of some runtimes (WAMR) depends on it, so every sample gets it unless
// RTWASM_STACK says otherwise.
const DefaultStack = 8 << 20

// parseLaunch reads RTWASM_STACK, RTWASM_SCHED and RTWASM_MLOCK.
func parseLaunch(getenv func(string) string, o *run.Options) error {
	var err error
	if o.Stack, err = parseStack(getenv("RTWASM_STACK")); err != nil {
		return err
	}
	o.Sched = orDefault(getenv("RTWASM_SCHED"), "other")
	if _, err := runtimes.ParseSched(o.Sched); err != nil {
		return fmt.Errorf("RTWASM_SCHED: %w", err)
	}
	switch v := getenv("RTWASM_MLOCK"); v {
	case "", "0":
	case "1":
		o.Mlock = true
	default:
		return fmt.Errorf("RTWASM_MLOCK=%q: want 1 or 0", v)
	}
	return nil
}

// parseStack reads RTWASM_STACK: bytes, a K/M/G multiple (binary), or
// "inherit" (0: the pipeline's own limit is passed on).
func parseStack(v string) (int64, error) {
	switch v {
	case "":
		return DefaultStack, nil
	case "inherit":
		return 0, nil
	}
	num, unit := v, int64(1)
	for suffix, mult := range map[string]int64{"K": 1 << 10, "M": 1 << 20, "G": 1 << 30} {
		if n, ok := strings.CutSuffix(strings.TrimSuffix(v, "iB"), suffix); ok {
			num, unit = n, mult
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/unit {
		return 0, fmt.Errorf("RTWASM_STACK=%q: want a size such as 8M, 1048576 or 16MiB, or inherit", v)
	}
	return n * unit, nil
}

// parsePrecision reads RTWASM_PRECISION (a percentage, or off) and
// RTWASM_MAX_REPS.
func parsePrecision(getenv func(string) string, o *run.Options) error {
	switch v := getenv("RTWASM_PRECISION"); v {
	case "":
	case "off":
		o.Precision = 0
	default:
		p, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(v, "%")), 64)
		if err != nil || !strings.HasSuffix(v, "%") || p <= 0 || p >= 100 {
			return fmt.Errorf("RTWASM_PRECISION=%q: want a percentage above 0 and below 100 such as 5%%, or off", v)
		}
		o.Precision = p / 100
	}
	if err := parseInt(getenv("RTWASM_MAX_REPS"), "RTWASM_MAX_REPS", max(o.Reps, 1), &o.MaxReps); err != nil {
		return fmt.Errorf("%w (at least RTWASM_REPS: the first round takes that many)", err)
	}
	if o.Precision > 0 && o.Executor == ExecutorSlurm {
		return fmt.Errorf("RTWASM_PRECISION with RTWASM_EXECUTOR=slurm: adaptive rounds need each round's samples before the next, " +
			"which a job array does not give; set RTWASM_PRECISION=off or RTWASM_EXECUTOR=local")
	}
	return nil
}
