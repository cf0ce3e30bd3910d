package container

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// Image holds: a process that runs containers of a kernel image holds a
// shared flock on /run/rtwasm-images/<image id> for its lifetime (the kernel
// drops it when the process dies), so `go tool mage clean` — from any
// checkout or data dir — keeps the images a live run still uses.
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
	f, err := os.OpenFile(holdPath(id), os.O_CREATE|os.O_RDONLY|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) != nil {
		f.Close()
		return
	}
	holds.files[id] = f
}

// imageInUse reports whether some live process holds the image.
func imageInUse(id string) bool {
	f, err := os.OpenFile(holdPath(id), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}
