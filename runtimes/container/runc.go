package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// runcStateRoot keeps rtwasm's runc containers apart from any others, so
// that cleanup can list them.
const runcStateRoot = "/run/rtwasm-runc"

// runcBundle runs each sample as an OCI bundle started by `runc run`
// directly: the container's isolation without the Docker daemon and
// containerd, to split the container cold start into its parts. The root
// filesystem is docker:engine's busybox one, kept read-only and shared by
// every sample; each sample gets a bundle with its own config.json.
type runcBundle struct {
	mu      sync.Mutex
	kernels kernelSet
	dir     string // where root filesystems are kept
	rootfs  runcRootfs
	seq     atomic.Int64
}

// runcRootfs is a materialized root filesystem, named by its content digest.
type runcRootfs struct {
	version int // of the kernel set it holds
	path    string
	base    string
	size    int64
}

// Runc returns the OCI bundle runtime.
func Runc() []runtimes.Runtime { return []runtimes.Runtime{newRuncBundle()} }

func newRuncBundle() *runcBundle {
	return &runcBundle{} // dir: Prepare's, else a private temporary directory
}

func (r *runcBundle) ID() string               { return "runc:bundle" }
func (r *runcBundle) Target() toolchain.Target { return toolchain.Musl }
func (r *runcBundle) ColdStart() string        { return run.ColdProcess }

// findRunc looks for runc on PATH and where Debian puts it.
func findRunc() (string, error) {
	path, err := exec.LookPath("runc")
	if err != nil {
		path, err = exec.LookPath("/usr/sbin/runc")
	}
	return path, err
}

// Probe finds runc and reads its version; it changes nothing.
func (r *runcBundle) Probe(ctx context.Context) runtimes.Probe {
	if os.Geteuid() != 0 {
		return runtimes.Probe{Reason: "runc:bundle runs rootful containers (cgroups, namespaces); run as root"}
	}
	bin, err := findRunc()
	if err != nil {
		return runtimes.Probe{Reason: "runc not found on PATH or in /usr/sbin; install it (apt-get install runc)"}
	}
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return runtimes.Probe{Reason: fmt.Sprintf("%s --version failed: %v", bin, err)}
	}
	return runtimes.Probe{Available: true, Binary: bin, Version: runcVersion(string(out))}
}

// SetUp removes states left by dead runs and, once the build step has given
// it kernels, materializes their root filesystem.
func (r *runcBundle) SetUp(ctx context.Context, p runtimes.Probe) runtimes.Probe {
	removeRuncStates(ctx, p.Binary, false)
	r.mu.Lock()
	empty := len(r.kernels.paths) == 0
	r.mu.Unlock()
	if empty {
		return p
	}
	fs, err := r.rootfsWith(ctx, "")
	if err != nil {
		return runtimes.Probe{Reason: fmt.Sprintf("cannot build the root filesystem: %v", err)}
	}
	p.Version += fmt.Sprintf("; rootfs %s, %s", fs.base, megabytes(fs.size))
	return p
}

// runcVersion turns `runc --version` into "runc 1.1.5 (OCI spec 1.0.2-dev)".
func runcVersion(out string) string {
	fields := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(line, "runc version "); ok {
			fields["version"] = strings.TrimSpace(v)
		}
	}
	return fmt.Sprintf("runc %s (OCI spec %s)", fields["version"], fields["spec"])
}

// Prepare adds the kernel to the root filesystem, materialized under dir
// once for all kernels when first needed; Run receives the kernel's path.
func (r *runcBundle) Prepare(ctx context.Context, kernel toolchain.Artifact, dir string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kernels.add(kernel.Path)
	r.dir = dir
	return kernel.Path, nil
}

// Run writes the sample's bundle, starts `runc run` on it (the launch time
// is taken just before) and always deletes the container afterwards.
func (r *runcBundle) Run(ctx context.Context, artifact string, args []string) runtimes.Result {
	bin, err := findRunc()
	if err != nil {
		return runtimes.Result{ExitStatus: -1, Err: fmt.Errorf("runc not found: %w", err)}
	}
	fs, err := r.rootfsWith(ctx, artifact)
	if err != nil {
		return runtimes.Result{ExitStatus: -1, Err: fmt.Errorf("root filesystem: %w", err)}
	}
	id := fmt.Sprintf("rtwasm-%s-%d", containerRun, r.seq.Add(1))
	spec := bundleSpec(fs.path, id, append([]string{benchPath(artifact)}, args...), runtimes.CPUsFrom(ctx))
	bundle, err := writeBundle(spec)
	if err != nil {
		return runtimes.Result{ExitStatus: -1, Err: fmt.Errorf("bundle: %w", err)}
	}
	defer os.RemoveAll(bundle)
	defer deleteRuncState(bin, id)
	l := runtimes.LaunchFrom(ctx)
	asked := l.Sched
	if prio, _ := runtimes.ParseSched(asked); prio > 0 {
		l.Sched = "other"
		ctx = runtimes.WithLaunch(ctx, l)
	}
	res := runtimes.RunProcess(ctx, []string{bin, "--root", runcStateRoot, "run", "--bundle", bundle, id})
	if l.Sched != asked {
		// runc moves the container into a cgroup whose real-time budget
		// (cpu.rt_runtime_us) is 0, which refuses a SCHED_FIFO task.
		res.Applied.Sched = "other (" + asked + " not applied: the container's cgroup has no real-time CPU budget)"
	}
	return res
}

// rootfsWith returns a root filesystem holding every kernel given so far
// and the artifact (if any), materializing it when the kernel set changed.
func (r *runcBundle) rootfsWith(ctx context.Context, artifact string) (runcRootfs, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if artifact != "" {
		r.kernels.add(artifact)
	}
	if r.rootfs.path != "" && r.rootfs.version == r.kernels.version {
		return r.rootfs, nil
	}
	base, err := busyboxBase(ctx)
	if err != nil {
		return runcRootfs{}, err
	}
	entries := rootfsEntries(r.kernels, true)
	digest, err := rootfsDigest(base, entries)
	if err != nil {
		return runcRootfs{}, err
	}
	if r.dir == "" {
		// Never a shared, predictable /tmp path: a root filesystem another
		// user could fill would run in the container.
		if r.dir, err = os.MkdirTemp("", fmt.Sprintf("rtwasm-runc-rootfs-%d-", os.Getpid())); err != nil {
			return runcRootfs{}, err
		}
	}
	fs := runcRootfs{version: r.kernels.version, base: base, path: filepath.Join(r.dir, "rootfs-"+digest[:16])}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return fs, err
	}
	if fs.path, err = filepath.Abs(fs.path); err != nil {
		return fs, err
	}
	if fs.size, err = materializeRootfs(fs.path, entries); err != nil {
		return fs, err
	}
	r.rootfs = fs
	return fs, nil
}

// writeBundle makes a bundle directory holding spec as config.json.
func writeBundle(spec *specs.Spec) (string, error) {
	dir, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-bundle-%d-", os.Getpid()))
	if err != nil {
		return "", err
	}
	data, err := json.MarshalIndent(spec, "", "\t")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// bundleSpec runs argv in the shared root filesystem with `runc spec`'s
// defaults, hardened as docker:engine's containers are: new network (and
// pid, ipc, uts, mount) namespaces, read-only root, no capabilities, no new
// privileges, an unprivileged user, Docker-like seccomp (seccomp.go), pids
// and memory limits, and the cpuset
// of the samples' CPUs (runc itself is pinned by runProcess).
func bundleSpec(rootfs, id string, argv []string, cpus []int) *specs.Spec {
	pids, memory := int64(containerPids), int64(containerMemory)
	return &specs.Spec{
		Version:  specs.Version,
		Root:     &specs.Root{Path: rootfs, Readonly: true},
		Hostname: "rtwasm",
		Process: &specs.Process{
			Args:            argv,
			Env:             []string{"PATH=/bin"},
			Cwd:             "/",
			User:            specs.User{UID: containerUID, GID: containerUID},
			Capabilities:    &specs.LinuxCapabilities{},
			NoNewPrivileges: true,
			Rlimits:         []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 1024}},
		},
		Mounts: defaultMounts(),
		Linux: &specs.Linux{
			CgroupsPath: "/rtwasm/" + id,
			Namespaces: []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace},
				{Type: specs.IPCNamespace}, {Type: specs.UTSNamespace}, {Type: specs.MountNamespace}},
			Resources: &specs.LinuxResources{
				Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}},
				Pids:    &specs.LinuxPids{Limit: &pids},
				Memory:  &specs.LinuxMemory{Limit: &memory},
				CPU:     &specs.LinuxCPU{Cpus: runtimes.CPUList(cpus)},
			},
			MaskedPaths: []string{"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
				"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
			Seccomp:       seccompProfile(),
		},
	}
}

// defaultMounts are the mounts of `runc spec`.
func defaultMounts() []specs.Mount {
	return []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"nosuid", "noexec", "nodev", "relatime", "ro"}},
	}
}

// deleteRuncState kills and deletes the container with a fresh context, so
// that a sample's timeout or an interrupt cannot skip it.
func deleteRuncState(bin, id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--root", runcStateRoot, "delete", "--force", id).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "does not exist") {
		return fmt.Errorf("runc delete %s: %v: %s", id, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// runcStates lists the ids of the containers under rtwasm's state root.
func runcStates(ctx context.Context, bin string) ([]string, error) {
	out, err := exec.CommandContext(ctx, bin, "--root", runcStateRoot, "list", "--quiet").Output()
	if err != nil {
		return nil, fmt.Errorf("runc list: %w", err)
	}
	return strings.Fields(string(out)), nil
}

// removeRuncStates deletes the containers of rtwasm processes that have
// exited, and with own also this process's.
func removeRuncStates(ctx context.Context, bin string, own bool) error {
	ids, err := runcStates(ctx, bin)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		run := strings.TrimPrefix(id[:max(strings.LastIndex(id, "-"), 0)], "rtwasm-")
		if (own && run == containerRun) || ownerGone(run) {
			errs = append(errs, deleteRuncState(bin, id))
		}
	}
	return errors.Join(errs...)
}

// Close deletes any container of this process still present.
func (r *runcBundle) Close() error {
	bin, err := findRunc()
	if err != nil {
		return nil
	}
	return removeRuncStates(context.Background(), bin, true)
}
