package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// cancelingRuntime is a fake whose n-th launch is cut short by an interrupt:
// it cancels the run's context and fails as a killed process does.
type cancelingRuntime struct {
	fakeRuntime
	at     int
	cancel context.CancelFunc
}

func (c *cancelingRuntime) Run(ctx context.Context, module string, args []string) runtimes.Result {
	if c.count()+1 == c.at {
		c.fakeRuntime.Run(ctx, module, args)
		c.cancel()
		return runtimes.Result{ExitStatus: -1, Err: fmt.Errorf("killed after the per-sample timeout (%v)", context.Canceled)}
	}
	return c.fakeRuntime.Run(ctx, module, args)
}

// TestInterruptIsNotData: the sample in flight at an interrupt is not
// journaled, the run is marked interrupted, has no samples table and does
// not become latest, the error says how to resume; the partial report says
// so on the page; resume then takes every trial exactly once and renders.
func TestInterruptIsNotData(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt := &cancelingRuntime{fakeRuntime: fakeRuntime{id: "fake:good"}, at: 7, cancel: cancel}
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.ProlongedReps, o.Iterations = []string{"gemm", "atax"}, 3, 1, 2
	dir, err := RunExperiments(ctx, o, fakeBuilds(o.Benchmarks, rt), run.AllExperiments, io.Discard)
	var ie *InterruptedError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an InterruptedError", err)
	}
	id := filepath.Base(dir)
	if !strings.Contains(err.Error(), "RTWASM_RESUME="+id+" go tool mage resume") || ie.Taken != 6 || ie.Planned != 14 {
		t.Errorf("error %q (%d of %d taken), want 6 of 14 and the resume command", err, ie.Taken, ie.Planned)
	}
	done, err := run.ReadJournal(dir, run.JournalFile)
	if err != nil || len(done) != 6 {
		t.Fatalf("journal holds %d trials (%v), want the 6 before the interrupt", len(done), err)
	}
	for key, samples := range done {
		for _, s := range samples {
			if s.Status != run.StatusOK {
				t.Errorf("journaled %s: %s %q", key, s.Status, s.Error)
			}
		}
	}
	m, _ := run.ReadManifest(dir)
	if m.State != run.StateInterrupted || !m.Partial() {
		t.Errorf("manifest state %q, want interrupted", m.State)
	}
	for _, name := range []string{run.SamplesFile, "../latest"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s exists after an interrupt", name)
		}
	}
	out, err := reports.Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := os.ReadFile(filepath.Join(out, "index.html")); !strings.Contains(string(page), "PARTIAL RUN") {
		t.Error("the partial run's report has no PARTIAL RUN banner")
	}

	// resume, with a fresh runtime that never fails
	o.Resume = id
	fresh := &fakeRuntime{id: "fake:good"}
	if _, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, fresh), run.AllExperiments, io.Discard); err != nil {
		t.Fatal(err)
	}
	if fresh.count() != 14-6 {
		t.Errorf("resume launched %d trials, want the 8 not journaled", fresh.count())
	}
	m, rows, err := run.ReadRun(dir)
	if err != nil || m.State != run.StateComplete || m.Resumes != 1 {
		t.Fatalf("after resume: state %q, resumes %d, %v", m.State, m.Resumes, err)
	}
	seen := map[string]int{}
	for _, s := range rows {
		seen[fmt.Sprintf("%s|%s|%d|%d", s.Experiment, s.Benchmark, s.Rep, s.Iteration)]++
		if s.Status != run.StatusOK {
			t.Errorf("row %s %s rep %d: %s %q", s.Experiment, s.Benchmark, s.Rep, s.Status, s.Error)
		}
	}
	if want := 2 * (3 + 3 + 2); len(rows) != want || len(seen) != want {
		t.Errorf("%d rows, %d distinct; want %d of each", len(rows), len(seen), want)
	}
	if target, _ := os.Readlink(filepath.Join(o.DataDir, run.Latest)); target != id {
		t.Errorf("latest -> %q, want %s", target, id)
	}
	if _, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, fresh), run.AllExperiments, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "is complete") {
		t.Errorf("resuming a complete run: %v", err)
	}
}

// TestTimeoutIsData: a sample that fails on its own (its timeout, a crash)
// while the run's context is live is an error row, not an interrupt.
func TestTimeoutIsData(t *testing.T) {
	rt := &fakeRuntime{id: "fake:slow", fail: func(string, []string) error {
		return fmt.Errorf("killed after the per-sample timeout (%v)", context.DeadlineExceeded)
	}}
	o := testOptions(t)
	o.Benchmarks, o.Reps, o.ProlongedReps = []string{"gemm"}, 1, 1
	dir, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, rt), []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := run.ReadRun(dir)
	if err != nil || len(rows) != 1 || rows[0].Status != run.StatusError {
		t.Fatalf("rows %+v (%v), want one error row", rows, err)
	}
}

// TestSecondWriterRefused: while a run is locked, resuming it fails naming
// the holder's PID; the lock is free once released.
func TestSecondWriterRefused(t *testing.T) {
	o := testOptions(t)
	o.Benchmarks, o.Reps = []string{"gemm"}, 1
	rt := &fakeRuntime{id: "fake:good"}
	dir, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, rt), []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, run.SamplesFile)) // make it resumable again
	lock, err := run.LockRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	o.Resume = filepath.Base(dir)
	_, err = RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, rt), []string{run.Startup}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("PID %d", os.Getpid())) {
		t.Fatalf("second writer: %v, want refusal naming PID %d", err, os.Getpid())
	}
	if !run.Locked(dir) {
		t.Error("Locked says the held lock is free")
	}
	lock.Unlock()
	if run.Locked(dir) {
		t.Error("Locked says the released lock is held")
	}
	if _, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, rt), []string{run.Startup}, io.Discard); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

// TestRunIDsNotPaths: RTWASM_RESUME and RTWASM_RUN accept ids and latest
// (resolved to its target), and refuse paths with the list of runs.
func TestRunIDsNotPaths(t *testing.T) {
	o := testOptions(t)
	o.Benchmarks, o.Reps = []string{"gemm"}, 1
	dir, err := RunExperiments(context.Background(), o, fakeBuilds(o.Benchmarks, &fakeRuntime{id: "fake:good"}), []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	id := filepath.Base(dir)
	for _, bad := range []string{"../outside/x", "..", "/etc", "a/b", id + "/..", "latest/../x", ".", `a\b`} {
		_, err := run.ResolveID(o.DataDir, bad, "RTWASM_RUN")
		if err == nil || !strings.Contains(err.Error(), id) {
			t.Errorf("RTWASM_RUN=%q: %v, want a refusal listing %s", bad, err, id)
		}
		o.Resume = bad
		if _, _, err := ResumeOptions(o); err == nil {
			t.Errorf("RTWASM_RESUME=%q accepted", bad)
		}
	}
	if got, err := run.ResolveID(o.DataDir, "latest", "RTWASM_RUN"); err != nil || got != dir {
		t.Errorf("latest resolved to %q (%v), want %s", got, err, dir)
	}
	o.Resume = "latest"
	r, _, err := ResumeOptions(o)
	if err != nil || r.Resume != id {
		t.Errorf("RTWASM_RESUME=latest gave %q (%v), want the id %s", r.Resume, err, id)
	}
	if target, _ := os.Readlink(filepath.Join(o.DataDir, run.Latest)); target != id {
		t.Errorf("latest -> %q after resolving, want %s", target, id)
	}
	if _, err := run.ResolveID(o.DataDir, "20990101T000000Z", "RTWASM_RUN"); err == nil {
		t.Error("an unknown id was accepted")
	}
}

// TestBuildFailedCompletely: with no kernel built for any runtime (the
// build directory unusable) the run does not start and no run directory is
// made; one failed kernel among good ones stays an error row.
func TestBuildFailedCompletely(t *testing.T) {
	o := testOptions(t)
	o.Benchmarks, o.Reps = []string{"gemm", "atax"}, 1
	o.BuildDir, o.Runtimes = "/proc/x", []string{"native:musl", "wazero:interp"}
	b, err := Build(context.Background(), o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, err = RunExperiments(context.Background(), o, b, []string{run.Startup}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "build failed for every benchmark") {
		t.Fatalf("error %v, want the build failure", err)
	}
	if ids := run.Runs(o.DataDir); len(ids) > 0 {
		t.Errorf("runs %v made from a failed build", ids)
	}
	partial := fakeBuilds(o.Benchmarks, &fakeRuntime{id: "fake:good"})
	delete(partial.Artifacts, buildKey("atax", toolchain.Wasm))
	partial.Failures[buildKey("atax", toolchain.Wasm)] = errors.New("compile error")
	dir, err := RunExperiments(context.Background(), o, partial, []string{run.Startup}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, rows, _ := run.ReadRun(dir); len(rows) != 2 || rows[0].Status == rows[1].Status {
		t.Errorf("partial build: rows %v, want one ok and one error", rows)
	}
}

// TestCleanLeftovers: clean removes killed runs' temporary directories and
// unfinished toolchain builds (this user's), names incomplete runs, and
// refuses while a run is being written.
func TestCleanLeftovers(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	o := testOptions(t)
	o.CacheDir, o.BuildDir = t.TempDir(), t.TempDir()
	leftovers := []string{filepath.Join(tmp, "rtwasm-bundle-123"), filepath.Join(tmp, "rtwasm-wasmtime456"),
		filepath.Join(tmp, "rtwasm-runc-rootfs-9"), filepath.Join(o.CacheDir, ".wasi-sdk-77"),
		filepath.Join(o.CacheDir, "abc", ".build-88")}
	keep := []string{filepath.Join(tmp, "other-tool"), filepath.Join(o.CacheDir, "abc", "gemm.wasm")}
	for _, p := range append(append([]string{}, leftovers...), keep...) {
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	rt := &cancelingRuntime{fakeRuntime: fakeRuntime{id: "fake:good"}, at: 2, cancel: cancel}
	o.Benchmarks, o.Reps = []string{"gemm"}, 3
	dir, _ := RunExperiments(ctx, o, fakeBuilds(o.Benchmarks, rt), []string{run.Startup}, io.Discard)
	lock, err := run.LockRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := CleanLeftovers(o, io.Discard); err == nil || !strings.Contains(err.Error(), "being written") {
		t.Errorf("clean during a run: %v", err)
	}
	lock.Unlock()
	var log strings.Builder
	if err := CleanLeftovers(o, &log); err != nil {
		t.Fatal(err)
	}
	for _, p := range leftovers {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left", p)
		}
	}
	for _, p := range keep {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
	if !strings.Contains(log.String(), "RTWASM_RESUME="+filepath.Base(dir)) {
		t.Errorf("clean did not name the incomplete run: %s", log.String())
	}
}

// TestCorruptedArtifactRebuilt: a truncated kernel in the build cache is
// not measured: the next build says it rebuilds it and the artifact is whole.
func TestCorruptedArtifactRebuilt(t *testing.T) {
	o := testOptions(t)
	o.BuildDir, o.Benchmarks, o.Runtimes = t.TempDir(), []string{"atax"}, []string{"native:musl"}
	b, err := Build(context.Background(), o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := b.Artifact("atax", toolchain.Musl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(a.Path, a.Bytes/2); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	again, err := Build(context.Background(), o, &log)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := again.Artifact("atax", toolchain.Musl)
	if err != nil || b2.Cached || b2.SHA256 != a.SHA256 || !strings.Contains(log.String(), "rebuilding atax") {
		t.Fatalf("after truncation: %+v (%v), log:\n%s", b2, err, log.String())
	}
	if sum, _ := toolchain.FileSHA256(b2.Path); sum != a.SHA256 {
		t.Errorf("artifact on disk has digest %s, want %s", sum, a.SHA256)
	}
}
