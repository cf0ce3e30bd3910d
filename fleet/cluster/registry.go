package cluster

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// registryDir records each live cluster's owner, so a later Up can clean up
// after a test binary that was killed before its Down ran (go test -timeout).
const registryDir = "/run/rtwasm-cluster"

type record struct {
	Slot     int
	Nodes    int
	StateDir string
	Owner    int // pid of the process that called Up
}

func recordPath(slot int) string { return filepath.Join(registryDir, fmt.Sprintf("%d.json", slot)) }

func writeRecord(r record) error {
	if err := os.MkdirAll(registryDir, 0o755); err != nil {
		return err
	}
	data, _ := json.Marshal(r)
	return os.WriteFile(recordPath(r.Slot), data, 0o644)
}

func removeRecord(slot int) { os.Remove(recordPath(slot)) }

// sweepStale tears down clusters whose owner process is gone.
func sweepStale() {
	files, _ := filepath.Glob(filepath.Join(registryDir, "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		var r record
		if err != nil || json.Unmarshal(data, &r) != nil || r.Owner <= 0 || alive(r.Owner) {
			continue
		}
		nw := &network{Slot: r.Slot, Bridge: bridgeName(r.Slot), Rule: true}
		for i := 1; i <= r.Nodes; i++ {
			nw.NS = append(nw.NS, nsName(r.Slot, i))
		}
		nw.teardown()
		for _, pidFile := range []string{"slurmctld.pid", "munge/munged.pid"} {
			if b, err := os.ReadFile(filepath.Join(r.StateDir, pidFile)); err == nil {
				pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
				// The pid may have been reused: kill only a daemon of ours.
				comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
				if err == nil && pid > 1 && strings.HasPrefix(string(comm), strings.TrimSuffix(filepath.Base(pidFile), ".pid")) {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		if strings.HasPrefix(filepath.Base(r.StateDir), "rtwasm-slurm") {
			os.RemoveAll(r.StateDir)
		}
		removeRecord(r.Slot)
	}
}

// alive treats a zombie as dead: an init that does not reap (some VMs and
// containers) leaves a killed test binary as one forever.
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err == nil && !strings.Contains(string(stat), ") Z ")
}
