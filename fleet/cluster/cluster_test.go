package cluster

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestUpKillDown(t *testing.T) {
	start := time.Now()
	c := UpForTest(t, 2)
	t.Logf("2-node cluster up in %v (state %s)", time.Since(start).Round(time.Millisecond), c.StateDir)
	ctx := context.Background()

	// A one-task job on n2 proves the node runs jobs under its own hostname.
	out, err := c.Command(ctx, "srun", "-w", "n2", "-N1", "hostname").Output()
	if err != nil || strings.TrimSpace(string(out)) != "n2" {
		t.Fatalf("srun -w n2 hostname = %q, %v", out, err)
	}

	// A two-node step needs node-to-node traffic across the bridge (the FORWARD rule).
	out, err = c.Command(ctx, "srun", "-N2", "-l", "hostname").Output()
	if got := sortedFields(string(out)); err != nil || got != "0: n1 1: n2" {
		t.Fatalf("srun -N2 -l hostname = %q, %v", out, err)
	}

	if k, err := c.KillNode("n1"); err != nil || k == 0 {
		t.Fatalf("KillNode(n1) killed %d: %v", k, err)
	}
	if pids := nsPids(nsName(c.net.Slot, 1)); len(pids) != 0 {
		t.Fatalf("processes left in n1's namespace: %v", pids)
	}
	if _, err := c.KillNode("n9"); err == nil {
		t.Fatal("KillNode(n9) on a 2-node cluster: no error")
	}

	slot, state := c.net.Slot, c.StateDir
	if err := c.Down(); err != nil {
		t.Fatal(err)
	}
	if err := c.Down(); err != nil {
		t.Fatalf("second Down: %v", err)
	}
	for _, p := range []string{"/run/netns/" + nsName(slot, 1), "/run/netns/" + nsName(slot, 2), "/sys/class/net/" + bridgeName(slot), state} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s still exists after Down", p)
		}
	}
	if exec.Command("iptables", append([]string{"-C"}, forwardRule(bridgeName(slot))...)...).Run() == nil {
		t.Error("iptables FORWARD rule still present after Down")
	}
}

// sortedFields normalises srun -l output, whose line order is not fixed.
func sortedFields(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return strings.Join(lines, " ")
}
