package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/rtwasm/rtwasm/engine/wire"
)

// Main is the runner program (cmd/rtwasm-run):
//
//	rtwasm-run [-cache DIR] ID MODULE [ARGS…]   run once; exit with the guest's status (70: engine failure)
//	rtwasm-run [-cache DIR] --probe ID          print the engine's version
//	rtwasm-run [-cache DIR] --prepare ID IN OUT build-step preparation
//	rtwasm-run [-cache DIR] --serve ID          answer run requests on stdin (embedded model)
func Main(args []string) int {
	fs := flag.NewFlagSet("rtwasm-run", flag.ContinueOnError)
	cacheDir := fs.String("cache", "", "engine compilation cache directory")
	probe := fs.Bool("probe", false, "print the engine's version")
	prepare := fs.Bool("prepare", false, "prepare IN into OUT")
	serve := fs.Bool("serve", false, "serve run requests on stdin")
	if fs.Parse(args) != nil || fs.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: rtwasm-run [-cache DIR] [--probe|--prepare|--serve] ENGINE:MODE [MODULE ARGS…]")
		return 2
	}
	rest := fs.Args()
	if os.Getenv("RTWASM_MLOCK") == "1" {
		lockMemory()
	}
	e, err := New(rest[0], *cacheDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtwasm-run:", err)
		return 2
	}
	ctx := context.Background()
	switch {
	case *probe:
		fmt.Println(e.Version())
	case *serve:
		err = Serve(ctx, e, os.Stdin, os.Stdout)
	case *prepare && len(rest) == 3:
		err = prepareModule(ctx, e, rest[1], rest[2])
	case len(rest) >= 2 && !*prepare:
		var status int
		status, err = e.Run(ctx, rest[1], rest[2:], os.Stdout, os.Stderr)
		if err == nil {
			return status
		}
	default:
		fmt.Fprintln(os.Stderr, "rtwasm-run: missing module arguments")
		return 2
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "rtwasm-run: %s: %v\n", rest[0], err)
		return 70
	}
	return 0
}

func prepareModule(ctx context.Context, e Engine, in, out string) error {
	p, ok := e.(PreparingEngine)
	if !ok {
		return fmt.Errorf("this engine has no build step")
	}
	return p.Prepare(ctx, in, out)
}

// Serve is the runner's --serve loop: one request per line in, one
// response per line out, until the input ends.
func Serve(ctx context.Context, e Engine, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(out)
	for sc.Scan() {
		var req wire.Request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return fmt.Errorf("bad request: %w", err)
		}
		stdout, stderr := &capped{limit: req.MaxOutput}, &capped{limit: req.MaxOutput}
		before := selfUsage()
		r := wire.Response{LaunchNS: time.Now().UnixNano()}
		exit, err := e.Run(ctx, req.Module, req.Args, stdout, stderr)
		r.Usage = usageDelta(selfUsage(), before)
		r.Exit, r.Stdout, r.Stderr = exit, stdout.Bytes(), stderr.Bytes()
		if err == nil {
			err = errors.Join(stdout.overflow("stdout"), stderr.overflow("stderr"))
		}
		if err != nil {
			r.Error = err.Error()
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return sc.Err()
}

// lockMemory locks the runner's memory (RTWASM_MLOCK=1); a refusal is
// reported and the run goes on unlocked, as the C harness does.
func lockMemory() {
	if err := syscall.Mlockall(syscall.MCL_CURRENT | syscall.MCL_FUTURE); err != nil {
		fmt.Fprintln(os.Stderr, "rtwasm-run: mlockall (RTWASM_MLOCK=1):", err)
	}
}

// selfUsage is getrusage(RUSAGE_SELF) of the runner.
func selfUsage() wire.Usage {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return wire.Usage{}
	}
	return wire.Usage{MinorFaults: ru.Minflt, MajorFaults: ru.Majflt, VoluntarySwitch: ru.Nvcsw,
		InvoluntarySwitch: ru.Nivcsw, MaxRSSKB: ru.Maxrss,
		UserNS: syscall.TimevalToNsec(ru.Utime), SystemNS: syscall.TimevalToNsec(ru.Stime)}
}

func usageDelta(after, before wire.Usage) wire.Usage {
	return wire.Usage{MinorFaults: after.MinorFaults - before.MinorFaults, MajorFaults: after.MajorFaults - before.MajorFaults,
		VoluntarySwitch: after.VoluntarySwitch - before.VoluntarySwitch, InvoluntarySwitch: after.InvoluntarySwitch - before.InvoluntarySwitch,
		MaxRSSKB: after.MaxRSSKB, UserNS: after.UserNS - before.UserNS, SystemNS: after.SystemNS - before.SystemNS}
}

// capped keeps at most limit bytes (0: all) of what is written to it, and
// counts the rest, so a guest's output cannot exhaust the runner's memory.
type capped struct {
	bytes.Buffer
	limit, written int64
}

func (c *capped) Write(p []byte) (int, error) {
	c.written += int64(len(p))
	keep := int64(len(p))
	if c.limit > 0 {
		keep = max(0, min(keep, c.limit-int64(c.Len())))
	}
	c.Buffer.Write(p[:keep])
	return len(p), nil
}

func (c *capped) overflow(stream string) error {
	if c.limit > 0 && c.written > c.limit {
		return fmt.Errorf("%s: the guest wrote %d bytes, over the capture cap of %d MiB; the output was cut there", stream, c.written, c.limit>>20)
	}
	return nil
}
