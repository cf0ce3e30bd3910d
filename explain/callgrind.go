package explain

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/internal/shell"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// envOut switches the wrappers on: when set, a wrapper runs its program
// under callgrind writing into that directory; unset, it runs the program
// as is (so a wrapped runtime still probes and sets up at full speed).
const envOut = "EXPLAIN_CALLGRIND_DIR"

// PathPrograms are the programs runtimes look up on PATH, by runtime id
// prefix; WrapPath must wrap them before the runtimes first look.
var PathPrograms = map[string]string{"node:": "node", "wasmtime-cli:": "wasmtime", "wamr:": "iwasm", "wasmer:": "wasmer"}

// Callgrind counts the instructions a runtime executes, by running its
// program through a wrapper that starts it under valgrind --tool=callgrind.
// Callgrind counts every instruction the process executes (the runtime,
// its compiler, the kernel), deterministically for a deterministic program.
type Callgrind struct {
	dir      string // wrappers and callgrind output
	valgrind string
	version  string
	Timeout  time.Duration // per valgrind run (default 10 min)
	wrapped  map[string]bool
}

// NewCallgrind finds valgrind and prepares a scratch directory under dir.
func NewCallgrind(dir string) (*Callgrind, error) {
	vg, err := exec.LookPath("valgrind")
	if err != nil {
		return nil, errors.New("valgrind not found on PATH; install it (apt-get install valgrind) for instruction counts")
	}
	out, err := exec.Command(vg, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", vg, err)
	}
	// Absolute: a relative directory on PATH is refused by exec.LookPath.
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		return nil, err
	}
	return &Callgrind{dir: dir, valgrind: vg, version: strings.TrimSpace(string(out)), Timeout: 10 * time.Minute,
		wrapped: map[string]bool{}}, nil
}

// Version is valgrind's version line.
func (c *Callgrind) Version() string { return c.version }

// wrap writes an executable at bin/name that runs real, under callgrind
// when envOut is set.
func (c *Callgrind) wrap(name, real string) (string, error) {
	path := filepath.Join(c.dir, "bin", name)
	script := fmt.Sprintf(`#!/bin/sh
# rtwasm explain: runs %[1]s, under callgrind when $%[2]s is set.
if [ -z "$%[2]s" ]; then exec %[1]s "$@"; fi
# For Go programs (the runner): asynchronous preemption signals trip a
# callgrind assertion (threads.c: sigNum == current_state.sig); idle
# threads spinning and the collector make the count vary by ±15 %%
# between identical runs, one P (as under the measurement's single-CPU
# pinning) and no collection make it repeat within 0.1 %%.
GOMAXPROCS=1 GOGC=off GODEBUG="${GODEBUG:+$GODEBUG,}asyncpreemptoff=1" exec %[3]s --tool=callgrind --callgrind-out-file="$%[2]s/callgrind.%%p" --log-file="$%[2]s/valgrind.%%p.log" %[1]s "$@"
`, shell.Quote(real), envOut, shell.Quote(c.valgrind))
	// Written aside and renamed: another explain may be executing the old one.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".wrap-*")
	if err != nil {
		return "", err
	}
	_, err = tmp.WriteString(script)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o755)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return path, err
}

// WrapPath puts wrappers of the named programs, as found on PATH now, first
// on PATH, for the runtimes that look their program up there. Call it before
// those runtimes are probed: they remember what they found. Programs not on
// PATH are skipped (their runtimes are unavailable anyway).
func (c *Callgrind) WrapPath(names ...string) error {
	for _, name := range names {
		real, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if _, err := c.wrap(name, real); err != nil {
			return err
		}
		c.wrapped[name] = true
	}
	return os.Setenv("PATH", filepath.Join(c.dir, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// Launch runs the runtime's input with harness arguments, through a wrapper.
type Launch func(ctx context.Context, args []string) runtimes.Result

// Launcher returns how to run r on input through a wrapper, or why r cannot
// run under valgrind. env is the build's environment (the runner program).
func (c *Callgrind) Launcher(r runtimes.Runtime, env runtimes.Env, input string) (Launch, error) {
	id := r.ID()
	switch {
	case r.ColdStart() == run.ColdEmbedded:
		return nil, errors.New("embedded series run inside a long-lived runner serving other requests; its code is the process series'")
	case strings.HasPrefix(id, "docker:") || strings.HasPrefix(id, "runc:"):
		return nil, errors.New("the container's process is started by the container runtime, not by a program valgrind can wrap")
	case isNative(r.Target()):
		// Named by the input, so concurrent explains share one wrapper per binary.
		sum := sha256.Sum256([]byte(input))
		w, err := c.wrap("native-"+hex.EncodeToString(sum[:8]), input)
		return func(ctx context.Context, args []string) runtimes.Result { return r.Run(ctx, w, args) }, err
	}
	if wr, ok := c.runner(id, env); ok {
		return func(ctx context.Context, args []string) runtimes.Result { return wr.Run(ctx, input, args) }, nil
	}
	for prefix, program := range PathPrograms {
		if strings.HasPrefix(id, prefix) && c.wrapped[program] {
			return func(ctx context.Context, args []string) runtimes.Result { return r.Run(ctx, input, args) }, nil
		}
	}
	return nil, fmt.Errorf("no wrapper for %s's program (explain wraps native binaries, the rtwasm-run runner and %v)", id, PathPrograms)
}

// runner returns the process-model runner runtime id with its runner
// program wrapped, if id is one of the runner's engines.
func (c *Callgrind) runner(id string, env runtimes.Env) (runtimes.Runtime, bool) {
	if env.Runner == "" {
		return nil, false
	}
	w, err := c.wrap("rtwasm-run", env.Runner)
	if err != nil {
		return nil, false
	}
	for _, r := range runtimes.Runner(runtimes.Env{Runner: w, EngineCache: env.EngineCache}) {
		if r.ID() == id && r.ColdStart() == run.ColdProcess {
			return r, true
		}
	}
	return nil, false
}

func isNative(t toolchain.Target) bool { return t != toolchain.Wasm }

// maxExtraJobs caps the jobs added to a process to make one job stand out
// of the runtime's own run-to-run wobble.
const maxExtraJobs = 50

// Job measures the instructions of one job: a process running 1+k jobs
// minus one running one job, over k, so start-up, module compilation and
// exit cancel; other is the one-job process's rest. k is 1 unless the job
// is small beside the rest: a runtime's count wobbles by up to ~0.1 % of
// its total between identical runs (threads, the Go runtime), so k grows
// until k jobs make at least 5 % of the one-job process (at most 50).
func (c *Callgrind) Job(ctx context.Context, launch Launch) (job, other int64, jobs int, err error) {
	one, err := c.instructions(ctx, launch, 1)
	if err != nil {
		return 0, 0, 0, err
	}
	two, err := c.instructions(ctx, launch, 2)
	if err != nil {
		return 0, 0, 0, err
	}
	k, more := 1, two
	if d := two - one; d < one/20 {
		k = maxExtraJobs
		if d > 0 {
			k = int(min(maxExtraJobs, (one/20+d-1)/d))
		}
		if more, err = c.instructions(ctx, launch, 1+k); err != nil {
			return 0, 0, 0, err
		}
	}
	if more <= one {
		return 0, 0, 0, fmt.Errorf("%d jobs counted %d instructions, one job %d: the difference is not the work of jobs", 1+k, more, one)
	}
	job = (more - one) / int64(k)
	return job, one - job, k, nil
}

// instructions runs one process of n jobs under callgrind and returns its total Ir.
func (c *Callgrind) instructions(ctx context.Context, launch Launch, n int) (int64, error) {
	out, err := os.MkdirTemp(c.dir, "run-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(out)
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	os.Setenv(envOut, out)
	res := launch(ctx, harness.Args(n, false))
	os.Unsetenv(envOut)
	if res.Err != nil {
		return 0, fmt.Errorf("exit status %d under valgrind: %s%s", res.ExitStatus, firstLines(res.Stderr, 3), logTail(out))
	}
	if _, err := harness.ParseTimeline(res.Stdout); err != nil {
		return 0, fmt.Errorf("under valgrind the kernel's timeline is incomplete (%v)%s", err, logTail(out))
	}
	total, files, err := sumCallgrind(out)
	if err != nil {
		return 0, err
	}
	if files == 0 {
		return 0, fmt.Errorf("callgrind wrote no output: the runtime bypassed the wrapper%s", logTail(out))
	}
	return total, nil
}

// sumCallgrind adds the "summary:" (or "totals:") Ir of every callgrind
// file in dir: one per process.
func sumCallgrind(dir string) (total int64, files int, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "callgrind.*"))
	if err != nil {
		return 0, 0, err
	}
	for _, p := range paths {
		n, err := readCallgrindTotal(p)
		if err != nil {
			return 0, 0, err
		}
		total += n
		files++
	}
	return total, files, nil
}

// readCallgrindTotal reads the total instruction count (the first event,
// Ir) of a callgrind output file.
func readCallgrindTotal(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var totals int64 = -1
	for sc.Scan() {
		line := sc.Text()
		for _, key := range []string{"summary:", "totals:"} {
			if rest, ok := strings.CutPrefix(line, key); ok {
				fields := strings.Fields(rest)
				if len(fields) == 0 {
					continue
				}
				n, err := strconv.ParseInt(fields[0], 10, 64)
				if err != nil {
					return 0, fmt.Errorf("%s: bad %s line %q", path, key, line)
				}
				if key == "summary:" {
					return n, nil
				}
				totals = n
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	if totals < 0 {
		return 0, fmt.Errorf("%s has no summary or totals line", path)
	}
	return totals, nil
}

// logTail returns the end of valgrind's own log, where it says why it
// could not run a program.
func logTail(dir string) string {
	paths, _ := filepath.Glob(filepath.Join(dir, "valgrind.*.log"))
	var lines []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			// Drop valgrind's "==pid== " prefix and the banner.
			if i := strings.Index(l, "== "); strings.HasPrefix(l, "==") && i > 0 {
				l = l[i+3:]
			}
			if l = strings.TrimSpace(l); l != "" && !banner(l) {
				lines = append(lines, l)
			}
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return "; valgrind: " + runtimes.Tail([]byte(strings.Join(lines, " | ")), 300)
}

func banner(l string) bool {
	for _, p := range []string{"Callgrind, a call-graph", "Copyright", "Using Valgrind", "Command:", "For interactive control", "Events", "Collected", "I   refs", "Ir", "Parent PID"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// firstLines returns the first n non-empty lines of a program's stderr,
// joined: where a runtime says what went wrong, before any backtrace.
func firstLines(b []byte, n int) string {
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && len(lines) < n {
			lines = append(lines, l)
		}
	}
	return runtimes.Tail([]byte(strings.Join(lines, " | ")), 300)
}
