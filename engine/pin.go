package engine

import (
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Where the optimizing compile runs. With more than one CPU allowed, the
// compile thread is pinned to a CPU the job is not on, so the two never share
// one; the job's thread stays unpinned and the kernel moves it off the
// compile's CPU should they meet. With one CPU allowed they must share it.
const (
	cpuShared   = -1 // one CPU allowed: the compile shares the job's
	cpuUnpinned = -2 // several allowed, but pinning failed: the kernel places it
	cpuNone     = -3 // no compile ran (start-up only)
)

// compileCPU picks the CPU for the compile thread: the highest allowed CPU
// other than the one the calling (job) thread is on now (CPU 0 takes most
// interrupts); cpuShared with one CPU, cpuUnpinned when the affinity cannot
// be read.
func compileCPU(cpus int) int {
	if cpus < 2 {
		return cpuShared
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return cpuUnpinned
	}
	job := currentCPU()
	for cpu := len(set)*64 - 1; cpu >= 0; cpu-- {
		if set.IsSet(cpu) && cpu != job {
			return cpu
		}
	}
	return cpuUnpinned
}

// pinThread pins the calling OS thread (locked by the caller) to cpu and
// returns the CPU it runs on: cpu, or cpuUnpinned when pinning failed.
func pinThread(cpu int) int {
	if cpu < 0 {
		return cpu
	}
	var set unix.CPUSet
	set.Set(cpu)
	if unix.SchedSetaffinity(0, &set) != nil {
		return cpuUnpinned
	}
	return cpu
}

// currentCPU is the CPU the calling thread runs on (getcpu(2)), or -1.
func currentCPU() int {
	var cpu uint32
	if _, _, errno := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&cpu)), 0, 0); errno != 0 {
		return -1
	}
	return int(cpu)
}

// cpuField is the compile_cpu field of the policy line.
func cpuField(cpu int) string {
	switch cpu {
	case cpuShared:
		return "shared"
	case cpuUnpinned:
		return "unpinned"
	case cpuNone:
		return "none"
	}
	return strconv.Itoa(cpu)
}
