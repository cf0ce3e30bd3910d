package runtimes

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestRunProcessPinsToCPUs: the child's allowed CPUs are exactly the ones asked for.
func TestRunProcessPinsToCPUs(t *testing.T) {
	cpu := runtime.NumCPU() - 1
	argv := []string{"grep", "Cpus_allowed_list", "/proc/self/status"}
	res := RunProcess(WithLaunch(context.Background(), Launch{CPUs: []int{cpu}}), argv)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := strings.TrimSpace(strings.TrimPrefix(string(res.Stdout), "Cpus_allowed_list:")); got != CPUList([]int{cpu}) {
		t.Fatalf("child allowed on CPUs %q, want %d", got, cpu)
	}
	if runtime.NumCPU() > 1 {
		free := RunProcess(context.Background(), argv)
		if got := strings.TrimSpace(strings.TrimPrefix(string(free.Stdout), "Cpus_allowed_list:")); got == CPUList([]int{cpu}) {
			t.Fatalf("an unpinned child stayed pinned to CPU %s", got)
		}
	}
}

func TestRunProcessTimeoutKillsGroup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := RunProcess(ctx, []string{"sh", "-c", "sleep 30 & sleep 30; wait"})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "timeout") {
		t.Fatalf("error %v, want a timeout", res.Err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("the killed group held the pipes for %v", time.Since(start))
	}
}

// TestRunProcessAppliesStackAndSched: the child runs with the stack limit
// and the FIFO policy asked for (as root), and the Result says so.
func TestRunProcessAppliesStackAndSched(t *testing.T) {
	l := Launch{Stack: 3 << 20, Sched: "fifo:50"}
	res := RunProcess(WithLaunch(context.Background(), l), []string{"sh", "-c", "ulimit -s; grep ^policy /proc/self/sched; grep ^prio /proc/self/sched"})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	lines := strings.Split(strings.TrimSpace(string(res.Stdout)), "\n")
	if lines[0] != "3072" {
		t.Errorf("child's ulimit -s = %s KiB, want 3072", lines[0])
	}
	if res.Applied.Stack != 3<<20 {
		t.Errorf("applied stack %d, want %d", res.Applied.Stack, 3<<20)
	}
	if os.Geteuid() != 0 {
		if !strings.Contains(res.Applied.Sched, "refused") {
			t.Errorf("not root, yet applied sched %q", res.Applied.Sched)
		}
		return
	}
	if res.Applied.Sched != "fifo:50" || len(lines) < 2 || !strings.HasSuffix(lines[1], " 1") {
		t.Errorf("applied %q; child's /proc/self/sched: %q (want policy 1, SCHED_FIFO)", res.Applied.Sched, lines)
	}
	// The pipeline's own threads are back to SCHED_OTHER.
	if attr, err := unix.SchedGetAttr(0, 0); err != nil || attr.Policy != 0 /* SCHED_OTHER */ {
		t.Errorf("this thread's policy after the start: %+v, %v", attr, err)
	}
	plain := RunProcess(context.Background(), []string{"grep", "^policy", "/proc/self/sched"})
	if f := strings.Fields(string(plain.Stdout)); len(f) == 0 || f[len(f)-1] != "0" || plain.Applied.Sched != "other" {
		t.Errorf("a default child runs %q, applied %q; want SCHED_OTHER", plain.Stdout, plain.Applied.Sched)
	}
}

// TestRunProcessKillsEscapedChildren: a grandchild that left the process
// group with setsid() and holds stdout open dies with the sample, quickly.
func TestRunProcessKillsEscapedChildren(t *testing.T) {
	start := time.Now()
	res := RunProcess(context.Background(), []string{"sh", "-c", "setsid sleep 317.25 & echo started"})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	// The child sleeps 317 s: a bound far from it, not a speed, so load cannot fail it.
	if time.Since(start) > time.Minute {
		t.Errorf("the sample took %v: the escaped child held its output", time.Since(start))
	}
	time.Sleep(50 * time.Millisecond)
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, d := range dirs {
		if b, _ := os.ReadFile(d); strings.Contains(string(b), "317.25") {
			t.Fatalf("the setsid child survived: %s", d)
		}
	}
}

// TestRunProcessCapsOutput: output beyond the cap is cut and the error names the cap.
func TestRunProcessCapsOutput(t *testing.T) {
	res := RunProcess(WithLaunch(context.Background(), Launch{MaxOutput: 1 << 20}), []string{"head", "-c", "3000000", "/dev/zero"})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "capture cap of 1 MiB") {
		t.Fatalf("error %v, want the capture cap named", res.Err)
	}
	if len(res.Stdout) != 1<<20 {
		t.Fatalf("kept %d bytes, want the cap", len(res.Stdout))
	}
}

// TestRunProcessErrorKeepsStdoutTrap: a trap printed on stdout (iwasm's
// "Exception: …") reaches the error text.
func TestRunProcessErrorKeepsStdoutTrap(t *testing.T) {
	res := RunProcess(context.Background(), []string{"sh", "-c", "echo 'rtwasm main_start 1'; echo 'Exception: integer divide by zero'; exit 1"})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "Exception: integer divide by zero") {
		t.Fatalf("error %v, want the trap text", res.Err)
	}
}

// TestRunProcessRecordsUsage: faults, RSS and CPU time are counted; the
// hardware counters are -1 with a reason where there is no PMU.
func TestRunProcessRecordsUsage(t *testing.T) {
	res := RunProcess(context.Background(), []string{"sh", "-c", "head -c 20000000 /dev/zero | wc -c"})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	u := res.Usage
	if u.MinorFaults <= 0 || u.MaxRSSKB <= 0 || u.UserNS+u.SystemNS <= 0 || u.VoluntarySwitch+u.InvoluntarySwitch <= 0 {
		t.Errorf("usage not recorded: %+v", u)
	}
	if hwUnavailable() != "" && (u.Instructions != -1 || u.Cycles != -1 || u.CacheMisses != -1 || u.HWNote == "") {
		t.Errorf("no PMU here, yet hardware counters %+v", u)
	}
	t.Logf("usage: %+v", u)
}
