package runtimes

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sync"

	"github.com/rtwasm/rtwasm/engine/wire"
	"github.com/rtwasm/rtwasm/run"
)

// embeddedRuntime is the embedded cold-start model, as a serverless platform
// runs WebAssembly: the engine lives in one long-running runner process, and
// each sample is a request that compiles, instantiates and runs the module.
// Launch time is taken inside the runner just before it loads the module.
type embeddedRuntime struct {
	runnerRuntime
	mu     sync.Mutex
	server *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
}

func (e *embeddedRuntime) ColdStart() string { return run.ColdEmbedded }

func (e *embeddedRuntime) Run(ctx context.Context, module string, args []string) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.start(CPUsFrom(ctx)); err != nil {
		return Result{ExitStatus: -1, Err: err}
	}
	answer := make(chan wire.Response, 1)
	failure := make(chan error, 1)
	go func() {
		r, err := e.exchange(wire.Request{Module: module, Args: args})
		if err != nil {
			failure <- err
			return
		}
		answer <- r
	}()
	select {
	case r := <-answer:
		res := Result{LaunchNS: r.LaunchNS, Stdout: r.Stdout, Stderr: r.Stderr, ExitStatus: r.Exit}
		if r.Error != "" {
			res.Err = fmt.Errorf("embedded %s: %s", e.id, r.Error)
		} else if r.Exit != 0 {
			res.Err = fmt.Errorf("embedded %s: guest exited with status %d: %s", e.id, r.Exit, Tail(r.Stderr, 400))
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

// start launches the server process unless it is running.
func (e *embeddedRuntime) start(cpus []int) error {
	if e.server != nil {
		return nil
	}
	cmd := e.command(context.Background(), "--serve", e.id)
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
	if err := startPinned(cmd, cpus); err != nil {
		return fmt.Errorf("start embedded %s server: %w", e.id, err)
	}
	e.server, e.in, e.out = cmd, in, bufio.NewReaderSize(out, 1<<20)
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

// Close ends the server process.
func (e *embeddedRuntime) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stop()
	return nil
}
