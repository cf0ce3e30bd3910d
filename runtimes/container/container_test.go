package container

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/runtimes"
)

// TestRootfsContent: the root filesystem holds busybox, /bin/sh and every
// kernel under /bench; its digest follows the content, not the paths.
func TestRootfsContent(t *testing.T) {
	dir := t.TempDir()
	write := func(sub, name, content string) string {
		p := filepath.Join(dir, sub, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o755)
		return p
	}
	var set kernelSet
	set.add(write("a", "gemm", "gemm v1"))
	set.add(write("a", "atax", "atax v1"))
	entries := rootfsEntries(set, false)
	if len(entries) != 2 || entries[0].name != "bench/atax" || entries[1].name != "bench/gemm" {
		t.Fatalf("entries %+v, want bench/atax and bench/gemm", entries)
	}
	d1, err := rootfsDigest("base", entries)
	if err != nil {
		t.Fatal(err)
	}
	version := set.version
	set.add(write("b", "gemm", "gemm v1")) // same content elsewhere
	if d2, _ := rootfsDigest("base", rootfsEntries(set, false)); d2 != d1 || set.version == version {
		t.Errorf("moved kernel: digest changed %v, version changed %v; want same digest, new version", d2 != d1, set.version != version)
	}
	set.add(write("c", "gemm", "gemm v2"))
	if d3, _ := rootfsDigest("base", rootfsEntries(set, false)); d3 == d1 {
		t.Error("a changed kernel kept the digest")
	}
	if d4, _ := rootfsDigest("other base", entries); d4 == d1 {
		t.Error("a changed base kept the digest")
	}

	var buf bytes.Buffer
	if err := writeRootfsTar(&buf, "rootfs", rootfsEntries(set, true), map[string][]byte{"Dockerfile": []byte("FROM scratch\n")}); err != nil {
		t.Fatal(err)
	}
	got := map[string]*tar.Header{}
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h
	}
	for _, name := range []string{"Dockerfile", "rootfs/", "rootfs/bin/", "rootfs/bin/busybox", "rootfs/bin/sh", "rootfs/bench/gemm", "rootfs/bench/atax", "rootfs/proc/", "rootfs/dev/", "rootfs/sys/"} {
		if got[name] == nil {
			t.Errorf("tar context lacks %s; has %d entries", name, len(got))
		}
	}
	if h := got["rootfs/bin/sh"]; h != nil && (h.Typeflag != tar.TypeSymlink || h.Linkname != "busybox") {
		t.Errorf("/bin/sh is %+v, want a link to busybox", h)
	}

	root := filepath.Join(t.TempDir(), "rootfs")
	if _, err := materializeRootfs(root, rootfsEntries(set, false)); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "bench", "gemm")); string(data) != "gemm v2" {
		t.Errorf("materialized gemm is %q, want the latest kernel", data)
	}
}

func TestOwnerGone(t *testing.T) {
	if ownerGone(containerRun) {
		t.Error("this process's own run counted as gone")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if !ownerGone(strconv.Itoa(cmd.Process.Pid) + "-0000") {
		t.Error("an exited process's run not counted as gone")
	}
	if ownerGone("not-a-run") {
		t.Error("a malformed run id counted as gone")
	}
}

// checkKernelRun runs gemm for two iterations in a container runtime and
// checks that its timestamps make two ok prolonged rows.
func checkKernelRun(t *testing.T, rt runtimes.Runtime) {
	t.Helper()
	gemm := muslKernel(t, "gemm")
	res := rt.Run(context.Background(), gemm.Path, harness.Args(2, false))
	if res.Err != nil || res.ExitStatus != 0 {
		t.Fatalf("exit %d: %v", res.ExitStatus, res.Err)
	}
	tl, err := harness.ParseTimeline(res.Stdout)
	if err != nil || len(tl.IterationEnds) != 2 {
		t.Fatalf("timeline %+v (%v), want 2 iterations", tl, err)
	}
	if s := tl.MainStart - res.LaunchNS; s <= 0 || s > int64(time.Minute) {
		t.Errorf("startup %d ns; want a positive time under a minute", s)
	}
	t.Logf("%s startup %.1f ms", rt.ID(), float64(tl.MainStart-res.LaunchNS)/1e6)
}

// checkCleanup runs gemm so that it fails, times out after limit, and is
// interrupted after limit; each must end in an error naming what happened
// (interruptErr for the interrupt) and leave nothing behind (assertNone).
func checkCleanup(t *testing.T, rt runtimes.Runtime, limit time.Duration, interruptErr string, assertNone func(*testing.T)) {
	gemm := muslKernel(t, "gemm")
	endless := []string{"--iterations", "1000000000"}
	for _, c := range []struct {
		name    string
		args    []string
		ctx     func() (context.Context, context.CancelFunc)
		wantErr string
	}{
		{"failure", []string{"--bogus"}, func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, "status 2"},
		{"timeout", endless, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), limit)
		}, "timeout"},
		{"interrupt", endless, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(limit, cancel)
			return ctx, cancel
		}, interruptErr},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := c.ctx()
			defer cancel()
			res := rt.Run(ctx, gemm.Path, c.args)
			if res.Err == nil || !strings.Contains(res.Err.Error(), c.wantErr) {
				t.Errorf("error %v, want one containing %q", res.Err, c.wantErr)
			}
			assertNone(t)
		})
	}
}
