package host

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	readyTree    = "testdata/realtime/ready"
	notReadyTree = "testdata/realtime/notready"
)

var sampled = []int{1}

// copyTree copies a fixture tree into a temporary root the test may change.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	if err := os.CopyFS(root, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return root
}

func write(t *testing.T, root, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, path), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func dmaBytes(v int32) string { return string(binary.NativeEndian.AppendUint32(nil, uint32(v))) }

func failing(r Readiness) []string {
	var names []string
	for _, c := range r.Checks {
		if !c.OK {
			names = append(names, c.Name)
		}
	}
	return names
}

var allChecks = []string{CheckIsolated, CheckNohzFull, CheckRCUNocbs, CheckIRQs, CheckSMT, CheckCPUIdle, CheckTHP,
	CheckRTThrottle, CheckDMALatency, CheckVirtual}

func TestReadyTree(t *testing.T) {
	r := ReadReadiness(readyTree, sampled)
	if !r.Ready || r.Verdict() != "ready" || len(r.Reasons) > 0 {
		t.Errorf("ready tree: %s, reasons %q", r.Verdict(), r.Reasons)
	}
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
		if c.Found == "" || c.Want == "" {
			t.Errorf("%s: found %q, want %q: both must be shown", c.Name, c.Found, c.Want)
		}
	}
	if !slices.Equal(names, allChecks) {
		t.Errorf("checks %q, want %q", names, allChecks)
	}
}

// TestNotReadyTree is a tuned-for-nothing VM: every check fails, each
// with a reason, and parameters after the command line's "--" (init's)
// are not the kernel's.
func TestNotReadyTree(t *testing.T) {
	r := ReadReadiness(notReadyTree, sampled)
	if r.Ready || r.Verdict() != "not ready" {
		t.Fatalf("not-ready tree judged %s", r.Verdict())
	}
	if got := failing(r); !slices.Equal(got, allChecks) || len(r.Reasons) != len(allChecks) {
		t.Errorf("failing %q (%d reasons), want every check", got, len(r.Reasons))
	}
	for name, want := range map[string]string{
		CheckIRQs:       "3 of 3 IRQs",
		CheckSMT:        "cpu1 with 3",
		CheckCPUIdle:    "C6, exit latency 133 µs",
		CheckTHP:        "madvise",
		CheckRTThrottle: "950000",
		CheckDMALatency: "not held",
		CheckVirtual:    "hypervisor CPU flag; DMI sys_vendor: QEMU",
		CheckNohzFull:   "none",
	} {
		if c, _ := r.Check(name); !strings.Contains(c.Found, want) {
			t.Errorf("%s: found %q, want it to say %q", name, c.Found, want)
		}
	}
}

// TestEachCheckAlone changes one thing in the ready tree and expects
// exactly that check (or none, for a variation that is still ready) to fail.
func TestEachCheckAlone(t *testing.T) {
	const cmdline = "proc/cmdline"
	for _, tc := range []struct {
		name  string
		files map[string]string
		fails []string
	}{
		{"not isolated", map[string]string{cmdline: "nohz_full=1 rcu_nocbs=1", "sys/devices/system/cpu/isolated": ""}, []string{CheckIsolated}},
		{"isolcpus on the command line only", map[string]string{"sys/devices/system/cpu/isolated": ""}, nil},
		{"isolated elsewhere", map[string]string{cmdline: "isolcpus=2 nohz_full=1 rcu_nocbs=1", "sys/devices/system/cpu/isolated": "2"}, []string{CheckIsolated}},
		{"ticking", map[string]string{cmdline: "isolcpus=1 rcu_nocbs=1", "sys/devices/system/cpu/nohz_full": "(null)"}, []string{CheckNohzFull}},
		{"RCU callbacks on the CPU", map[string]string{cmdline: "isolcpus=1 nohz_full=1"}, []string{CheckRCUNocbs}},
		{"bare rcu_nocbs offloads all", map[string]string{cmdline: "isolcpus=1 nohz_full=1 rcu_nocbs"}, nil},
		{"an IRQ allowed", map[string]string{"proc/irq/24/smp_affinity_list": "0-1"}, []string{CheckIRQs}},
		{"SMT sibling", map[string]string{"sys/devices/system/cpu/cpu1/topology/thread_siblings_list": "1,3"}, []string{CheckSMT}},
		{"deep C-state, limit not held", map[string]string{"sys/devices/system/cpu/cpu1/cpuidle/state2/disable": "0",
			"dev/cpu_dma_latency": dmaBytes(dmaLatencyDefault)}, []string{CheckCPUIdle, CheckDMALatency}},
		{"deep C-state, limit held", map[string]string{"sys/devices/system/cpu/cpu1/cpuidle/state2/disable": "0"}, nil},
		{"no cpuidle driver", map[string]string{"sys/devices/system/cpu/cpuidle/current_driver": "none"}, nil},
		{"limit not held", map[string]string{"dev/cpu_dma_latency": dmaBytes(dmaLatencyDefault)}, []string{CheckDMALatency}},
		{"limit too loose", map[string]string{"dev/cpu_dma_latency": dmaBytes(100)}, []string{CheckDMALatency}},
		{"THP always", map[string]string{"sys/kernel/mm/transparent_hugepage/enabled": "[always] madvise never"}, []string{CheckTHP}},
		{"RT throttled", map[string]string{"proc/sys/kernel/sched_rt_runtime_us": "950000"}, []string{CheckRTThrottle}},
		{"hypervisor flag", map[string]string{"proc/cpuinfo": "flags\t: fpu hypervisor\n"}, []string{CheckVirtual}},
		{"Xen", map[string]string{"sys/hypervisor/type": "xen"}, []string{CheckVirtual}},
		{"DMI says VMware", map[string]string{"sys/class/dmi/id/product_name": "VMware Virtual Platform"}, []string{CheckVirtual}},
	} {
		root := copyTree(t, readyTree)
		for path, content := range tc.files {
			write(t, root, path, content)
		}
		r := ReadReadiness(root, sampled)
		if got := failing(r); !slices.Equal(got, tc.fails) || r.Ready != (len(tc.fails) == 0) {
			t.Errorf("%s: failing %q (ready %v), want %q", tc.name, got, r.Ready, tc.fails)
		}
	}
}

// TestUnpinnedIsNotReady: with no sampled CPUs the per-CPU checks cannot
// pass, and say why.
func TestUnpinnedIsNotReady(t *testing.T) {
	r := ReadReadiness(readyTree, nil)
	for _, name := range []string{CheckIsolated, CheckNohzFull, CheckRCUNocbs, CheckIRQs, CheckSMT} {
		if c, _ := r.Check(name); c.OK || !strings.Contains(c.Want, "RTWASM_CPUS") {
			t.Errorf("%s unpinned: ok %v, want %q", name, c.OK, c.Want)
		}
	}
}

func TestMissingFilesAreUnknown(t *testing.T) {
	r := ReadReadiness(t.TempDir(), sampled)
	if r.Ready {
		t.Fatal("an empty tree judged ready")
	}
	for _, name := range []string{CheckIRQs, CheckSMT, CheckTHP, CheckRTThrottle, CheckDMALatency} {
		if c, _ := r.Check(name); c.OK || !strings.HasPrefix(c.Found, "unknown") {
			t.Errorf("%s on an empty tree: ok %v, found %q; want unknown", name, c.OK, c.Found)
		}
	}
}

func TestCPUList(t *testing.T) {
	for in, want := range map[string]string{"0-3,5": "0-3,5", "5,1,2,3": "1-3,5", "": "", "(null)": "", "7": "7"} {
		list, err := ParseCPUs(in)
		if err != nil || FormatCPUs(list) != want {
			t.Errorf("%q → %v (%v) → %q, want %q", in, list, err, FormatCPUs(list), want)
		}
	}
	for _, bad := range []string{"a", "3-1", "1-x"} {
		if _, err := ParseCPUs(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
