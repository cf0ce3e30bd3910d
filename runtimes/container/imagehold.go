package container

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Image holds: a process that runs containers of a kernel image holds a
// flock on /run/rtwasm-images/<image id>.<its PID> for its lifetime (the
// kernel drops it when the process dies), so `go tool mage clean` — from any
// checkout or data dir — keeps the images a live run still uses and says
// which process holds them (the file names the PID and its directory).
var holdDir = "/run/rtwasm-images"

var holds = struct {
	sync.Mutex
	files map[string]*os.File
}{files: map[string]*os.File{}}

func holdPath(id string) string {
	return filepath.Join(holdDir, strings.NewReplacer(":", "-", "/", "-").Replace(id))
}

// holdImage marks the image as used by this process (best effort: without
// the directory, clean cannot tell, and keeps nothing).
func holdImage(id string) {
	holds.Lock()
	defer holds.Unlock()
	if id == "" || holds.files[id] != nil || os.MkdirAll(holdDir, 0o755) != nil {
		return
	}
	pid := os.Getpid()
	f, err := os.OpenFile(holdPath(id)+"."+strconv.Itoa(pid), os.O_CREATE|os.O_WRONLY|os.O_TRUNC|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) != nil {
		f.Close()
		return
	}
	wd, _ := os.Getwd()
	fmt.Fprintf(f, "PID %d (%s, in %s)\n", pid, filepath.Base(os.Args[0]), wd)
	holds.files[id] = f
}

// holders describes the live processes holding the image (none: not in
// use). A hold file whose process has exited is removed on the way (one
// whose process runs may be between its creation and its flock).
func holders(id string) []string {
	paths, _ := filepath.Glob(holdPath(id) + ".*")
	paths = append(paths, holdPath(id)) // a hold without a PID (older rtwasm)
	var live []string
	for _, path := range paths {
		if note, held := heldBy(path); held {
			live = append(live, note)
		} else if pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Ext(path), ".")); err == nil && pid > 0 &&
			errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			os.Remove(path)
		}
	}
	return live
}

// heldBy reports whether a live process holds the file, and its note.
func heldBy(path string) (string, bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return "", false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		return "", false
	}
	buf := make([]byte, 512)
	n, _ := io.ReadFull(f, buf)
	note, _, _ := strings.Cut(string(buf[:n]), "\n")
	if note = strings.ToValidUTF8(strings.TrimSpace(note), "?"); note == "" {
		note = "a process (its PID unrecorded)"
	}
	return note, true
}

// imageInUse reports whether some live process holds the image.
func imageInUse(id string) bool { return len(holders(id)) > 0 }

// cleanImage is one rtwasm image clean considers: its id and a name to
// report it by.
type cleanImage struct{ id, name string }

// removeUnheld removes every image no live process holds and says, for
// each, whether it was removed or kept and by whom.
func removeUnheld(images []cleanImage, remove func(id string) error, log io.Writer) error {
	var errs []error
	kept, removed := 0, 0
	for _, img := range images {
		if by := holders(img.id); len(by) > 0 {
			fmt.Fprintf(log, "clean: kept image %s: in use by %s\n", img.name, strings.Join(by, "; "))
			kept++
			continue
		}
		if err := remove(img.id); err != nil {
			errs = append(errs, fmt.Errorf("removing image %s: %w", img.name, err))
			continue
		}
		fmt.Fprintf(log, "clean: removed image %s\n", img.name)
		removed++
	}
	fmt.Fprintf(log, "clean: removed %d rtwasm images, kept %d in use\n", removed, kept)
	return errors.Join(errs...)
}
