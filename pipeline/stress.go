package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rtwasm/rtwasm/internal/debian"
	"github.com/rtwasm/rtwasm/run"
)

// Interference: while the samples run on the pinned CPUs, Debian's
// stress-ng loads every other CPU with one kind of work. Every trial is
// planned twice, plain and stressed, and the two conditions alternate in
// blocks of trials (alternate), stress-ng running only during stressed
// blocks: drift over the run (other tenants, frequency, time) then falls on
// both conditions alike instead of confounding the comparison. It runs in its own process group so that stopping it (after
// the last trial, on an error or an interrupt) takes every worker with it;
// Pdeathsig kills it if rtwasm itself dies without stopping it.

// stressArgs are stress-ng's arguments for a kind of load on n CPUs.
func stressArgs(kind string, cpus []int, tmp string) []string {
	n := strconv.Itoa(len(cpus))
	args := []string{"--taskset", joinInts(cpus), "--timeout", "0", "--quiet"}
	switch kind {
	case StressCPU:
		return append(args, "--cpu", n)
	case StressMemory:
		// Streaming writes over a buffer far larger than the caches: memory
		// bandwidth and last-level cache are what a neighbour takes away.
		return append(args, "--vm", n, "--vm-bytes", "256M")
	case StressIO:
		return append(args, "--hdd", n, "--hdd-bytes", "128M", "--temp-path", tmp)
	}
	return nil
}

// otherCPUs are the online CPUs not in pinned.
func otherCPUs(pinned []int, online int) []int {
	var other []int
	for c := range online {
		if !slices.Contains(pinned, c) {
			other = append(other, c)
		}
	}
	return other
}

// findStressNG finds stress-ng, installing it with apt as root.
func findStressNG(ctx context.Context, log io.Writer) (string, error) {
	if path, err := exec.LookPath("stress-ng"); err == nil {
		return path, nil
	}
	fmt.Fprintln(log, "stress-ng missing; installing it")
	if err := debian.Ensure(ctx, "stress-ng"); err != nil {
		return "", fmt.Errorf("RTWASM_STRESS needs stress-ng: %w", err)
	}
	return exec.LookPath("stress-ng")
}

// stressor is a running stress-ng process group.
type stressor struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has been waited for
	err    error         // its exit error, after exited
	once   sync.Once
}

// startStress starts the interference o asks for and returns the function
// that stops it (safe to call more than once); with stress none both are
// no-ops. It fails if stress-ng cannot run or exits straight away.
func startStress(ctx context.Context, o run.Options, tmp string, log io.Writer) (stop func() error, err error) {
	kind := StressOf(o)
	if kind == StressNone {
		return func() error { return nil }, nil
	}
	if len(o.CPUs) == 0 {
		return nil, fmt.Errorf("RTWASM_STRESS=%s loads the CPUs the samples are not pinned to, but RTWASM_CPUS=none pins nothing; set RTWASM_CPUS", kind)
	}
	other := otherCPUs(o.CPUs, runtime.NumCPU())
	if len(other) == 0 {
		return nil, fmt.Errorf("RTWASM_STRESS=%s: the samples are pinned to every CPU (%s), so there is none left to load; pin them to fewer with RTWASM_CPUS", kind, joinInts(o.CPUs))
	}
	path, err := findStressNG(ctx, log)
	if err != nil {
		return nil, err
	}
	s, err := launchStress(path, stressArgs(kind, other, tmp))
	if err != nil {
		return nil, err
	}
	// A wrong option or a missing resource makes stress-ng exit at once.
	select {
	case <-s.exited:
		return nil, fmt.Errorf("RTWASM_STRESS=%s: stress-ng exited at start (%v); try it by hand: stress-ng %s", kind, s.err, strings.Join(s.cmd.Args[1:], " "))
	case <-time.After(300 * time.Millisecond):
	}
	fmt.Fprintf(log, "interference: stress-ng --%s on CPUs %s (pid %d) while samples run on %s\n", kind, joinInts(other), s.cmd.Process.Pid, joinInts(o.CPUs))
	return s.stop, nil
}

// launchStress starts stress-ng in a new process group.
func launchStress(path string, args []string) (*stressor, error) {
	cmd := exec.Command(path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start stress-ng: %w", err)
	}
	s := &stressor{cmd: cmd, exited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// stop ends the process group: SIGTERM (stress-ng then stops its workers),
// SIGKILL after 5 s, and waits until no member of the group is left.
func (s *stressor) stop() error {
	var err error
	s.once.Do(func() {
		pgid := s.cmd.Process.Pid
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.exited
		}
		// Workers may outlive the parent by a moment: wait for the group.
		for deadline := time.Now().Add(5 * time.Second); groupAlive(pgid); {
			if time.Now().After(deadline) {
				syscall.Kill(-pgid, syscall.SIGKILL)
				if time.Now().After(deadline.Add(2 * time.Second)) {
					err = fmt.Errorf("stress-ng process group %d survives SIGKILL; end it with kill -KILL -- -%d", pgid, pgid)
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	return err
}

// groupAlive reports whether any process of the group still exists.
func groupAlive(pgid int) bool {
	return !errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH)
}

func joinInts(list []int) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

// stressSwitch starts and stops the interference as the condition of the
// trials changes.
type stressSwitch struct {
	o    run.Options
	tmp  string
	log  io.Writer
	on   string       // the running condition, "" when plain
	stop func() error // stops it
}

// set makes the interference kind run ("" stops it).
func (s *stressSwitch) set(ctx context.Context, kind string) error {
	if kind == s.on {
		return nil
	}
	if s.stop != nil {
		err := s.stop()
		s.on, s.stop = "", nil
		if err != nil {
			return err
		}
	}
	if kind == "" {
		return nil
	}
	o := s.o
	o.Stress = kind
	stop, err := startStress(ctx, o, s.tmp, s.log)
	if err != nil {
		return err
	}
	s.on, s.stop = kind, stop
	return nil
}

// alternate returns the plain trials and a stressed copy of each (shuffled
// with seed on their own) interleaved in blocks, plain first.
func alternate(plain []trial, kind string, seed uint64) []trial {
	stressed := slices.Clone(plain)
	for i := range stressed {
		stressed[i].stress = kind
	}
	rand.New(rand.NewPCG(seed, 1)).Shuffle(len(stressed), func(i, j int) { stressed[i], stressed[j] = stressed[j], stressed[i] })
	block := stressBlock(len(plain))
	out := make([]trial, 0, 2*len(plain))
	for i := 0; i < len(plain); i += block {
		end := min(i+block, len(plain))
		out = append(append(out, plain[i:end]...), stressed[i:end]...)
	}
	return out
}

// stressBlock is the number of trials per block: about 10 blocks per
// condition, so that slow drift is sampled often by both, but at least 10
// trials per block (each switch costs stress-ng's start check, 0.3 s) and
// at most 200.
func stressBlock(perCondition int) int { return max(10, min(200, perCondition/10)) }
