package cluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// UpForTest starts an n-node cluster for a test and tears it down after it,
// with the tail of slurmctld's log when the test failed. It skips the test
// only where the machine cannot host a cluster (ErrUnavailable).
func UpForTest(t testing.TB, n int) *Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := Up(ctx, n)
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("no test Slurm cluster on this machine: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := os.ReadFile(filepath.Join(c.StateDir, "log", "slurmctld.log"))
			lines := strings.Split(strings.TrimSpace(string(logs)), "\n")
			t.Logf("slurmctld.log tail:\n%s", strings.Join(lines[max(0, len(lines)-30):], "\n"))
		}
		if err := c.Down(); err != nil {
			t.Errorf("cluster Down: %v", err)
		}
	})
	return c
}
