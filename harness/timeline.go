// Package harness owns the contract between rtwasm and the C harness that
// wraps every kernel (kernels/src/harness.c): the arguments it takes and the
// "rtwasm <event> <CLOCK_REALTIME ns>" lines it prints. Both sides of a
// measurement use it — the engines inside the measured runner and the
// pipeline that turns lines into samples — so it imports the standard
// library only, and nothing of rtwasm.
package harness

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Timeline is what a kernel's harness reported on stdout (see
// kernels/src/harness.c): CLOCK_REALTIME nanoseconds.
type Timeline struct {
	MainStart     int64
	MainEnd       int64
	IterationEnds []int64 // end of init+kernel run i+1
	ClockRes      int64   // 0 when not reported

	// Reported by the hybrid runtimes only.
	Tiers        []string // tier of job i+1: fast | opt
	Switch       int      // first job on the optimized tier; 0: never
	OptCompileNS int64    // wall time of the optimizing compile
	Policy       string   // the tier-up policy's decision (engine/policy.go)
	Note         string
}

// ParseTimeline reads the harness's "rtwasm <event> …" lines, ignoring any
// other output, and checks that they form one complete, ordered run.
func ParseTimeline(stdout []byte) (Timeline, error) {
	var t Timeline
	// Lines of any length: a kernel's dump may print megabytes on one line,
	// and a line scanner with a fixed buffer would lose what follows it.
	for line := range bytes.Lines(stdout) {
		if !bytes.HasPrefix(line, []byte("rtwasm ")) {
			continue
		}
		fields := strings.Fields(string(line))
		if len(fields) < 2 {
			continue
		}
		if err := t.add(fields[1:]); err != nil {
			return t, fmt.Errorf("timestamp protocol: %v in line %q", err, strings.TrimSpace(string(line)))
		}
	}
	return t, t.check()
}

func (t *Timeline) add(f []string) error {
	switch {
	case f[0] == "hybrid_policy":
		t.Policy = strings.Join(f[1:], " ")
		return nil
	case f[0] == "hybrid_note":
		t.Note = strings.Join(f[1:], " ")
		return nil
	case f[0] == "tier" && len(f) == 3:
		if f[1] != strconv.Itoa(len(t.Tiers)+1) {
			return fmt.Errorf("tier of job %s out of sequence", f[1])
		}
		t.Tiers = append(t.Tiers, f[2])
		return nil
	}
	nums := make([]int64, len(f)-1)
	for i, s := range f[1:] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("bad number %q", s)
		}
		nums[i] = n
	}
	switch {
	case f[0] == "main_start" && len(nums) == 1 && t.MainStart == 0:
		t.MainStart = nums[0]
	case f[0] == "clock_resolution" && len(nums) == 1:
		t.ClockRes = nums[0]
	case f[0] == "iteration" && len(nums) == 2:
		if nums[0] != int64(len(t.IterationEnds)+1) {
			return fmt.Errorf("iteration %d out of sequence", nums[0])
		}
		t.IterationEnds = append(t.IterationEnds, nums[1])
	case f[0] == "main_end" && len(nums) == 1 && t.MainEnd == 0:
		t.MainEnd = nums[0]
	case f[0] == "hybrid_switch" && len(nums) == 1:
		t.Switch = int(nums[0])
	case f[0] == "hybrid_compile_ns" && len(nums) == 1:
		t.OptCompileNS = nums[0]
	default:
		return fmt.Errorf("unexpected event")
	}
	return nil
}

func (t Timeline) check() error {
	if t.MainStart == 0 {
		return fmt.Errorf("timestamp protocol: no main_start line (the kernel did not start)")
	}
	if t.MainEnd == 0 {
		return fmt.Errorf("timestamp protocol: no main_end line (the kernel did not finish)")
	}
	prev := t.MainStart
	for i, end := range append(append([]int64{}, t.IterationEnds...), t.MainEnd) {
		if end < prev {
			return fmt.Errorf("timestamp protocol: clock went backwards at event %d", i+1)
		}
		prev = end
	}
	return nil
}
