package runtimes

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"github.com/rtwasm/rtwasm/engine/wire"
	"github.com/rtwasm/rtwasm/run"
)

// embeddedRuntime is the embedded cold-start model, as a serverless platform
// runs WebAssembly: the engine lives in one long-running runner process, and
// each sample is a request that compiles, instantiates and runs the module.
// Launch time is taken inside the runner just before it loads the module.
type embeddedRuntime struct {
	runnerRuntime
	mu      sync.Mutex
	server  *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader
	applied Launch // how the server was started
}

func (e *embeddedRuntime) ColdStart() string { return run.ColdEmbedded }

func (e *embeddedRuntime) Run(ctx context.Context, module string, args []string) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.start(LaunchFrom(ctx)); err != nil {
		return Result{ExitStatus: -1, Err: err}
	}
	answer := make(chan wire.Response, 1)
	failure := make(chan error, 1)
	go func() {
		r, err := e.exchange(wire.Request{Module: module, Args: args, MaxOutput: maxOutputOf(LaunchFrom(ctx))})
		if err != nil {
			failure <- err
			return
		}
		answer <- r
	}()
	select {
	case r := <-answer:
		res := Result{LaunchNS: r.LaunchNS, Stdout: r.Stdout, Stderr: r.Stderr, ExitStatus: r.Exit,
			Usage: usageFromWire(r.Usage), Applied: e.applied}
		if r.Error != "" {
			res.Err = fmt.Errorf("embedded %s: %s", e.id, r.Error)
		} else if r.Exit != 0 {
			res.Err = fmt.Errorf("embedded %s: guest exited with status %d: %s", e.id, r.Exit, ErrorText(r.Stdout, r.Stderr))
		}
		return res
	case err := <-failure:
		e.stop()
		return Result{ExitStatus: -1, Err: fmt.Errorf("embedded %s server failed: %w", e.id, err)}
	case <-ctx.Done():
		e.stop()
		return Result{ExitStatus: -1, Err: fmt.Errorf("killed after the per-sample timeout (%v); raise RTWASM_TIMEOUT if the kernel is just slow", context.Cause(ctx))}
	}
}

// start launches the server process unless it is running, as l says (a
// running server keeps the settings it was started with: Applied says
// which).
func (e *embeddedRuntime) start(l Launch) error {
	if e.server != nil {
		return nil
	}
	cmd := e.command(context.Background(), "--serve", e.id)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Env = withoutVar(os.Environ(), "RTWASM_MLOCK")
	if l.Mlock {
		cmd.Env = append(cmd.Env, "RTWASM_MLOCK=1")
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	applied, _, err := startLaunch(cmd, l)
	if err != nil {
		return fmt.Errorf("start embedded %s server: %w", e.id, err)
	}
	applied.Mlock = l.Mlock
	e.server, e.in, e.out, e.applied = cmd, in, bufio.NewReaderSize(out, 1<<20), applied
	return nil
}

func (e *embeddedRuntime) exchange(req wire.Request) (wire.Response, error) {
	var r wire.Response
	line, _ := json.Marshal(req)
	if _, err := e.in.Write(append(line, '\n')); err != nil {
		return r, err
	}
	answer, err := e.out.ReadBytes('\n')
	if err != nil {
		return r, fmt.Errorf("no answer: %w", err)
	}
	return r, json.Unmarshal(answer, &r)
}

// stop kills the server; the next request starts a fresh one.
func (e *embeddedRuntime) stop() {
	if e.server == nil {
		return
	}
	e.in.Close()
	e.server.Process.Kill()
	e.server.Wait()
	e.server = nil
}

// LocksMemory: the runner calls mlockall at start when RTWASM_MLOCK=1.
func (e *embeddedRuntime) LocksMemory() bool { return true }

// usageFromWire: the runner's counters for one request; no hardware
// counters in this model (they would count the whole runner).
func usageFromWire(u wire.Usage) Usage {
	return Usage{MinorFaults: u.MinorFaults, MajorFaults: u.MajorFaults, VoluntarySwitch: u.VoluntarySwitch,
		InvoluntarySwitch: u.InvoluntarySwitch, MaxRSSKB: u.MaxRSSKB, UserNS: u.UserNS, SystemNS: u.SystemNS,
		Instructions: -1, Cycles: -1, CacheMisses: -1, HWNote: "not counted in the embedded model (the runner serves many requests)"}
}

// Close ends the server process.
func (e *embeddedRuntime) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stop()
	return nil
}

// maxOutputOf is the capture cap of l.
func maxOutputOf(l Launch) int64 {
	if l.MaxOutput > 0 {
		return l.MaxOutput
	}
	return DefaultMaxOutput
}
