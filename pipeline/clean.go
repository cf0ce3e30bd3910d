package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rtwasm/rtwasm/run"
)

// leftoverPatterns are the temporary directories rtwasm's processes make
// (each removes its own; a killed one cannot): runc bundles and root
// filesystems, the Wasmtime engine's and CLI's redirect and probe
// directories, Wasmer's cache, node's private script directory, and the
// compiled magefile of `go tool mage` (internal/tools/mage). Each is named
// rtwasm-<kind>-<maker's PID>-<random>: clean keeps those whose maker still
// runs, whichever checkout or data dir it works for.
var leftoverPatterns = []string{"rtwasm-bundle-*", "rtwasm-runc-rootfs*", "rtwasm-wasmtime*",
	"rtwasm-wasmer-cache-*", "rtwasm-node-*", "rtwasm-mage-*"}

// CleanLeftovers removes what killed runs left: those temporary directories
// (this user's only), the toolchain's unfinished builds and SDK unpackings,
// and reports runs that were killed mid-measurement (resumable). It refuses
// while a run is being written, whose files these may be.
func CleanLeftovers(o run.Options, log io.Writer) error {
	for _, id := range run.Runs(o.DataDir) {
		dir := filepath.Join(o.DataDir, id)
		if run.Locked(dir) {
			return fmt.Errorf("run %s is being written by PID %s; clean when it has finished", id, run.LockHolder(dir))
		}
		if m, err := run.ReadManifest(dir); err == nil && m.Partial() {
			fmt.Fprintf(log, "clean: run %s is incomplete (%s); complete it with %s\n", id, m.State, ResumeCommand(o.DataDir, id))
		}
	}
	var globs []string
	for _, p := range leftoverPatterns {
		globs = append(globs, filepath.Join(os.TempDir(), p))
	}
	// toolchain: <cache>/.wasi-sdk-* (unpacking) and <cache>/<key>/.build-* (compiling)
	globs = append(globs, filepath.Join(o.CacheDir, ".wasi-sdk-*"), filepath.Join(o.CacheDir, "*", ".build-*"),
		filepath.Join(o.BuildDir, "cache", "*", ".build-*"))
	removed := 0
	for _, g := range globs {
		matches, _ := filepath.Glob(g)
		for _, path := range matches {
			if !ownedByMe(path) {
				continue
			}
			if pid, live := makerRuns(path); live {
				fmt.Fprintf(log, "clean: kept %s: its maker, PID %d, still runs\n", path, pid)
				continue
			}
			if err := os.RemoveAll(path); err != nil {
				return fmt.Errorf("clean: %w", err)
			}
			removed++
		}
	}
	fmt.Fprintf(log, "clean: removed %d leftover temporary directories\n", removed)
	return nil
}

// makerRuns reads the maker's PID from a name rtwasm-<kind>-<pid>-<random>
// and reports whether that process runs (names of older rtwasm versions
// hold no PID: their makers are long gone).
func makerRuns(path string) (int, bool) {
	fields := strings.Split(filepath.Base(path), "-")
	if len(fields) < 4 {
		return 0, false
	}
	pid, err := strconv.Atoi(fields[len(fields)-2])
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// ownedByMe: a file of this user (not a link); others' leftovers are theirs.
func ownedByMe(path string) bool {
	info, err := os.Lstat(path)
	if err != nil {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid() && info.Mode()&os.ModeSymlink == 0
}
