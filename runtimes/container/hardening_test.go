package container

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/rtwasm/rtwasm/runtimes"
)

// endlessGemm runs gemm for practically ever in the background until the
// test ends, so that its container can be inspected while it runs.
func endlessGemm(t *testing.T, r runtimes.Runtime) {
	t.Helper()
	ctx, cancel := context.WithCancel(runtimes.WithLaunch(context.Background(), runtimes.Launch{CPUs: []int{0}}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx, muslKernel(t, "gemm").Path, []string{"--iterations", "1000000000"})
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// procStatus reads fields of /proc/<pid>/status.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	return fields
}

// checkConfined: the kernel's process is under a seccomp filter, cannot
// gain privileges, has no capabilities and runs as nobody.
func checkConfined(t *testing.T, pid int) {
	t.Helper()
	st := procStatus(t, pid)
	want := map[string]string{"Seccomp": "2", "NoNewPrivs": "1", "CapEff": "0000000000000000",
		"CapPrm": "0000000000000000", "CapBnd": "0000000000000000"}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("process %d: %s = %q, want %q", pid, k, st[k], v)
		}
	}
	if uid := strings.Fields(st["Uid"]); len(uid) == 0 || uid[0] != strconv.Itoa(containerUID) {
		t.Errorf("process %d runs as uid %v, want %d", pid, uid, containerUID)
	}
}

// TestDockerHardening inspects a running docker:engine container: every
// hardening setting in its HostConfig, and the kernel process confined.
func TestDockerHardening(t *testing.T) {
	d := dockerForTest(t)
	cli, err := d.client()
	if err != nil {
		t.Fatal(err)
	}
	endlessGemm(t, d)
	var info container.InspectResponse
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		list, err := cli.ContainerList(context.Background(), container.ListOptions{
			Filters: filters.NewArgs(filters.Arg("label", labelRun+"="+containerRun), filters.Arg("status", "running"))})
		if err == nil && len(list) > 0 {
			if info, err = cli.ContainerInspect(context.Background(), list[0].ID); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no running container of this test (%v)", err)
		}
	}
	h := info.HostConfig
	if h.Memory != containerMemory || h.MemorySwap != h.Memory {
		t.Errorf("memory %d, swap %d: want %d and swap equal to memory (no swap beyond the limit)", h.Memory, h.MemorySwap, int64(containerMemory))
	}
	if h.PidsLimit == nil || *h.PidsLimit != containerPids {
		t.Errorf("pids limit %v, want %d", h.PidsLimit, containerPids)
	}
	if !h.ReadonlyRootfs || string(h.NetworkMode) != "none" || !slices.Equal(h.CapDrop, []string{"ALL"}) || len(h.CapAdd) > 0 || h.Privileged {
		t.Errorf("root ro %v, network %q, cap drop %v, cap add %v, privileged %v", h.ReadonlyRootfs, h.NetworkMode, h.CapDrop, h.CapAdd, h.Privileged)
	}
	if !slices.Contains(h.SecurityOpt, "no-new-privileges") || slices.ContainsFunc(h.SecurityOpt, func(o string) bool { return strings.Contains(o, "unconfined") }) {
		t.Errorf("security options %v: want no-new-privileges and no unconfined profile", h.SecurityOpt)
	}
	if h.CpusetCpus != "0" {
		t.Errorf("cpuset %q, want 0", h.CpusetCpus)
	}
	if info.Config.User != strconv.Itoa(containerUID) && info.Config.User != strconv.Itoa(containerUID)+":"+strconv.Itoa(containerUID) {
		t.Errorf("user %q, want %d", info.Config.User, containerUID)
	}
	checkConfined(t, info.State.Pid)
}

// TestRuncHardening inspects a running runc:bundle container: the bundle's
// config.json as written (seccomp default EPERM, no namespace-creating clone,
// mount refused) and the kernel process confined by it.
func TestRuncHardening(t *testing.T) {
	r := runcForTest(t, t.TempDir())
	bin, _ := findRunc()
	endlessGemm(t, r)
	var state struct {
		Pid    int    `json:"pid"`
		Bundle string `json:"bundle"`
		Status string `json:"status"`
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		ids, _ := runcStates(context.Background(), bin)
		for _, id := range ids {
			if strings.HasPrefix(id, "rtwasm-"+containerRun+"-") {
				out, err := exec.Command(bin, "--root", runcStateRoot, "state", id).Output()
				if err == nil && json.Unmarshal(out, &state) == nil && state.Status == "running" {
					break
				}
			}
		}
		if state.Status == "running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no running runc container of this test")
		}
	}
	b, err := os.ReadFile(filepath.Join(state.Bundle, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec specs.Spec
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	sc := spec.Linux.Seccomp
	if sc == nil || sc.DefaultAction != specs.ActErrno || sc.DefaultErrnoRet == nil || *sc.DefaultErrnoRet != 1 {
		t.Fatalf("seccomp %+v: want default action EPERM", sc)
	}
	allowed := map[string]bool{}
	for _, rule := range sc.Syscalls {
		for _, n := range rule.Names {
			allowed[n] = allowed[n] || rule.Action == specs.ActAllow && len(rule.Args) == 0
		}
	}
	for _, n := range []string{"read", "write", "mmap", "execve", "clock_gettime", "exit_group", "rt_sigaction"} {
		if !allowed[n] {
			t.Errorf("seccomp does not allow %s", n)
		}
	}
	for _, n := range []string{"mount", "umount2", "pivot_root", "unshare", "setns", "init_module", "kexec_load", "reboot",
		"bpf", "perf_event_open", "keyctl", "add_key", "userfaultfd", "open_by_handle_at", "clock_settime", "swapon", "clone", "clone3"} {
		if allowed[n] {
			t.Errorf("seccomp allows %s unconditionally", n)
		}
	}
	caps := spec.Process.Capabilities
	if !spec.Root.Readonly || !spec.Process.NoNewPrivileges || spec.Process.User.UID != containerUID ||
		len(caps.Bounding)+len(caps.Effective)+len(caps.Permitted)+len(caps.Inheritable)+len(caps.Ambient) > 0 {
		t.Errorf("config not hardened: root %+v, process %+v", spec.Root, spec.Process)
	}
	res := spec.Linux.Resources
	if *res.Pids.Limit != containerPids || *res.Memory.Limit != containerMemory || res.CPU.Cpus != "0" {
		t.Errorf("resources %+v", res)
	}
	checkConfined(t, state.Pid)
}

// TestRuncSeccompRefuses: under the profile busybox runs, and unshare -U (a
// namespace the container must not make) fails with EPERM.
func TestRuncSeccompRefuses(t *testing.T) {
	r := runcForTest(t, t.TempDir())
	fs, err := r.rootfsWith(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	bin, _ := findRunc()
	run := func(seccomp bool, argv ...string) (string, error) {
		id := "rtwasm-" + containerRun + "-probe" + strconv.Itoa(int(r.seq.Add(1)))
		spec := bundleSpec(fs.path, id, argv, nil)
		if !seccomp {
			spec.Linux.Seccomp = nil
		}
		bundle, err := writeBundle(spec)
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(bundle)
		defer deleteRuncState(bin, id)
		out, err := exec.Command(bin, "--root", runcStateRoot, "run", "--bundle", bundle, id).CombinedOutput()
		return string(out), err
	}
	if out, err := run(true, "/bin/busybox", "echo", "fine"); err != nil || !strings.Contains(out, "fine") {
		t.Fatalf("busybox under the profile: %v: %s", err, out)
	}
	// A user namespace needs no capability: without the profile it is made
	// (the control), with it the call is refused.
	userns := []string{"/bin/busybox", "unshare", "-U", "/bin/busybox", "true"}
	if out, err := run(false, userns...); err != nil {
		t.Skipf("control: unshare -U fails without seccomp too (%v: %s); this kernel forbids user namespaces", err, out)
	}
	out, err := run(true, userns...)
	if err == nil || !strings.Contains(strings.ToLower(out), "not permitted") {
		t.Errorf("unshare -U under the profile: %v: %s; want operation not permitted", err, out)
	}
}
