package host

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFixAndRestoreRealTime: on the not-ready tree, fixhost sets THP,
// RT throttling and IRQ affinity (and those checks then pass), reports
// each change, keeps the host's own values across a second fix, and the
// restore puts every file back and removes the restore file.
func TestFixAndRestoreRealTime(t *testing.T) {
	root := copyTree(t, notReadyTree)
	before := snapshot(t, root)
	var out bytes.Buffer
	changes, err := FixRealTime(root, sampled, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 5 { // THP, RT throttling, IRQs 0, 1 and 24
		t.Errorf("%d changes, want 5: %+v", len(changes), changes)
	}
	for _, want := range []string{"transparent_hugepage/enabled: madvise → never", "sched_rt_runtime_us: 950000 → -1", "irq/24/smp_affinity_list: 1 → 0,2-3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	r := ReadReadiness(root, sampled)
	for _, name := range []string{CheckTHP, CheckRTThrottle, CheckIRQs} {
		if c, _ := r.Check(name); !c.OK {
			t.Errorf("after fixhost %s still fails: %s", name, c.Found)
		}
	}
	// A second fix changes nothing and keeps the recorded originals.
	if changes, err := FixRealTime(root, sampled, &out); err != nil || len(changes) != 0 {
		t.Errorf("second fix: %d changes, %v", len(changes), err)
	}
	out.Reset()
	if err := RestoreRealTime(root, &out); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, root)
	for path, was := range before {
		if got := after[path]; bracketed(strings.TrimSpace(got)) != bracketed(strings.TrimSpace(was)) {
			t.Errorf("%s restored to %q, was %q", path, got, was)
		}
	}
	if _, err := os.Stat(filepath.Join(root, RestoreFile)); !os.IsNotExist(err) {
		t.Errorf("restore file left behind: %v", err)
	}
	if err := RestoreRealTime(root, &out); err != nil || !strings.Contains(out.String(), "nothing to restore") {
		t.Errorf("second restore: %v, %q", err, out.String())
	}
}

func TestFixRealTimeNeedsAFreeCPU(t *testing.T) {
	root := copyTree(t, notReadyTree)
	if _, err := FixRealTime(root, []int{0, 1, 2, 3}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "RTWASM_CPUS") {
		t.Errorf("every CPU sampled: %v, want an error naming RTWASM_CPUS", err)
	}
	if _, err := FixRealTime(root, nil, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "not pinned") {
		t.Errorf("unpinned: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, RestoreFile)); !os.IsNotExist(err) {
		t.Error("a refused fix wrote a restore file")
	}
}

// TestHoldDMALatency writes 0 µs into the device and the check then
// passes; release closes it.
func TestHoldDMALatency(t *testing.T) {
	root := copyTree(t, notReadyTree)
	release, err := HoldDMALatency(root)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := ReadReadiness(root, sampled).Check(CheckDMALatency); !c.OK || c.Found != "held at 0 µs" {
		t.Errorf("held: %+v", c)
	}
	if err := release(); err != nil {
		t.Error(err)
	}
	if _, err := HoldDMALatency(t.TempDir()); err == nil || !strings.Contains(err.Error(), "cpu_dma_latency") {
		t.Errorf("missing device: %v", err)
	}
}

func snapshot(t *testing.T, root string) map[string]string {
	files := map[string]string{}
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			files[rel] = string(b)
		}
		return nil
	})
	if !slices.Contains(mapsKeys(files), "proc/sys/kernel/sched_rt_runtime_us") {
		t.Fatal("snapshot missed the tree")
	}
	return files
}

func mapsKeys(m map[string]string) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	return k
}

// TestRestoreSkipsUnchanged: an IRQ the kernel refused to move is in the
// restore file at its own value; restoring does not write it again.
func TestRestoreSkipsUnchanged(t *testing.T) {
	root := copyTree(t, notReadyTree)
	write(t, root, RestoreFile, `[{"path": "proc/irq/0/smp_affinity_list", "before": "0-3", "after": "0,2-3"}]`)
	if err := os.Chmod(filepath.Join(root, "proc/irq/0"), 0o500); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := RestoreRealTime(root, &out); err != nil || out.Len() != 0 {
		t.Errorf("restore of an unchanged setting: %v, wrote %q", err, out.String())
	}
}
