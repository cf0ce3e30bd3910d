package host

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The run-time-settable parts of real-time readiness. Design: FixRealTime
// writes each setting it changes and records the value it found in a
// restore file (RestoreFile under the root) before the first write, so
// that RestoreRealTime puts the host back after any number of runs, after
// a crash, or from another shell; a second FixRealTime keeps the first
// recorded values (the host's own). The host's tuning is a decision about
// the machine, held across runs so that they compare, not a side effect of
// one run. The exception is cpu_dma_latency: the kernel drops the request
// when its file is closed, so the run itself holds it (HoldDMALatency).

// DMALatencyPath is the PM QoS device whose open file holds a CPU latency limit.
const DMALatencyPath = "dev/cpu_dma_latency"

// RestoreFile records the values FixRealTime replaced.
const RestoreFile = "var/lib/rtwasm/fixhost-restore.json"

// Change is one setting written: the file (under the root) and its values.
type Change struct {
	Path   string `json:"path"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// HoldDMALatency opens root's cpu_dma_latency and writes 0 µs, so that no
// CPU enters an idle state with an exit latency above 0 while the file is
// open; release closes it (the kernel then drops the limit).
func HoldDMALatency(root string) (release func() error, err error) {
	f, err := os.OpenFile(filepath.Join(root, DMALatencyPath), os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("hold cpu_dma_latency: %w (needs root)", err)
	}
	if err := binary.Write(f, binary.NativeEndian, int32(0)); err != nil {
		f.Close()
		return nil, fmt.Errorf("hold cpu_dma_latency: %w", err)
	}
	return f.Close, nil
}

// FixRealTime sets, under root, what a real-time host has and Linux lets
// change at run time: transparent hugepages never, RT throttling off, and
// every IRQ's allowed CPUs moved off the sampled CPUs (to the other online
// ones). It records the replaced values in RestoreFile and reports each
// change to w; settings the kernel refuses (some IRQs cannot move) are
// listed in the error, the others still applied.
func FixRealTime(root string, cpus []int, w io.Writer) ([]Change, error) {
	f := fsys{root}
	var wants []Change
	if s, err := f.read("sys/kernel/mm/transparent_hugepage/enabled"); err == nil && bracketed(s) != "never" {
		wants = append(wants, Change{"sys/kernel/mm/transparent_hugepage/enabled", bracketed(s), "never"})
	}
	if s, err := f.read("proc/sys/kernel/sched_rt_runtime_us"); err == nil && s != "-1" {
		wants = append(wants, Change{"proc/sys/kernel/sched_rt_runtime_us", s, "-1"})
	}
	irqs, err := f.irqMoves(cpus)
	if err != nil {
		return nil, err
	}
	wants = append(wants, irqs...)
	if err := f.record(wants); err != nil {
		return nil, err
	}
	return f.apply(wants, w)
}

// irqMoves are the IRQ affinity changes that keep IRQs off cpus.
func (f fsys) irqMoves(cpus []int) ([]Change, error) {
	if len(cpus) == 0 {
		return nil, errors.New("fixhost: samples are not pinned (RTWASM_CPUS=none), so there are no CPUs to keep IRQs off")
	}
	others := slices.DeleteFunc(f.online(), func(c int) bool { return slices.Contains(cpus, c) })
	if len(others) == 0 {
		return nil, fmt.Errorf("fixhost: the samples use every online CPU (%s); leave one for IRQs with RTWASM_CPUS", FormatCPUs(cpus))
	}
	files, _ := filepath.Glob(f.path("proc/irq/*/smp_affinity_list"))
	var moves []Change
	for _, file := range files {
		rel, _ := filepath.Rel(f.root, file)
		list, _ := ParseCPUs(f.trim(rel))
		if len(intersect(list, cpus)) > 0 {
			moves = append(moves, Change{rel, FormatCPUs(list), FormatCPUs(others)})
		}
	}
	return moves, nil
}

// apply writes each change, reporting it; failures are collected.
func (f fsys) apply(wants []Change, w io.Writer) ([]Change, error) {
	var done []Change
	var failed []string
	for _, c := range wants {
		if err := os.WriteFile(f.path(c.Path), []byte(c.After+"\n"), 0o644); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", c.Path, err))
			continue
		}
		fmt.Fprintf(w, "/%s: %s → %s\n", c.Path, c.Before, c.After)
		done = append(done, c)
	}
	if len(failed) > 0 {
		return done, fmt.Errorf("fixhost: %d of %d settings refused (the others are applied and restorable):\n  %s", len(failed), len(wants), strings.Join(failed, "\n  "))
	}
	return done, nil
}

// record adds to RestoreFile the settings it does not hold yet: the first
// recorded value is the host's own.
func (f fsys) record(wants []Change) error {
	saved, err := f.restoreList()
	if err != nil {
		return err
	}
	for _, c := range wants {
		if !slices.ContainsFunc(saved, func(s Change) bool { return s.Path == c.Path }) {
			saved = append(saved, c)
		}
	}
	if len(saved) == 0 {
		return nil
	}
	b, _ := json.MarshalIndent(saved, "", "  ")
	if err := os.MkdirAll(filepath.Dir(f.path(RestoreFile)), 0o755); err != nil {
		return fmt.Errorf("fixhost: %w", err)
	}
	return os.WriteFile(f.path(RestoreFile), b, 0o644)
}

func (f fsys) restoreList() ([]Change, error) {
	b, err := os.ReadFile(f.path(RestoreFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var saved []Change
	if err == nil {
		err = json.Unmarshal(b, &saved)
	}
	if err != nil {
		return nil, fmt.Errorf("fixhost: restore file /%s: %w (fix or delete it)", RestoreFile, err)
	}
	return saved, nil
}

// RestoreRealTime writes back every value RestoreFile holds, reporting each,
// and removes the file once all are restored (a refused one keeps it).
func RestoreRealTime(root string, w io.Writer) error {
	f := fsys{root}
	saved, err := f.restoreList()
	if err != nil {
		return err
	}
	if len(saved) == 0 {
		fmt.Fprintln(w, "nothing to restore: fixhost changed nothing (no /"+RestoreFile+")")
		return nil
	}
	// A setting already at its old value (one the kernel refused to
	// change) needs no write.
	var undo []Change
	for _, c := range saved {
		if now := f.trim(c.Path); bracketed(now) != c.Before {
			undo = append(undo, Change{c.Path, bracketed(now), c.Before})
		}
	}
	if _, err := f.apply(undo, w); err != nil {
		return err
	}
	return os.Remove(f.path(RestoreFile))
}
