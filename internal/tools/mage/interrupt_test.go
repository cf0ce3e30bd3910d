package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/run"
)

// TestInterruptRealRun sends SIGINT, as a terminal's Ctrl-C does (to the
// process group), to a real `go tool mage all` mid-run: it must exit
// non-zero saying how to resume, journal no row from the interruption,
// leave no container, runc state or temporary directory; `resume` must
// then complete the run with every cell exactly once and render it.
func TestInterruptRealRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a real restricted run of minutes")
	}
	root, _ := filepath.Abs("../../..")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory for the build")
	}
	tmp, data := t.TempDir(), t.TempDir()
	env := append(os.Environ(), "TMPDIR="+tmp, "RTWASM_DATA="+data, "RTWASM_BUILD="+filepath.Join(cache, "rtwasm", "e2e-build"),
		"RTWASM_BENCHMARKS=gemm,atax", "RTWASM_RUNTIMES=native:musl,wazero:interp,docker:engine,runc:bundle",
		"RTWASM_PROFILE=smoke", "RTWASM_SEED=3")
	cmd := exec.Command("go", "tool", "mage", "all")
	cmd.Dir, cmd.Env = root, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's foreground group
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	dir, pids := awaitJournal(t, cmd, data, 12, &out)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	err = cmd.Wait()
	id := filepath.Base(dir)
	if err == nil || !strings.Contains(out.String(), "RTWASM_RESUME="+id+" go tool mage resume") {
		t.Fatalf("after SIGINT: %v, want a non-zero exit with the resume command:\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, run.SamplesFile)); err == nil {
		t.Fatal("the interrupted run has a samples table")
	}
	if _, err := os.Lstat(filepath.Join(data, run.Latest)); err == nil {
		t.Error("latest points at an interrupted run")
	}
	done, _ := run.ReadJournal(dir, run.JournalFile)
	for key, samples := range done {
		for _, s := range samples {
			if s.Status != run.StatusOK {
				t.Errorf("journaled %s: %s %q", key, s.Status, s.Error)
			}
		}
	}
	if m, _ := run.ReadManifest(dir); m.State != run.StateInterrupted {
		t.Errorf("manifest state %q, want interrupted", m.State)
	}
	assertNothingLeft(t, tmp, pids)
	t.Logf("interrupted after %d journaled trials", len(done))

	resume := exec.Command("go", "tool", "mage", "resume")
	resume.Dir, resume.Env = root, append(env, "RTWASM_RESUME="+id)
	if b, err := resume.CombinedOutput(); err != nil || !strings.Contains(string(b), "report written to") {
		t.Fatalf("resume: %v\n%s", err, b)
	}
	m, rows, err := run.ReadRun(dir)
	if err != nil || m.State != run.StateComplete {
		t.Fatalf("after resume: state %q, %v", m.State, err)
	}
	seen, measured := map[string]int{}, 0
	for _, s := range rows {
		if s.Status == run.StatusUnavailable {
			continue // a runtime this host lacks (no Docker, no runc)
		}
		measured++
		seen[fmt.Sprintf("%s|%s|%s|%d|%d|%d", s.Experiment, s.Benchmark, s.Series(), s.Replicate, s.Rep, s.Iteration)]++
		if s.Status != run.StatusOK {
			t.Errorf("row %s %s %s: %s %q", s.Experiment, s.Benchmark, s.Series(), s.Status, s.Error)
		}
	}
	series := 0
	for _, r := range m.Runtimes {
		if r.Available {
			series++
			if slices.Contains(run.ReplicatedSeries, run.Series(r.ID, r.ColdStart)) {
				series++ // the true A/A's replicate is a series of its own
			}
		}
	}
	// 2 kernels × the available series (wazero:interp also embedded, and
	// the replicates) × (3 startup + 3 total + 1 prolonged × 5 iterations)
	if want := 2 * series * (3 + 3 + 5); series < 2 || measured != want || len(seen) != want {
		t.Errorf("%d rows, %d distinct cells of %d available series; want %d of each", measured, len(seen), series, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "report", "index.html")); err != nil {
		t.Errorf("resume rendered no report: %v", err)
	}
}

// awaitJournal waits, up to 15 minutes, until the one run under data has
// journaled at least lines trials, collecting the processes below cmd on
// the way; it fails the test (killing the run) if the run ends first.
func awaitJournal(t *testing.T, cmd *exec.Cmd, data string, lines int, out *strings.Builder) (string, map[int]bool) {
	t.Helper()
	pids := map[int]bool{}
	for deadline := time.Now().Add(15 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		for _, p := range descendants(cmd.Process.Pid) {
			pids[p] = true
		}
		if runs, _ := filepath.Glob(filepath.Join(data, "2*")); len(runs) == 1 {
			if b, _ := os.ReadFile(filepath.Join(runs[0], run.JournalFile)); strings.Count(string(b), "\n") >= lines {
				return runs[0], pids
			}
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Process.Kill()
			if out == nil {
				out = &strings.Builder{}
			}
			t.Fatalf("the run journaled too little:\n%s", out)
		}
	}
}

// descendants lists the processes below pid (from /proc).
func descendants(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(fields) > 1 {
			parent[p], _ = strconv.Atoi(fields[1])
		}
	}
	var list []int
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				list = append(list, p)
				break
			}
		}
	}
	return list
}

// assertNothingLeft: no temporary directory under tmp (the run's TMPDIR),
// and no container or runc state of any of the run's processes.
func assertNothingLeft(t *testing.T, tmp string, pids map[int]bool) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(tmp, "rtwasm-*")); len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
	ours := func(name string) bool {
		for p := range pids {
			if strings.Contains(name, "rtwasm-"+strconv.Itoa(p)+"-") || strings.HasPrefix(name, strconv.Itoa(p)+"-") {
				return true
			}
		}
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if b, err := exec.CommandContext(ctx, "docker", "ps", "-a", "--filter", "label=rtwasm=1", "--format", "{{.Names}} {{.Label \"rtwasm.run\"}}").Output(); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line != "" && ours(line) {
				t.Errorf("container left: %s", line)
			}
		}
	}
	if b, err := exec.CommandContext(ctx, "runc", "--root", "/run/rtwasm-runc", "list", "--quiet").Output(); err == nil {
		for _, id := range strings.Fields(string(b)) {
			if ours(id) {
				t.Errorf("runc container left: %s", id)
			}
		}
	}
}

// TestKillGoTool: kill -9 of the `go tool mage` process itself (not its
// group) stops the run cleanly through the parent-death signals: the run is
// marked interrupted, no process of it is left measuring, and nothing of
// rtwasm's is left in its TMPDIR.
func TestKillGoTool(t *testing.T) {
	if testing.Short() {
		t.Skip("a real restricted run")
	}
	root, _ := filepath.Abs("../../..")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory for the build")
	}
	tmp, data := t.TempDir(), t.TempDir()
	cmd := exec.Command("go", "tool", "mage", "all")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "RTWASM_DATA="+data, "RTWASM_BUILD="+filepath.Join(cache, "rtwasm", "e2e-build"),
		"RTWASM_BENCHMARKS=gemm,atax", "RTWASM_RUNTIMES=native:musl,wazero:interp,docker:engine,runc:bundle",
		"RTWASM_PROFILE=smoke", "RTWASM_REPS=10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	dir, pids := awaitJournal(t, cmd, data, 5, nil)
	cmd.Process.Kill() // SIGKILL to go alone
	cmd.Wait()
	deadline := time.Now().Add(time.Minute)
	for alive(pids) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if alive(pids) {
		t.Fatal("processes of the run outlived go tool mage by a minute")
	}
	if m, _ := run.ReadManifest(dir); m.State != run.StateInterrupted {
		t.Errorf("manifest state %q, want interrupted", m.State)
	}
	assertNothingLeft(t, tmp, pids)
}

// alive reports whether any of pids still runs (zombies count as gone).
func alive(pids map[int]bool) bool {
	for p := range pids {
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/stat"); err == nil {
			if f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:])); len(f) > 0 && f[0] != "Z" {
				return true
			}
		}
	}
	return false
}

// TestStopSignalsRealRun: SIGHUP (the terminal closed) and SIGTERM sent to
// a real run's process group stop it as SIGINT does: non-zero exit naming
// the signal, the run marked interrupted, nothing left behind, and the
// resume command printed with the data directory (here holding a space and
// a quote) quoted for the shell.
func TestStopSignalsRealRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a real restricted run")
	}
	root, _ := filepath.Abs("../../..")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory for the build")
	}
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			data := filepath.Join(t.TempDir(), "runs of Bob's")
			cmd := exec.Command("go", "tool", "mage", "all")
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "RTWASM_DATA="+data, "RTWASM_BUILD="+filepath.Join(cache, "rtwasm", "e2e-build"),
				"RTWASM_BENCHMARKS=gemm", "RTWASM_RUNTIMES=native:musl", "RTWASM_PROFILE=smoke", "RTWASM_REPS=40")
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			dir, pids := awaitJournal(t, cmd, data, 3, &out)
			syscall.Kill(-cmd.Process.Pid, sig)
			err := cmd.Wait()
			want := "RTWASM_DATA='" + strings.ReplaceAll(data, "'", `'\''`) + "' RTWASM_RESUME=" + filepath.Base(dir) + " go tool mage resume"
			if err == nil || !strings.Contains(out.String(), want) {
				t.Errorf("after %s: %v, want a non-zero exit printing %s:\n%s", sig, err, want, out.String())
			}
			if m, _ := run.ReadManifest(dir); m.State != run.StateInterrupted {
				t.Errorf("manifest state %q, want interrupted", m.State)
			}
			assertNothingLeft(t, tmp, pids)
		})
	}
}
