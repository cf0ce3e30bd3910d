package runtimes

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
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
