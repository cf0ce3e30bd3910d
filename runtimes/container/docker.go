package container

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// Labels on everything docker:engine creates.
const (
	labelRtwasm = "rtwasm"        // "1" on every container and image
	labelRun    = "rtwasm.run"    // the creating process's containerRun
	labelInputs = "rtwasm.inputs" // an image's content digest
	alpineImage = "alpine:3.19"
	imageRepo   = "rtwasm-kernels"
)

// dockerEngine runs each sample as a fresh container through the Docker
// Engine API: create, start, wait, read the logs, remove. The launch time is
// taken just before ContainerCreate, as `docker run` would start there.
type dockerEngine struct {
	mu      sync.Mutex
	cli     *client.Client
	kernels kernelSet
	image   dockerImage
	seq     atomic.Int64
}

// dockerImage is the image holding the kernels; it is tagged with the
// digest of its inputs, so equal inputs are never built twice.
type dockerImage struct {
	version int    // of the kernel set it holds
	tag     string // rtwasm-kernels:<digest>
	id      string
	base    string // "alpine:3.19 (sha256:…)" or "scratch + busybox-static …"
	size    int64
	built   bool // built by this process rather than found
}

// Docker returns the Docker Engine runtime.
func Docker() []runtimes.Runtime { return []runtimes.Runtime{newDockerEngine()} }

func newDockerEngine() *dockerEngine { return &dockerEngine{} }

func (d *dockerEngine) ID() string               { return "docker:engine" }
func (d *dockerEngine) Target() toolchain.Target { return toolchain.Musl }
func (d *dockerEngine) ColdStart() string        { return run.ColdProcess }

// client connects as the docker CLI does: DOCKER_HOST and friends, else
// the local socket, with the API version negotiated.
func (d *dockerEngine) client() (*client.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cli == nil {
		cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
		if err != nil {
			return nil, fmt.Errorf("docker client: %w; check DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH", err)
		}
		d.cli = cli
	}
	return d.cli, nil
}

// Probe pings the Engine and reads its version; it changes nothing.
func (d *dockerEngine) Probe(ctx context.Context) runtimes.Probe {
	cli, err := d.client()
	if err != nil {
		return runtimes.Probe{Reason: err.Error()}
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := cli.ServerVersion(pctx)
	if err != nil {
		return runtimes.Probe{Reason: unreachableReason(cli.DaemonHost(), err)}
	}
	return runtimes.Probe{Available: true, Version: fmt.Sprintf("Docker Engine %s (API %s)", v.Version, cli.ClientVersion())}
}

// SetUp removes the leftovers of dead runs and, once the build step has
// given it kernels, builds (or finds) their image and names it.
func (d *dockerEngine) SetUp(ctx context.Context, p runtimes.Probe) runtimes.Probe {
	d.removeContainers(ctx, false, true)
	d.mu.Lock()
	empty := len(d.kernels.paths) == 0
	d.mu.Unlock()
	if empty {
		return p
	}
	img, err := d.imageWith(ctx, "")
	if err != nil {
		return runtimes.Probe{Reason: fmt.Sprintf("cannot build the kernel image: %v", err)}
	}
	p.Version += fmt.Sprintf("; image FROM %s, %s", img.base, megabytes(img.size))
	p.Binary = img.tag + " " + img.id
	return p
}

func unreachableReason(host string, err error) string {
	fix := "start the Docker daemon (systemctl start docker), or set DOCKER_HOST to a running Engine (e.g. DOCKER_HOST=unix:///var/run/docker.sock)"
	if strings.Contains(err.Error(), "permission denied") {
		fix = "run as root or add the user to the docker group (usermod -aG docker $USER)"
	}
	return fmt.Sprintf("Docker Engine unreachable at %s: %v; %s", host, err, fix)
}

// Prepare adds the kernel to the image, built once for all of them when
// first needed; Run receives the kernel's path.
func (d *dockerEngine) Prepare(ctx context.Context, kernel toolchain.Artifact, dir string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.kernels.add(kernel.Path)
	return kernel.Path, nil
}

// Run starts the kernel in a fresh hardened container and always removes
// the container, also after a failure, a timeout or an interrupt.
func (d *dockerEngine) Run(ctx context.Context, artifact string, args []string) runtimes.Result {
	res := runtimes.Result{ExitStatus: -1}
	img, err := d.imageWith(ctx, artifact)
	if err != nil {
		res.Err = fmt.Errorf("kernel image: %w", err)
		return res
	}
	cli, err := d.client()
	if err != nil {
		res.Err = err
		return res
	}
	name := fmt.Sprintf("rtwasm-%s-%d", containerRun, d.seq.Add(1))
	defer removeContainer(cli, name)
	config := containerConfig(img.tag, benchPath(artifact), args)
	host := hardenedHostConfig(runtimes.CPUsFrom(ctx))
	res.Applied, res.Usage = dockerConditions(host, runtimes.LaunchFrom(ctx))
	res.LaunchNS = time.Now().UnixNano()
	// The create is not canceled with the sample: a create abandoned by the
	// client may still complete in a loaded daemon after the deferred
	// removal, leaving a container behind. It is short; the sample's
	// deadline or interrupt then ends the start and wait.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if _, err := cli.ContainerCreate(cctx, config, host, nil, nil, name); err != nil {
		res.Err = fmt.Errorf("create container: %w", orTimeout(ctx, err))
		return res
	}
	if res.ExitStatus, res.Err = startAndWait(ctx, cli, name); res.Err != nil {
		return res
	}
	if res.Stdout, res.Stderr, err = containerLogs(cli, name); err != nil {
		res.Err = fmt.Errorf("read container output: %w", err)
	} else if res.ExitStatus != 0 {
		res.Err = fmt.Errorf("container exited with status %d: %s", res.ExitStatus, runtimes.ErrorText(res.Stdout, res.Stderr))
	}
	return res
}

// dockerConditions sets the container's stack limit as the launch asks and
// says what is applied and counted. The container's process is started and
// reaped by containerd's shim, not by rtwasm, so its rusage is out of reach
// and its cgroup is gone at exit: the OS counters are -1 (unavailable), the
// scheduling policy is not applicable (Sched ""), and mlock is n/a.
func dockerConditions(host *container.HostConfig, l runtimes.Launch) (runtimes.Launch, runtimes.Usage) {
	applied := runtimes.Launch{CPUs: l.CPUs}
	// The daemon's log options may rotate (max-size 10m here), which drops
	// the start of a large output: one file, big enough for both streams
	// at the capture cap in json-file's encoding (about twice the bytes).
	host.LogConfig.Config = map[string]string{"max-size": fmt.Sprintf("%dm", 6*maxOutput(l)>>20), "max-file": "1"}
	if l.Stack > 0 {
		host.Ulimits = append(host.Ulimits, &container.Ulimit{Name: "stack", Soft: l.Stack, Hard: l.Stack})
		applied.Stack = l.Stack
	}
	note := "docker: the container's process is reaped by containerd's shim, so its rusage is unavailable; hardware counters not measured"
	return applied, runtimes.Usage{MinorFaults: -1, MajorFaults: -1, VoluntarySwitch: -1, InvoluntarySwitch: -1,
		MaxRSSKB: -1, UserNS: -1, SystemNS: -1, Instructions: -1, Cycles: -1, CacheMisses: -1, HWNote: note}
}

func maxOutput(l runtimes.Launch) int64 {
	if l.MaxOutput > 0 {
		return l.MaxOutput
	}
	return runtimes.DefaultMaxOutput
}

// benchPath is where the image holds the kernel built at artifact.
func benchPath(artifact string) string {
	return "/" + benchDir + "/" + filepath.Base(artifact)
}

func containerConfig(tag, kernel string, args []string) *container.Config {
	return &container.Config{
		Image:           tag,
		Cmd:             append([]string{kernel}, args...),
		User:            fmt.Sprintf("%d:%d", containerUID, containerUID),
		WorkingDir:      "/",
		NetworkDisabled: true,
		Labels:          map[string]string{labelRtwasm: "1", labelRun: containerRun},
	}
}

// hardenedHostConfig: no network, read-only root, no capabilities, no
// privilege gains, Docker's default seccomp profile, pids and memory limits
// (swap equal to memory: no swap beyond the limit, as runc's bundle), pinned to the samples' CPUs;
// json-file logs keep the output's bytes.
func hardenedHostConfig(cpus []int) *container.HostConfig {
	pids := int64(containerPids)
	return &container.HostConfig{
		NetworkMode:    "none",
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		Resources:      container.Resources{PidsLimit: &pids, Memory: containerMemory, MemorySwap: containerMemory, CpusetCpus: runtimes.CPUList(cpus)},
		LogConfig:      container.LogConfig{Type: "json-file"},
	}
}

// startAndWait starts the container and waits for its exit status.
func startAndWait(ctx context.Context, cli *client.Client, id string) (int, error) {
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	exits, errs := cli.ContainerWait(waitCtx, id, container.WaitConditionNextExit)
	if err := cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return -1, fmt.Errorf("start container: %w", orTimeout(ctx, err))
	}
	select {
	case w := <-exits:
		if w.Error != nil && w.Error.Message != "" {
			return int(w.StatusCode), fmt.Errorf("container wait: %s", w.Error.Message)
		}
		return int(w.StatusCode), nil
	case err := <-errs:
		return -1, fmt.Errorf("wait for container: %w", orTimeout(ctx, err))
	}
}

// orTimeout explains an error caused by the sample's context ending.
func orTimeout(ctx context.Context, err error) error {
	switch {
	case ctx.Err() == nil:
		return err
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("killed after the per-sample timeout (%v); raise RTWASM_TIMEOUT if the kernel is just slow", context.Cause(ctx))
	}
	return fmt.Errorf("killed: interrupted (%v)", context.Cause(ctx))
}

// containerLogs reads the container's stdout and stderr, demultiplexed.
func containerLogs(cli *client.Client, id string) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rc, err := cli.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	var out, errOut bytes.Buffer
	_, err = stdcopy.StdCopy(&out, &errOut, rc)
	return out.Bytes(), errOut.Bytes(), err
}

// removeContainer kills and removes a container with a fresh context, so
// that a sample's timeout or an interrupt cannot skip it.
func removeContainer(cli *client.Client, id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
	if client.IsErrNotFound(err) {
		return nil
	}
	return err
}

// removeContainers removes this process's containers (own) and those of
// rtwasm processes that have exited (stale).
func (d *dockerEngine) removeContainers(ctx context.Context, own, stale bool) error {
	cli, err := d.client()
	if err != nil {
		return err
	}
	list, err := cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", labelRtwasm+"=1"))})
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range list {
		run := c.Labels[labelRun]
		if (own && run == containerRun) || (stale && ownerGone(run)) {
			errs = append(errs, removeContainer(cli, c.ID))
		}
	}
	return errors.Join(errs...)
}

// removeImages removes every rtwasm image (the kernel image cache) but those
// a live run holds (see holdImage).
func (d *dockerEngine) removeImages(ctx context.Context, log io.Writer) error {
	cli, err := d.client()
	if err != nil {
		return err
	}
	list, err := cli.ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("label", labelRtwasm+"=1"))})
	if err != nil {
		return err
	}
	images := make([]cleanImage, len(list))
	for i, img := range list {
		images[i] = cleanImage{id: img.ID, name: img.ID}
		if len(img.RepoTags) > 0 {
			images[i].name = img.RepoTags[0] + " (" + img.ID + ")"
		}
	}
	return removeUnheld(images, func(id string) error {
		_, err := cli.ImageRemove(ctx, id, image.RemoveOptions{Force: true, PruneChildren: true})
		if client.IsErrNotFound(err) {
			return nil
		}
		return err
	}, log)
}

// Close removes any container of this process still present and drops the
// connection; the runtime reconnects if used again. Images stay as a cache
// (Cleanup removes them).
func (d *dockerEngine) Close() error {
	d.mu.Lock()
	cli := d.cli
	d.mu.Unlock()
	if cli == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := d.removeContainers(ctx, true, false)
	d.mu.Lock()
	d.cli = nil
	d.mu.Unlock()
	return errors.Join(err, cli.Close())
}

// imageWith returns an image holding every kernel given so far and the
// artifact (if any), building it when the kernel set changed.
func (d *dockerEngine) imageWith(ctx context.Context, artifact string) (dockerImage, error) {
	cli, err := d.client()
	if err != nil {
		return dockerImage{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if artifact != "" {
		d.kernels.add(artifact)
	}
	if d.image.tag != "" && d.image.version == d.kernels.version {
		return d.image, nil
	}
	img, err := buildKernelImage(ctx, cli, d.kernels)
	if err != nil {
		return img, err
	}
	holdImage(img.id)
	d.image = img
	return img, nil
}

// buildKernelImage builds the image of the kernels (ImageBuild with a tar
// context made in memory), unless an image with the same inputs exists.
func buildKernelImage(ctx context.Context, cli *client.Client, kernels kernelSet) (dockerImage, error) {
	from, base, err := chooseBase(ctx, cli)
	if err != nil {
		return dockerImage{}, err
	}
	entries := rootfsEntries(kernels, from == "scratch")
	inputs, err := rootfsDigest(base, entries)
	if err != nil {
		return dockerImage{}, err
	}
	img := dockerImage{version: kernels.version, tag: imageRepo + ":" + inputs[:16], base: base}
	if info, err := cli.ImageInspect(ctx, img.tag); err == nil && info.Config != nil && info.Config.Labels[labelInputs] == inputs {
		img.id, img.size = info.ID, info.Size
		return img, nil
	}
	var buildContext bytes.Buffer
	dockerfile := fmt.Sprintf("FROM %s\nCOPY rootfs/ /\n", from)
	if err := writeRootfsTar(&buildContext, "rootfs", entries, map[string][]byte{"Dockerfile": []byte(dockerfile)}); err != nil {
		return img, err
	}
	resp, err := cli.ImageBuild(ctx, &buildContext, build.ImageBuildOptions{
		Tags: []string{img.tag}, Labels: map[string]string{labelRtwasm: "1", labelInputs: inputs},
		Remove: true, ForceRemove: true, NetworkMode: "none", Version: build.BuilderV1,
	})
	if err != nil {
		return img, fmt.Errorf("image build: %w", err)
	}
	defer resp.Body.Close()
	if err := buildStreamError(resp.Body); err != nil {
		return img, fmt.Errorf("image build: %w", err)
	}
	info, err := cli.ImageInspect(ctx, img.tag)
	if err != nil {
		return img, fmt.Errorf("inspect the built image: %w", err)
	}
	img.id, img.size, img.built = info.ID, info.Size, true
	return img, nil
}

// buildStreamError reads the build's JSON message stream to its end and
// returns the first error it reports.
func buildStreamError(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&m); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if m.Error != "" {
			return errors.New(strings.TrimSpace(m.Error))
		}
	}
}

var alpinePull sync.Once

// chooseBase picks alpine:3.19 when the Engine has it or can pull it within
// a few seconds (tried once per process), else scratch + busybox-static.
func chooseBase(ctx context.Context, cli *client.Client) (from, base string, err error) {
	alpinePull.Do(func() { pullQuickly(ctx, cli, alpineImage) })
	if info, err := cli.ImageInspect(ctx, alpineImage); err == nil {
		return alpineImage, alpineImage + " (" + info.ID + ")", nil
	}
	base, err = busyboxBase(ctx)
	return "scratch", base, err
}

// pullQuickly pulls ref unless present, giving up after 15 seconds.
func pullQuickly(ctx context.Context, cli *client.Client, ref string) error {
	if _, err := cli.ImageInspect(ctx, ref); err == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	rc, err := cli.ImagePull(ctx, ref, image.PullOptions{})
	if err != nil {
		return err
	}
	defer rc.Close()
	return buildStreamError(rc)
}
