package container

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/rtwasm/rtwasm/kernels"
)

// runcForTest returns a runc:bundle given every MINI kernel, as the build
// step gives them, or skips the test when runc cannot run here.
func runcForTest(t *testing.T, dir string) *runcBundle {
	t.Helper()
	r := newRuncBundle()
	t.Cleanup(func() { r.Close() })
	if p := r.Probe(context.Background()); !p.Available {
		t.Skip("runc:bundle unavailable: " + p.Reason)
	}
	for _, name := range kernels.Names() {
		r.Prepare(context.Background(), muslKernel(t, name), dir)
	}
	return r
}

// assertNoRuncStates fails when a runc container of this process remains.
func assertNoRuncStates(t *testing.T) {
	t.Helper()
	bin, err := findRunc()
	if err != nil {
		t.Fatal(err)
	}
	ids, err := runcStates(context.Background(), bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if strings.HasPrefix(id, "rtwasm-"+containerRun+"-") {
			t.Errorf("runc container %s left behind", id)
		}
	}
}

// TestRuncRootfs: the bundle's root holds busybox and every kernel, is
// reused for equal inputs, and the config is hardened.
func TestRuncRootfs(t *testing.T) {
	dir := t.TempDir()
	r := runcForTest(t, dir)
	p := r.SetUp(context.Background(), r.Probe(context.Background()))
	if !p.Available || !strings.Contains(p.Version, "rootfs scratch + busybox-static") {
		t.Fatalf("probe %+v, want the root filesystem named", p)
	}
	want := []string{"bin/busybox", "bin/sh", "proc", "dev", "sys"}
	for _, name := range kernels.Names() {
		want = append(want, filepath.Join(benchDir, name))
	}
	for _, name := range want {
		if _, err := os.Stat(filepath.Join(r.rootfs.path, name)); err != nil {
			t.Errorf("root filesystem lacks %s: %v", name, err)
		}
	}
	again := runcForTest(t, dir)
	if fs, err := again.rootfsWith(context.Background(), ""); err != nil || fs.path != r.rootfs.path {
		t.Errorf("same inputs gave %s (%v), want %s", fs.path, err, r.rootfs.path)
	}

	s := bundleSpec(r.rootfs.path, "x", []string{"/bench/gemm"}, []int{0})
	hasNetNS := false
	for _, ns := range s.Linux.Namespaces {
		hasNetNS = hasNetNS || (ns.Type == specs.NetworkNamespace && ns.Path == "")
	}
	caps := s.Process.Capabilities
	if !s.Root.Readonly || !hasNetNS || !s.Process.NoNewPrivileges || len(caps.Bounding)+len(caps.Effective)+len(caps.Permitted) > 0 ||
		*s.Linux.Resources.Pids.Limit != containerPids || *s.Linux.Resources.Memory.Limit != containerMemory || s.Linux.Resources.CPU.Cpus != "0" {
		t.Errorf("config not hardened: root %+v, namespaces %+v, process %+v, resources %+v", s.Root, s.Linux.Namespaces, s.Process, s.Linux.Resources)
	}
}

// TestRuncRunKernel: a kernel runs in the bundle, its timestamps parse into
// a sample, and the container state is deleted afterwards.
func TestRuncRunKernel(t *testing.T) {
	r := runcForTest(t, t.TempDir())
	checkKernelRun(t, r)
	assertNoRuncStates(t)
}

// TestRuncCleanup: a failing kernel, a timeout and an interrupt each leave
// no container state behind.
func TestRuncCleanup(t *testing.T) {
	r := runcForTest(t, t.TempDir())
	checkCleanup(t, r, time.Second, "killed", assertNoRuncStates)
}
