package runtimes

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// usageOf turns a finished process's rusage (wait4: the process and the
// descendants it waited for) and its hardware counters into a Usage.
func usageOf(ps *os.ProcessState, hw *hwCounters) Usage {
	u := Usage{Instructions: -1, Cycles: -1, CacheMisses: -1}
	if ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			u = FromRusage(ru)
		}
	}
	u.Instructions, u.Cycles, u.CacheMisses, u.HWNote = hw.read()
	return u
}

// FromRusage converts an rusage (Linux: ru_maxrss in KiB); hardware
// counters are left unavailable.
func FromRusage(ru *syscall.Rusage) Usage {
	return Usage{
		MinorFaults: ru.Minflt, MajorFaults: ru.Majflt,
		VoluntarySwitch: ru.Nvcsw, InvoluntarySwitch: ru.Nivcsw,
		MaxRSSKB: ru.Maxrss,
		UserNS:   syscall.TimevalToNsec(ru.Utime), SystemNS: syscall.TimevalToNsec(ru.Stime),
		Instructions: -1, Cycles: -1, CacheMisses: -1,
	}
}

// Delta is u minus an earlier reading of the same process (getrusage
// RUSAGE_SELF around one request of the embedded model); MaxRSSKB is the
// peak so far, not a difference.
func (u Usage) Delta(before Usage) Usage {
	d := u
	d.MinorFaults -= before.MinorFaults
	d.MajorFaults -= before.MajorFaults
	d.VoluntarySwitch -= before.VoluntarySwitch
	d.InvoluntarySwitch -= before.InvoluntarySwitch
	d.UserNS -= before.UserNS
	d.SystemNS -= before.SystemNS
	return d
}

// hwCounters are hardware performance counters (instructions, cycles,
// cache misses) on one sampled process, opened just after it started: the
// exec of the program itself is not counted.
type hwCounters struct {
	fds  [3]int
	note string
}

var hwKinds = [3]uint64{unix.PERF_COUNT_HW_INSTRUCTIONS, unix.PERF_COUNT_HW_CPU_CYCLES, unix.PERF_COUNT_HW_CACHE_MISSES}

var (
	hwOnce    sync.Once
	hwMissing string
)

// hwUnavailable says why this host has no hardware counters ("" if it
// has): tried once per process, so a host without a PMU pays nothing per sample.
func hwUnavailable() string {
	hwOnce.Do(func() {
		fd, err := perfOpen(unix.PERF_COUNT_HW_INSTRUCTIONS, 0)
		if err != nil {
			hwMissing = fmt.Sprintf("perf_event_open(PERF_COUNT_HW_INSTRUCTIONS): %v (no hardware PMU exposed to this host, or perf_event_paranoid forbids it)", err)
			return
		}
		unix.Close(fd)
	})
	return hwMissing
}

func perfOpen(config uint64, pid int) (int, error) {
	attr := unix.PerfEventAttr{Type: unix.PERF_TYPE_HARDWARE, Config: config, Size: uint32(unsafe.Sizeof(unix.PerfEventAttr{}))}
	return unix.PerfEventOpen(&attr, pid, -1, -1, unix.PERF_FLAG_FD_CLOEXEC)
}

// openHWCounters opens the counters on pid, or records why not.
func openHWCounters(pid int) *hwCounters {
	h := &hwCounters{fds: [3]int{-1, -1, -1}}
	if h.note = hwUnavailable(); h.note != "" {
		return h
	}
	for i, kind := range hwKinds {
		fd, err := perfOpen(kind, pid)
		if err != nil {
			h.note = fmt.Sprintf("perf_event_open on the sampled process: %v", err)
			continue
		}
		h.fds[i] = fd
	}
	if h.note == "" {
		h.note = "counted from just after the process started (its exec not included)"
	}
	return h
}

// read returns the counts (-1 where unavailable) and closes the counters.
func (h *hwCounters) read() (instructions, cycles, misses int64, note string) {
	var v [3]int64
	for i, fd := range h.fds {
		v[i] = -1
		if fd < 0 {
			continue
		}
		var b [8]byte
		if n, err := unix.Read(fd, b[:]); err == nil && n == 8 {
			v[i] = int64(binary.LittleEndian.Uint64(b[:]))
		}
		unix.Close(fd)
	}
	return v[0], v[1], v[2], h.note
}
