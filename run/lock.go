package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rtwasm/rtwasm/internal/safefile"
)

// LockFile is the file in a run directory whose exclusive flock marks the
// one process writing the run; it holds that process's PID.
const LockFile = "lock"

// Lock is a held run lock. The kernel drops it when the process dies, so a
// killed writer never leaves a run locked.
type Lock struct{ f *os.File }

// LockRun takes the run directory's writer lock without waiting; if another
// process holds it, the error names that process's PID.
func LockRun(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := safefile.OpenInPlace(dir, LockFile, os.O_RDWR)
	if err != nil {
		return nil, fmt.Errorf("lock run: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("run %s is being written by PID %s (it holds %s); wait for it to finish or stop it, then resume",
				filepath.Base(dir), LockHolder(dir), path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f}, nil
}

// LockHolder is the PID recorded in the run's lock file ("unknown" if none).
func LockHolder(dir string) string {
	b, err := safefile.ReadRegular(filepath.Join(dir, LockFile))
	if pid := strings.TrimSpace(string(b)); err == nil && pid != "" {
		return pid
	}
	return "unknown"
}

// Locked reports whether some process holds the run's lock now.
func Locked(dir string) bool {
	f, err := safefile.OpenRegular(filepath.Join(dir, LockFile))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return errors.Is(err, syscall.EWOULDBLOCK)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

// Unlock releases the lock (the file stays; its PID is stale once unlocked).
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
