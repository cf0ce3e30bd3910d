package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxSlots bounds how many clusters may coexist; slot k owns 10.200.k.0/24.
const maxSlots = 64

// network is what one cluster created in the host's network stack. Every name
// carries the slot, so teardown touches nothing it did not make.
type network struct {
	Slot   int
	Bridge string
	NS     []string // one namespace per node, index i is node n(i+1)
	Rule   bool     // the iptables FORWARD rule was inserted
}

func bridgeName(slot int) string     { return fmt.Sprintf("rtwbr%d", slot) }
func nsName(slot, node int) string   { return fmt.Sprintf("rtwasm%d-n%d", slot, node) }
func vethHost(slot, node int) string { return fmt.Sprintf("rtwv%d-%d", slot, node) }
func vethPeer(slot, node int) string { return fmt.Sprintf("rtwp%d-%d", slot, node) }
func bridgeAddr(slot int) string     { return fmt.Sprintf("10.200.%d.1", slot) }
func nodeAddr(slot, node int) string { return fmt.Sprintf("10.200.%d.%d", slot, node+1) }
func forwardRule(bridge string) []string {
	return []string{"FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"}
}

// run executes a command and returns its error with the output attached.
func run(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, tail(out))
	}
	return nil
}

// claimSlot creates the bridge of the first free slot: creating a link is
// atomic, so the bridge itself is the lock between concurrent clusters.
func claimSlot(ctx context.Context) (int, error) {
	for k := range maxSlots {
		if exec.CommandContext(ctx, "ip", "link", "add", "name", bridgeName(k), "type", "bridge").Run() == nil {
			return k, nil
		}
	}
	return 0, fmt.Errorf("no free bridge rtwbr0..rtwbr%d: remove stale ones with `ip link del rtwbrN` after checking no test cluster uses them", maxSlots-1)
}

// setupNetwork addresses the claimed bridge and wires one namespace per node.
func setupNetwork(ctx context.Context, slot, nodes int) (*network, error) {
	nw := &network{Slot: slot, Bridge: bridgeName(slot)}
	br := nw.Bridge
	steps := [][]string{
		{"ip", "addr", "add", bridgeAddr(slot) + "/24", "dev", br},
		{"ip", "link", "set", br, "up"},
	}
	for _, s := range steps {
		if err := run(ctx, s[0], s[1:]...); err != nil {
			return nw, err
		}
	}
	// Docker sets FORWARD DROP, which also drops bridged traffic between nodes.
	if _, err := exec.LookPath("iptables"); err == nil {
		if err := run(ctx, "iptables", append([]string{"-I"}, forwardRule(br)...)...); err != nil {
			return nw, err
		}
		nw.Rule = true
	}
	for i := 1; i <= nodes; i++ {
		ns := nsName(slot, i)
		if err := run(ctx, "ip", "netns", "add", ns); err != nil {
			return nw, err
		}
		nw.NS = append(nw.NS, ns)
		host, peer := vethHost(slot, i), vethPeer(slot, i)
		for _, s := range [][]string{
			{"ip", "link", "add", host, "type", "veth", "peer", "name", peer},
			{"ip", "link", "set", peer, "netns", ns},
			{"ip", "link", "set", host, "master", br, "up"},
			{"ip", "-n", ns, "addr", "add", nodeAddr(slot, i) + "/24", "dev", peer},
			{"ip", "-n", ns, "link", "set", peer, "up"},
			{"ip", "-n", ns, "link", "set", "lo", "up"},
		} {
			if err := run(ctx, s[0], s[1:]...); err != nil {
				return nw, err
			}
		}
	}
	return nw, nil
}

// nsPids lists every process in a namespace; an absent namespace has none.
func nsPids(ns string) []int {
	out, err := exec.Command("ip", "netns", "pids", ns).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	return pids
}

// killNamespace SIGKILLs every process in ns until none is left, as a power
// cut would: killing slurmd alone leaves its job running, so it would run twice.
func killNamespace(ns string) int {
	killed := 0
	for range 50 {
		pids := nsPids(ns)
		if len(pids) == 0 {
			return killed
		}
		for _, p := range pids {
			if syscall.Kill(p, syscall.SIGKILL) == nil {
				killed++
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return killed
}

// teardown removes what setupNetwork made; every step tolerates absence.
func (nw *network) teardown() []error {
	var errs []error
	for _, ns := range nw.NS {
		killNamespace(ns)
		if _, err := os.Stat("/run/netns/" + ns); err == nil {
			if err := run(context.Background(), "ip", "netns", "del", ns); err != nil {
				errs = append(errs, err)
			}
		}
	}
	nw.NS = nil
	if nw.Rule {
		// -C first, so a second teardown does not report a missing rule.
		if exec.Command("iptables", append([]string{"-C"}, forwardRule(nw.Bridge)...)...).Run() == nil {
			if err := run(context.Background(), "iptables", append([]string{"-D"}, forwardRule(nw.Bridge)...)...); err != nil {
				errs = append(errs, err)
			}
		}
		nw.Rule = false
	}
	if nw.Bridge != "" {
		if _, err := os.Stat("/sys/class/net/" + nw.Bridge); err == nil {
			if err := run(context.Background(), "ip", "link", "del", nw.Bridge); err != nil {
				errs = append(errs, err)
			}
		}
		nw.Bridge = ""
	}
	return errs
}
