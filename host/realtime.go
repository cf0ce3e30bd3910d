package host

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Real-time readiness: what a host tuned for real time (tuned's realtime
// profile, rteval's checks) has, checked for the CPUs samples run on. Every
// path is read under a root ("/" on a host, a fixture tree in tests).

// Readiness is the host's real-time state for the sampled CPUs.
type Readiness struct {
	CPUs    []int    `json:"cpus"` // the sampled CPUs; empty: samples are not pinned
	Checks  []Check  `json:"checks"`
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons,omitempty"` // one per failed check
}

// Check is one row: what was found, what a real-time host has.
type Check struct {
	Name  string `json:"name"`
	Found string `json:"found"`
	Want  string `json:"want"`
	OK    bool   `json:"ok"`
}

// Check names, in the order they are shown.
const (
	CheckIsolated   = "isolated CPUs"
	CheckNohzFull   = "nohz_full"
	CheckRCUNocbs   = "rcu_nocbs"
	CheckIRQs       = "IRQs on sampled CPUs"
	CheckSMT        = "SMT siblings"
	CheckCPUIdle    = "cpuidle states"
	CheckTHP        = "transparent hugepages"
	CheckRTThrottle = "RT throttling"
	CheckDMALatency = "cpu_dma_latency"
	CheckVirtual    = "virtualisation"
)

// idleLatencyUS is the deepest idle exit latency (µs) a real-time CPU may
// sit in: C1-class states; deeper ones add tens to hundreds of µs to a wake-up.
const idleLatencyUS = 10

// dmaLatencyDefault is what /dev/cpu_dma_latency reads when nobody holds
// it (PM_QOS_CPU_LATENCY_DEFAULT_VALUE, 2000 s in µs).
const dmaLatencyDefault = 2000000000

// fsys reads files under a root.
type fsys struct{ root string }

func (f fsys) path(p string) string { return filepath.Join(f.root, p) }

func (f fsys) read(p string) (string, error) {
	b, err := os.ReadFile(f.path(p))
	return strings.TrimSpace(string(b)), err
}

func (f fsys) trim(p string) string { s, _ := f.read(p); return s }

// ReadReadiness checks the host under root for samples pinned to cpus.
func ReadReadiness(root string, cpus []int) Readiness {
	f := fsys{root}
	cmdline := f.trim("proc/cmdline")
	dma, dmaErr := f.dmaLatency()
	r := Readiness{CPUs: slices.Clone(cpus), Checks: []Check{
		f.isolated(cmdline, cpus),
		f.nohzFull(cmdline, cpus),
		rcuNocbs(cmdline, cpus, f.online()),
		f.irqs(cpus),
		f.smt(cpus),
		f.cpuidle(cpus, dma, dmaErr),
		f.thp(),
		f.rtThrottle(),
		dmaCheck(dma, dmaErr),
		f.virtualisation(),
	}}
	r.Ready = true
	for _, c := range r.Checks {
		if !c.OK {
			r.Ready = false
			r.Reasons = append(r.Reasons, c.Name+": "+c.Found+" (want "+c.Want+")")
		}
	}
	return r
}

// Verdict is "ready" or "not ready".
func (r Readiness) Verdict() string {
	if r.Ready {
		return "ready"
	}
	return "not ready"
}

// Check returns the check of that name.
func (r Readiness) Check(name string) (Check, bool) {
	i := slices.IndexFunc(r.Checks, func(c Check) bool { return c.Name == name })
	if i < 0 {
		return Check{}, false
	}
	return r.Checks[i], true
}

// pinnedWant is a check's expectation on the sampled CPUs.
func pinnedWant(what string, cpus []int) string {
	if len(cpus) == 0 {
		return what + " (samples are not pinned: set RTWASM_CPUS)"
	}
	if len(cpus) == 1 {
		return fmt.Sprintf("%s on CPU %d", what, cpus[0])
	}
	return what + " on CPUs " + FormatCPUs(cpus)
}

// coverCheck is a check that the sampled CPUs are all in list.
func coverCheck(name, what string, list, cpus []int, found string) Check {
	return Check{Name: name, Found: found, Want: pinnedWant(what, cpus), OK: len(cpus) > 0 && subset(cpus, list)}
}

func (f fsys) isolated(cmdline string, cpus []int) Check {
	list, _ := ParseCPUs(f.trim("sys/devices/system/cpu/isolated"))
	if v, ok := kernelParam(cmdline, "isolcpus"); ok {
		list = union(list, cpusOfParam(v))
	}
	return coverCheck(CheckIsolated, "isolcpus", list, cpus, orNone(list))
}

func (f fsys) nohzFull(cmdline string, cpus []int) Check {
	list, _ := ParseCPUs(f.trim("sys/devices/system/cpu/nohz_full"))
	if v, ok := kernelParam(cmdline, "nohz_full"); ok {
		list = union(list, cpusOfParam(v))
	}
	return coverCheck(CheckNohzFull, "tickless (nohz_full)", list, cpus, orNone(list))
}

// rcuNocbs reads rcu_nocbs= from the command line (Linux exposes it
// nowhere in /sys); a bare rcu_nocbs offloads every CPU.
func rcuNocbs(cmdline string, cpus, online []int) Check {
	v, ok := kernelParam(cmdline, "rcu_nocbs")
	list := cpusOfParam(v)
	if ok && v == "" {
		list = online
	}
	return coverCheck(CheckRCUNocbs, "RCU callbacks offloaded (rcu_nocbs)", list, cpus, orNone(list))
}

func (f fsys) online() []int {
	list, _ := ParseCPUs(f.trim("sys/devices/system/cpu/online"))
	return list
}

// irqs counts the IRQs whose allowed CPUs include a sampled one.
func (f fsys) irqs(cpus []int) Check {
	c := Check{Name: CheckIRQs, Want: pinnedWant("no IRQ allowed", cpus)}
	files, _ := filepath.Glob(f.path("proc/irq/*/smp_affinity_list"))
	var on []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		list, _ := ParseCPUs(strings.TrimSpace(string(b)))
		if len(cpus) == 0 || len(intersect(list, cpus)) > 0 {
			on = append(on, filepath.Base(filepath.Dir(file)))
		}
	}
	if len(files) == 0 {
		c.Found = "unknown: /proc/irq/*/smp_affinity_list not readable"
		return c
	}
	c.Found = fmt.Sprintf("%d of %d IRQs allowed on them", len(on), len(files))
	if len(on) > 0 {
		c.Found += " (" + strings.Join(firstN(on, 8), ", ") + ")"
	}
	c.OK = len(cpus) > 0 && len(on) == 0
	return c
}

// smt names the sampled CPUs that share a core with another CPU.
func (f fsys) smt(cpus []int) Check {
	c := Check{Name: CheckSMT, Want: pinnedWant("no SMT sibling (nosmt, or the sibling offline)", cpus)}
	var shared []string
	for _, cpu := range cpus {
		s, err := f.read(fmt.Sprintf("sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu))
		if err != nil {
			c.Found = fmt.Sprintf("unknown: cpu%d's topology is not exposed", cpu)
			return c
		}
		sib, _ := ParseCPUs(s)
		if others := slices.DeleteFunc(sib, func(x int) bool { return x == cpu }); len(others) > 0 {
			shared = append(shared, fmt.Sprintf("cpu%d with %s", cpu, FormatCPUs(others)))
		}
	}
	c.Found, c.OK = "no sibling", len(cpus) > 0 && len(shared) == 0
	if len(shared) > 0 {
		c.Found = "shares a core: " + strings.Join(shared, "; ")
	}
	return c
}

// cpuidle finds the deepest enabled idle state of the sampled CPUs; it is
// harmless when cpu_dma_latency is held below idleLatencyUS (the governor
// then skips the deep states).
func (f fsys) cpuidle(cpus []int, dma int64, dmaErr error) Check {
	c := Check{Name: CheckCPUIdle, Want: fmt.Sprintf("no enabled state with exit latency > %d µs, or cpu_dma_latency held ≤ %d µs", idleLatencyUS, idleLatencyUS)}
	driver := f.trim("sys/devices/system/cpu/cpuidle/current_driver")
	if driver == "" || driver == "none" {
		c.Found, c.OK = "no cpuidle driver: the kernel's default idle (HLT, C1)", true
		return c
	}
	deepest, name := int64(0), ""
	for _, cpu := range cpus {
		states, _ := filepath.Glob(f.path(fmt.Sprintf("sys/devices/system/cpu/cpu%d/cpuidle/state*", cpu)))
		for _, st := range states {
			rel, _ := filepath.Rel(f.root, st)
			if f.trim(filepath.Join(rel, "disable")) == "1" {
				continue
			}
			lat, err := strconv.ParseInt(f.trim(filepath.Join(rel, "latency")), 10, 64)
			if err == nil && lat > deepest {
				deepest, name = lat, f.trim(filepath.Join(rel, "name"))
			}
		}
	}
	c.Found = fmt.Sprintf("%s: deepest enabled state %s, exit latency %d µs", driver, orDash(name), deepest)
	c.OK = len(cpus) > 0 && (deepest <= idleLatencyUS || dmaErr == nil && dma <= idleLatencyUS)
	return c
}

func (f fsys) thp() Check {
	c := Check{Name: CheckTHP, Want: "never (no khugepaged compaction or huge-page faults)"}
	s, err := f.read("sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		c.Found = "unknown: not exposed"
		return c
	}
	c.Found = bracketed(s)
	c.OK = c.Found == "never"
	return c
}

func (f fsys) rtThrottle() Check {
	c := Check{Name: CheckRTThrottle, Want: "sched_rt_runtime_us = -1 (RT tasks never throttled)"}
	s, err := f.read("proc/sys/kernel/sched_rt_runtime_us")
	if err != nil {
		c.Found = "unknown: not exposed"
		return c
	}
	c.Found = "sched_rt_runtime_us = " + s
	c.OK = s == "-1"
	return c
}

// dmaLatency reads the CPU latency target the kernel applies (µs).
func (f fsys) dmaLatency() (int64, error) {
	b, err := os.ReadFile(f.path(DMALatencyPath))
	if err != nil {
		return 0, err
	}
	if len(b) < 4 {
		return 0, fmt.Errorf("%s: %d bytes, want a 4-byte value", DMALatencyPath, len(b))
	}
	return int64(int32(binary.NativeEndian.Uint32(b[:4]))), nil
}

func dmaCheck(dma int64, err error) Check {
	c := Check{Name: CheckDMALatency, Want: fmt.Sprintf("held ≤ %d µs while measuring (the run holds it at 0 as root)", idleLatencyUS)}
	switch {
	case err != nil:
		c.Found = "unknown: " + err.Error()
	case dma >= dmaLatencyDefault:
		c.Found = "not held (no limit)"
	default:
		c.Found = fmt.Sprintf("held at %d µs", dma)
		c.OK = dma <= idleLatencyUS
	}
	return c
}

// vmVendors are DMI vendor/product names of virtual machines.
var vmVendors = []string{"qemu", "kvm", "vmware", "virtualbox", "xen", "bochs", "virtual machine", "amazon ec2",
	"google compute engine", "firecracker", "cloud hypervisor", "parallels", "openstack"}

func (f fsys) virtualisation() Check {
	c := Check{Name: CheckVirtual, Want: "bare metal (a hypervisor adds exits, steal time and vCPU preemption)"}
	var signs []string
	if cpuFlags(f.trim("proc/cpuinfo"))["hypervisor"] {
		signs = append(signs, "hypervisor CPU flag")
	}
	if t := f.trim("sys/hypervisor/type"); t != "" {
		signs = append(signs, "/sys/hypervisor: "+t)
	}
	for _, file := range []string{"sys_vendor", "product_name"} {
		v := f.trim("sys/class/dmi/id/" + file)
		if slices.ContainsFunc(vmVendors, func(s string) bool { return strings.Contains(strings.ToLower(v), s) }) {
			signs = append(signs, "DMI "+file+": "+v)
		}
	}
	c.Found, c.OK = "bare metal", len(signs) == 0
	if len(signs) > 0 {
		c.Found = "virtual machine (" + strings.Join(signs, "; ") + ")"
	}
	return c
}

// cpuFlags is the first CPU's flags in /proc/cpuinfo.
func cpuFlags(cpuinfo string) map[string]bool {
	for _, line := range strings.Split(cpuinfo, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			set := map[string]bool{}
			for _, f := range strings.Fields(v) {
				set[f] = true
			}
			return set
		}
	}
	return nil
}

// kernelParam finds name or name=value on the kernel command line (before
// a "--", after which come init's arguments).
func kernelParam(cmdline, name string) (string, bool) {
	for _, field := range strings.Fields(cmdline) {
		if field == "--" {
			break
		}
		if k, v, _ := strings.Cut(field, "="); k == name {
			return v, true
		}
	}
	return "", false
}

// cpusOfParam reads the CPU list of isolcpus=flags,list or nohz_full=list.
func cpusOfParam(v string) []int {
	var list []int
	for _, part := range strings.Split(v, ",") {
		if cpus, err := ParseCPUs(part); err == nil {
			list = union(list, cpus)
		}
	}
	return list
}

// bracketed is the selected value of a sysfs choice, "a [b] c" → b.
func bracketed(s string) string {
	if _, after, ok := strings.Cut(s, "["); ok {
		if v, _, ok := strings.Cut(after, "]"); ok {
			return v
		}
	}
	return s
}

// ParseCPUs reads a Linux CPU list such as "0-3,5"; "" and "(null)" are empty.
func ParseCPUs(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "(null)" {
		return nil, nil
	}
	var list []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("CPU list %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("CPU list %q: bad range %q", s, part)
			}
		}
		for c := a; c <= b; c++ {
			list = append(list, c)
		}
	}
	slices.Sort(list)
	return slices.Compact(list), nil
}

// FormatCPUs writes a CPU list with ranges: 0-3,5.
func FormatCPUs(list []int) string {
	s := slices.Clone(list)
	slices.Sort(s)
	var parts []string
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", s[i], s[j]))
		} else {
			parts = append(parts, strconv.Itoa(s[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

func orNone(list []int) string {
	if len(list) == 0 {
		return "none"
	}
	return FormatCPUs(list)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func subset(a, b []int) bool {
	return !slices.ContainsFunc(a, func(x int) bool { return !slices.Contains(b, x) })
}

func intersect(a, b []int) []int {
	var out []int
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func union(a, b []int) []int {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func firstN(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("… %d more", len(list)-n))
}
