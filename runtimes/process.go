package runtimes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// RunProcess starts argv in its own process group, taking the launch time
// just before the start, and kills the whole group when ctx ends.
func RunProcess(ctx context.Context, argv []string) Result {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	res := Result{ExitStatus: -1}
	res.LaunchNS = time.Now().UnixNano()
	if err := startPinned(cmd, CPUsFrom(ctx)); err != nil {
		res.Err = fmt.Errorf("start %s: %w", argv[0], err)
		return res
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		err = fmt.Errorf("killed after the per-sample timeout (%v); raise RTWASM_TIMEOUT if the kernel is just slow", context.Cause(ctx))
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leave no stray children
	res.Stdout, res.Stderr = stdout.Bytes(), stderr.Bytes()
	res.ExitStatus = cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = fmt.Errorf("%s exited with status %d: %s", argv[0], res.ExitStatus, Tail(res.Stderr, 400))
	}
	res.Err = err
	return res
}

// Tail returns the last n bytes of b as text, for error messages.
func Tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = append([]byte("…"), b[len(b)-n:]...)
	}
	return string(b)
}
