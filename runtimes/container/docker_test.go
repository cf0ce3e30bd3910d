package container

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/rtwasm/rtwasm/internal/testkit"
	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/toolchain"
)

// dockerForTest returns a docker:engine given every MINI kernel, as the
// build step gives them, or skips the test when no Engine is reachable.
func dockerForTest(t *testing.T) *dockerEngine {
	t.Helper()
	d := newDockerEngine()
	t.Cleanup(func() { d.Close() })
	if p := d.Probe(context.Background()); !p.Available {
		t.Skip("docker:engine unavailable: " + p.Reason)
	}
	for _, name := range kernels.Names() {
		d.Prepare(context.Background(), muslKernel(t, name), t.TempDir())
	}
	return d
}

func muslKernel(t *testing.T, name string) toolchain.Artifact {
	t.Helper()
	return testkit.Kernel(t, toolchain.Musl, name)
}

// assertNoContainers fails when a container of this process remains.
func assertNoContainers(t *testing.T, d *dockerEngine) {
	t.Helper()
	cli, err := d.client()
	if err != nil {
		t.Fatal(err)
	}
	list, err := cli.ContainerList(context.Background(), container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", labelRun+"="+containerRun))})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		t.Errorf("container %s (%s, %s) left behind", c.Names, c.State, c.Command)
	}
}

// TestDockerImageBuild: one labelled image holds busybox and every kernel;
// a second runtime with the same inputs finds it instead of building.
func TestDockerImageBuild(t *testing.T) {
	d := dockerForTest(t)
	p := d.SetUp(context.Background(), d.Probe(context.Background()))
	if !p.Available {
		t.Fatal(p.Reason)
	}
	if !strings.Contains(p.Version, "image FROM ") || !strings.Contains(p.Binary, imageRepo+":") || !strings.Contains(p.Binary, "sha256:") {
		t.Errorf("probe %+v does not name the image, its base and id", p)
	}
	cli, _ := d.client()
	info, err := cli.ImageInspect(context.Background(), d.image.tag)
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Labels[labelRtwasm] != "1" || len(info.Config.Labels[labelInputs]) != 64 {
		t.Errorf("image labels %v, want %s=1 and the inputs digest", info.Config.Labels, labelRtwasm)
	}
	if info.Size < 1e5 || info.Size > 30e6 {
		t.Errorf("image is %d bytes; want a few MB", info.Size)
	}
	again := dockerForTest(t)
	img, err := again.imageWith(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if img.built || img.id != d.image.id {
		t.Errorf("same inputs: built %v, id %s; want the existing image %s", img.built, img.id, d.image.id)
	}
}

// TestDockerRunKernel: a kernel runs in a container, its timestamps parse
// into a sample, and the container is gone afterwards.
func TestDockerRunKernel(t *testing.T) {
	d := dockerForTest(t)
	checkKernelRun(t, d)
	assertNoContainers(t, d)
}

// TestDockerCleanup: a failing kernel, a timeout and an interrupt each
// leave no container behind.
func TestDockerCleanup(t *testing.T) {
	d := dockerForTest(t)
	checkCleanup(t, d, 2*time.Second, "interrupt", func(t *testing.T) { assertNoContainers(t, d) })
}

// TestDockerDaemonDown: without a reachable Engine the runtime is
// unavailable with the fix named (pipeline.TestDockerDownMatrixGoesOn
// checks that the rest of the matrix runs).
func TestDockerDaemonDown(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent.sock")
	d := newDockerEngine()
	defer d.Close()
	p := d.Probe(context.Background())
	if p.Available {
		t.Fatalf("probe %+v with no daemon, want unavailable", p)
	}
	for _, want := range []string{"nonexistent.sock", "systemctl start docker", "DOCKER_HOST"} {
		if !strings.Contains(p.Reason, want) {
			t.Errorf("reason %q does not mention %q", p.Reason, want)
		}
	}
	if res := d.Run(context.Background(), "/bench/gemm", nil); res.Err == nil {
		t.Errorf("a run with no daemon succeeded: %+v", res)
	}
}
