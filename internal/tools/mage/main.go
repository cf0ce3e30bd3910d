// Command mage is what `go tool mage` runs in this module: Mage itself
// (github.com/magefile/mage), made safe for concurrent invocations and
// interrupts.
//
// Mage compiles the magefile by writing mage_output_file.go next to it and
// deleting it afterwards, so two invocations started at once in one checkout
// race ("open ./mage_output_file.go: no such file or directory"). Here the
// compile step holds an exclusive flock on magefile.go and writes the
// binary into a private temporary directory; the targets then run without
// the lock, so a long `all` never blocks another invocation.
//
// Signals: `go tool` forwards every signal it receives to this process, and
// a terminal's Ctrl-C reaches this process too, so the compiled magefile
// runs in its own process group and gets exactly one copy of each signal
// from here (two copies of one Ctrl-C would count as the "second SIGINT"
// that makes Mage exit without cleaning up). It also gets SIGTERM if this
// process dies, and this process if `go` dies: no orphaned measurement.
//
// It must not import rtwasm's packages: it only builds and starts the magefile.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/magefile/mage/mage"
)

// compiledFlags are the flags the compiled magefile understands itself;
// anything else (-init, -clean, -compile, -d, …) goes to Mage unchanged.
var compiledFlags = []string{"-v", "-l", "-h", "-t", "-debug"}

func main() {
	dieWithParent()
	args := os.Args[1:]
	if !plainTargets(args) {
		os.Exit(mageItself(args))
	}
	exe, cleanup, code := compile()
	if code != 0 {
		cleanup()
		os.Exit(code)
	}
	code = runCompiled(exe, args, cleanup)
	cleanup()
	os.Exit(code)
}

// plainTargets reports whether args are targets and compiled-binary flags.
func plainTargets(args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, hasValue := strings.Cut(a, "=")
		if !slices.Contains(compiledFlags, name) {
			return false
		}
		if name == "-t" && !hasValue {
			i++ // its duration
		}
	}
	return true
}

// mageItself runs Mage as `mage` would, holding the compile lock throughout.
func mageItself(args []string) int {
	unlock, err := lockCompile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mage:", err)
		return 1
	}
	defer unlock()
	return mage.ParseAndRun(os.Stdout, os.Stderr, os.Stdin, args)
}

// compile builds the magefile under the compile lock into this user's
// cache (where `go build` finds the binary up to date and skips the link,
// which takes seconds), then copies it into a private temporary directory:
// the copy runs, so a later invocation may rebuild the cached one.
func compile() (exe string, cleanup func(), code int) {
	// rtwasm-mage-<PID>-*: `go tool mage clean` keeps it while this runs.
	dir, err := os.MkdirTemp("", fmt.Sprintf("rtwasm-mage-%d-", os.Getpid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mage:", err)
		return "", func() {}, 1
	}
	cleanup = func() { os.RemoveAll(dir) }
	unlock, err := lockCompile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mage:", err)
		return "", cleanup, 1
	}
	defer unlock()
	exe = filepath.Join(dir, "mage")
	cached := cachedBinary()
	if cached == "" {
		return exe, cleanup, mage.ParseAndRun(os.Stdout, os.Stderr, os.Stdin, []string{"-compile", exe})
	}
	if code := mage.ParseAndRun(os.Stdout, os.Stderr, os.Stdin, []string{"-compile", cached}); code != 0 {
		return exe, cleanup, code
	}
	if err := copyFile(cached, exe); err != nil {
		fmt.Fprintln(os.Stderr, "mage:", err)
		return exe, cleanup, 1
	}
	return exe, cleanup, 0
}

// cachedBinary is <user cache>/rtwasm/mage/<checkout digest>, in a directory
// private to this user, or "" if there is none such.
func cachedBinary() string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	dir := filepath.Join(base, "rtwasm", "mage")
	if os.MkdirAll(dir, 0o700) != nil {
		return ""
	}
	info, err := os.Lstat(dir)
	if err != nil || !info.IsDir() || info.Mode().Perm()&0o022 != 0 {
		return ""
	}
	if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
		return ""
	}
	sum := sha256.Sum256([]byte(mustGetwd()))
	return filepath.Join(dir, hex.EncodeToString(sum[:8]))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lockCompile takes an exclusive flock on the magefile (its directory when
// the magefiles live in magefiles/), waiting for another invocation's
// compile step, which takes seconds.
func lockCompile() (func(), error) {
	target := "magefile.go"
	if st, err := os.Stat(mage.MagefilesDirName); err == nil && st.IsDir() {
		target = mage.MagefilesDirName
	}
	f, err := os.Open(target)
	if err != nil {
		return nil, fmt.Errorf("no %s in %s: run go tool mage in the checkout's top directory", target, mustGetwd())
	}
	fd := int(f.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); errors.Is(err, syscall.EWOULDBLOCK) {
		fmt.Fprintln(os.Stderr, "mage: another mage invocation is compiling the magefile in this checkout; waiting for it")
		err = syscall.Flock(fd, syscall.LOCK_EX)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", target, err)
	}
	return func() { f.Close() }, nil
}

func mustGetwd() string {
	wd, _ := os.Getwd()
	return wd
}

// runCompiled runs the compiled magefile in its own process group, passing
// on each signal once, and returns its exit status. started runs once the
// magefile has started: its binary (tens of MB) can then be removed, so a
// kill -9 of this process does not leave it behind.
func runCompiled(exe string, args []string, started func()) int {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	// Pdeathsig fires when the thread that started the child exits: keep
	// this goroutine on one thread until the child has exited.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "mage: run the compiled magefile:", err)
		return 1
	}
	started()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	last := map[os.Signal]time.Time{}
	for {
		select {
		case sig := <-sigs:
			// One Ctrl-C arrives twice (from the terminal and forwarded by
			// `go tool`): copies within dedupWindow are one signal.
			if time.Since(last[sig]) > dedupWindow {
				cmd.Process.Signal(sig)
			}
			last[sig] = time.Now()
		case err := <-done:
			return exitCode(cmd, err)
		}
	}
}

const dedupWindow = 300 * time.Millisecond

func exitCode(cmd *exec.Cmd, err error) int {
	if err == nil {
		return 0
	}
	if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && st.Signaled() {
		return 128 + int(st.Signal())
	}
	if cmd.ProcessState != nil {
		return cmd.ProcessState.ExitCode()
	}
	return 1
}

// dieWithParent asks for SIGTERM when `go` (our parent) dies, so that
// killing it stops the run cleanly instead of orphaning it.
func dieWithParent() {
	parent := os.Getppid()
	syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	if os.Getppid() != parent {
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}
}
