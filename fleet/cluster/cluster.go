// Package cluster brings up and tears down a real Slurm test cluster on one
// Linux machine: munged, slurmctld and N slurmd nodes, each node in its own
// network namespace behind a private bridge (10.200.k.0/24), using Debian's
// slurm-wlm and munge packages. It exists for tests and demos of the fleet
// executor; it needs root and must not import the fleet or pipeline packages.
package cluster

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Cluster is a running test cluster. Its methods are safe after Down.
type Cluster struct {
	StateDir   string // private directory: slurm.conf, munge key, logs, spool
	Conf       string // path of slurm.conf
	JobCompLoc string // jobcomp/filetxt file: one line per finished job or task
	Partition  string
	Nodes      []string // node names n1..nN

	nodes int
	net   *network
	mu    sync.Mutex
	procs map[string]*exec.Cmd // "munged", "slurmctld", node names
	down  bool
}

// Up installs the packages if needed and starts a cluster of n ≥ 1 nodes,
// returning once every node is idle in the partition. On error nothing is left.
func Up(ctx context.Context, n int) (c *Cluster, err error) {
	if n < 1 {
		return nil, fmt.Errorf("cluster: need at least one node, got %d", n)
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: needs root for network namespaces and daemons (run the tests as root)", ErrUnavailable)
	}
	if err := ensurePackages(ctx); err != nil {
		return nil, err
	}
	sweepStale()
	slot, err := claimSlot(ctx)
	if err != nil {
		return nil, err
	}
	c = &Cluster{nodes: n, Partition: "rtwasm", net: &network{Slot: slot, Bridge: bridgeName(slot)}, procs: map[string]*exec.Cmd{}}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w%s", err, c.logTail())
			c.Down()
			c = nil
		}
	}()
	if c.net, err = setupNetwork(ctx, slot, n); err != nil {
		return c, err
	}
	if err = c.writeState(); err != nil {
		return c, err
	}
	if err = c.startMunge(ctx); err != nil {
		return c, err
	}
	if err = c.startCtld(ctx); err != nil {
		return c, err
	}
	for i := 1; i <= n; i++ {
		if err = c.startNode(i); err != nil {
			return c, err
		}
	}
	return c, c.waitIdle(ctx)
}

// Env is what a Slurm client needs to talk to this cluster.
func (c *Cluster) Env() []string { return []string{"SLURM_CONF=" + c.Conf} }

// Command runs a Slurm client command against this cluster.
func (c *Cluster) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), c.Env()...)
	return cmd
}

func (c *Cluster) mungeDir() string    { return filepath.Join(c.StateDir, "munge") }
func (c *Cluster) mungeSocket() string { return filepath.Join(c.mungeDir(), "munge.socket") }

// writeState creates the state directory, the munge key and slurm.conf.
func (c *Cluster) writeState() error {
	dir, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-slurm%d-", c.net.Slot))
	if err != nil {
		return err
	}
	c.StateDir = dir
	c.Conf = filepath.Join(dir, "slurm.conf")
	c.JobCompLoc = filepath.Join(dir, "jobcomp.txt")
	if err := writeRecord(record{Slot: c.net.Slot, Nodes: c.nodes, StateDir: dir, Owner: os.Getpid()}); err != nil {
		return err
	}
	// munged refuses directories others can write, and must reach its own.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	for _, sub := range []string{"ctld", "spool", "log", "munge"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	for i := 1; i <= c.nodes; i++ {
		c.Nodes = append(c.Nodes, fmt.Sprintf("n%d", i))
	}
	uid, gid, err := mungeIDs()
	if err != nil {
		return err
	}
	key := make([]byte, 1024)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	keyPath := filepath.Join(c.mungeDir(), "munge.key")
	if err := os.WriteFile(keyPath, key, 0o400); err != nil {
		return err
	}
	for _, p := range []string{c.mungeDir(), keyPath} {
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	if err := os.Chmod(c.mungeDir(), 0o711); err != nil {
		return err
	}
	host, err := os.Hostname()
	if err != nil {
		return err
	}
	return os.WriteFile(c.Conf, []byte(slurmConf(c, strings.SplitN(host, ".", 2)[0])), 0o644)
}

func mungeIDs() (int, int, error) {
	u, err := user.Lookup("munge")
	if err != nil {
		return 0, 0, fmt.Errorf("user munge: %w (reinstall the munge package)", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return uid, gid, nil
}

// start launches a daemon in the foreground and reaps it when it exits.
func (c *Cluster) start(name string, cmd *exec.Cmd) error {
	logf, err := os.Create(filepath.Join(c.StateDir, "log", name+".out"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), c.Env()...)
	// Own process group: a test's Ctrl-C must not kill the cluster behind Down's back.
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", name, err)
	}
	c.mu.Lock()
	c.procs[name] = cmd
	c.mu.Unlock()
	go func() { cmd.Wait(); logf.Close() }()
	return nil
}

func (c *Cluster) startMunge(ctx context.Context) error {
	munged, _ := lookPath("munged")
	uid, gid, _ := mungeIDs()
	d := c.mungeDir()
	cmd := exec.Command(munged, "-F", "--socket="+c.mungeSocket(), "--key-file="+d+"/munge.key",
		"--pid-file="+d+"/munged.pid", "--log-file="+d+"/munged.log", "--seed-file="+d+"/munged.seed")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	if err := c.start("munged", cmd); err != nil {
		return err
	}
	return waitFor(ctx, 10*time.Second, "munged socket", func() error {
		_, err := os.Stat(c.mungeSocket())
		return err
	})
}

func (c *Cluster) startCtld(ctx context.Context) error {
	bin, _ := lookPath("slurmctld")
	if err := c.start("slurmctld", exec.Command(bin, "-D", "-f", c.Conf)); err != nil {
		return err
	}
	return waitFor(ctx, 20*time.Second, "slurmctld to answer `scontrol ping`", func() error {
		out, err := c.Command(ctx, "scontrol", "ping").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "UP") {
			return fmt.Errorf("%v: %s", err, tail(out))
		}
		return nil
	})
}

// startNode runs slurmd in node i's namespace. nsenter, not `ip netns exec`,
// which remounts /sys and leaves slurmd without cgroups; unshare --uts gives
// the node its own hostname, so jobs see n1, n2, ….
func (c *Cluster) startNode(i int) error {
	name := fmt.Sprintf("n%d", i)
	slurmd, _ := lookPath("slurmd")
	script := fmt.Sprintf("hostname %s && exec %s -D -N %s -f %s", name, slurmd, name, c.Conf)
	cmd := exec.Command("nsenter", "--net=/run/netns/"+nsName(c.net.Slot, i), "unshare", "--uts", "sh", "-c", script)
	return c.start(name, cmd)
}

// waitIdle waits until sinfo shows every node idle.
func (c *Cluster) waitIdle(ctx context.Context) error {
	return waitFor(ctx, 60*time.Second, "all nodes idle in sinfo", func() error {
		out, err := c.Command(ctx, "sinfo", "-h", "-N", "-o", "%N %t").Output()
		if err != nil {
			return err
		}
		idle := strings.Count(string(out), " idle")
		if idle != c.nodes {
			return fmt.Errorf("%d of %d idle: %s", idle, c.nodes, strings.TrimSpace(string(out)))
		}
		return nil
	})
}

// KillNode crashes a node: every process in its namespace (slurmd,
// slurmstepd and the job's own processes) gets SIGKILL. Slurm notices after
// SlurmdTimeout and requeues the node's jobs. It returns how many were killed.
func (c *Cluster) KillNode(name string) (int, error) {
	i, err := strconv.Atoi(strings.TrimPrefix(name, "n"))
	if err != nil || i < 1 || i > c.nodes || !strings.HasPrefix(name, "n") {
		return 0, fmt.Errorf("cluster: no node %q (nodes are %s)", name, strings.Join(c.Nodes, ","))
	}
	return killNamespace(nsName(c.net.Slot, i)), nil
}

// Down stops every process, removes the namespaces, bridge, iptables rule and
// state directory. Calling it again, or after a failed Up, is harmless.
func (c *Cluster) Down() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return nil
	}
	c.down = true
	errs := c.net.teardown() // kills the nodes first, as they talk to slurmctld
	for _, name := range []string{"slurmctld", "munged"} {
		if p := c.procs[name]; p != nil && p.Process != nil {
			p.Process.Signal(syscall.SIGTERM)
			waitExit(p.Process.Pid, 5*time.Second)
			p.Process.Kill()
		}
	}
	if c.StateDir != "" {
		if err := os.RemoveAll(c.StateDir); err != nil {
			errs = append(errs, err)
		}
	}
	removeRecord(c.net.Slot)
	return errors.Join(errs...)
}

// waitExit polls until pid is gone or the timeout passes.
func waitExit(pid int, timeout time.Duration) {
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && strings.Contains(string(st), ") Z ") {
			return
		}
	}
}

func waitFor(ctx context.Context, timeout time.Duration, what string, ok func() error) error {
	end := time.Now().Add(timeout)
	for {
		err := ok()
		if err == nil {
			return nil
		}
		if time.Now().After(end) {
			return fmt.Errorf("timed out after %v waiting for %s: %v", timeout, what, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// logTail appends the ends of the daemon logs to an Up error: they name the cause.
func (c *Cluster) logTail() string {
	if c.StateDir == "" {
		return ""
	}
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(c.StateDir, "log", "*"))
	files = append(files, filepath.Join(c.mungeDir(), "munged.log"))
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && len(data) > 0 {
			fmt.Fprintf(&b, "\n--- %s:\n%s", filepath.Base(f), tail(data))
		}
	}
	return b.String()
}
