package runtimes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// DefaultMaxOutput caps each captured stream (stdout, stderr) of a sample
// when Launch.MaxOutput is 0: the largest dump (LARGE) is far below it.
const DefaultMaxOutput = 64 << 20

// sampleTokenVar marks every sampled process's environment, so that its
// descendants can be found and killed after the sample even when they left
// its process group (setsid). It does not start with RTWASM_: it is not an
// option.
const sampleTokenVar = "_RTWASM_SAMPLE"

var sampleSeq atomic.Int64

// RunProcess starts argv in its own process group as the context's Launch
// says (pinned, scheduling policy, stack limit), taking the launch time just
// before the start; it kills the whole group — and any descendant that left
// it — when the process ends or ctx ends. It records the process's rusage.
func RunProcess(ctx context.Context, argv []string) Result {
	return runProcess(ctx, argv, false)
}

// runProcess is RunProcess; mlockEnv says the program honours RTWASM_MLOCK
// (the C harness and rtwasm-run), so Launch.Mlock is passed to it that way.
func runProcess(ctx context.Context, argv []string, mlockEnv bool) Result {
	l := LaunchFrom(ctx)
	cmd := exec.Command(argv[0], argv[1:]...)
	// Pdeathsig: a sample never outlives the pipeline (kill -9 included).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	token := strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(sampleSeq.Add(1), 10)
	cmd.Env = append(withoutVar(os.Environ(), "RTWASM_MLOCK"), sampleTokenVar+"="+token)
	if mlockEnv && l.Mlock {
		cmd.Env = append(cmd.Env, "RTWASM_MLOCK=1")
	}
	res := Result{ExitStatus: -1}
	limit := maxOutputOf(l)
	stdout, err := newCapture(limit)
	if err != nil {
		res.Err = err
		return res
	}
	stderr, err := newCapture(limit)
	if err != nil {
		stdout.abort()
		res.Err = err
		return res
	}
	cmd.Stdout, cmd.Stderr = stdout.w, stderr.w
	applied, launch, err := startLaunch(cmd, l)
	res.LaunchNS = launch
	stdout.started()
	stderr.started()
	if err != nil {
		stdout.abort()
		stderr.abort()
		res.Err = fmt.Errorf("start %s: %w", argv[0], err)
		return res
	}
	res.Applied = applied
	res.Applied.Mlock = mlockEnv && l.Mlock
	hw := openHWCounters(cmd.Process.Pid)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		err = fmt.Errorf("killed after the per-sample timeout (%v); raise RTWASM_TIMEOUT if the kernel is just slow", context.Cause(ctx))
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leave no stray children
	killMarked(token)
	res.Usage = usageOf(cmd.ProcessState, hw)
	outErr, errErr := stdout.finish(), stderr.finish()
	res.Stdout, res.Stderr = stdout.buf.Bytes(), stderr.buf.Bytes()
	res.ExitStatus = cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = fmt.Errorf("%s exited with status %d: %s", argv[0], res.ExitStatus, ErrorText(res.Stdout, res.Stderr))
	}
	res.Err = errors.Join(err, capErr("stdout", outErr), capErr("stderr", errErr))
	return res
}

// withoutVar drops name from an environment list.
func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// ErrorText is what an error row keeps of a failed process's output: the
// end of stderr and, when stdout has more than the protocol, the end of
// stdout too (iwasm prints its trap, "Exception: …", on stdout).
func ErrorText(stdout, stderr []byte) string {
	text := Tail(stderr, 400)
	other := nonProtocol(stdout, 4096)
	if len(other) == 0 {
		return text
	}
	if text != "" {
		text += "; "
	}
	return text + "stdout ends: " + Tail(other, 300)
}

// nonProtocol returns the lines in the last n bytes of stdout that are not
// rtwasm's timeline.
func nonProtocol(stdout []byte, n int) []byte {
	if len(stdout) > n {
		stdout = stdout[len(stdout)-n:]
	}
	var keep []byte
	for line := range bytes.Lines(stdout) {
		if !bytes.HasPrefix(line, []byte("rtwasm ")) {
			keep = append(keep, line...)
		}
	}
	return bytes.TrimSpace(keep)
}

func capErr(stream string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", stream, err)
}

// Tail returns the last n bytes of b as text, for error messages.
func Tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = append([]byte("…"), b[len(b)-n:]...)
	}
	return string(b)
}

// capture reads one output stream of a sampled process through a pipe of
// its own (not exec's copying goroutines, so that the process's exit and the
// end of its output are separate events), keeping at most limit bytes and
// draining the rest so the writer never blocks.
type capture struct {
	r, w    *os.File
	limit   int64
	buf     bytes.Buffer
	written int64
	done    chan struct{}
}

func newCapture(limit int64) (*capture, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	c := &capture{r: r, w: w, limit: limit, done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *capture) read() {
	defer close(c.done)
	chunk := make([]byte, 64<<10)
	for {
		n, err := c.r.Read(chunk)
		if keep := min(int64(n), c.limit-int64(c.buf.Len())); keep > 0 {
			c.buf.Write(chunk[:keep])
		}
		c.written += int64(n)
		if err != nil {
			return
		}
	}
}

// started closes the parent's copy of the write end once the child has it.
func (c *capture) started() { c.w.Close() }

// abort ends the reader when no child was started.
func (c *capture) abort() {
	c.w.Close()
	<-c.done
	c.r.Close()
}

// finish waits for the end of the output (every writer is dead by now); a
// writer that cannot be killed does not hold the sample for more than 2 s.
func (c *capture) finish() error {
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
		c.r.Close()
		<-c.done
		return fmt.Errorf("a process outside rtwasm's reach still held the output open after the sample; output may be incomplete")
	}
	c.r.Close()
	if c.written > c.limit {
		return fmt.Errorf("the process wrote %d bytes, over the capture cap of %d MiB (runtimes.Launch.MaxOutput); the output was cut there", c.written, c.limit>>20)
	}
	return nil
}

// killMarked kills every process whose environment carries the sample's
// token: descendants that escaped the process group (setsid) and would
// otherwise outlive the sample, holding its output pipe. They are found by
// the token rather than by becoming their subreaper: a subreaper must reap
// every orphan it adopts, and could not tell them from the children that
// os/exec waits for elsewhere in the pipeline; init reaps them instead.
func killMarked(token string) {
	want := []byte(sampleTokenVar + "=" + token + "\x00")
	for round := 0; round < 100; round++ {
		pids := markedProcesses(want)
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(time.Millisecond)
	}
}

// markedProcesses lists the live processes whose environment contains want.
func markedProcesses(want []byte) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var pids []int
	for _, d := range dirs {
		env, err := os.ReadFile(d + "/environ")
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}
