// Package container runs the static musl kernels in containers: through the
// Docker Engine API (docker:engine) and as an OCI bundle run directly by runc
// (runc:bundle), both from one root filesystem built here (scratch +
// busybox-static, or alpine when present) and hardened alike. It is a
// runtimes adapter: it must not import the pipeline, the report or the
// engines.
package container

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/rtwasm/rtwasm/internal/debian"
	"github.com/rtwasm/rtwasm/toolchain"
)

// The container runtimes (docker.go, runc.go) run the musl-static kernels in
// a minimal root filesystem: Debian's busybox-static as /bin/busybox and
// /bin/sh (the shell and libc family of Alpine, about 2 MB) and every kernel
// of the dataset as /bench/<name>.
const (
	busyboxPackage = "busybox-static"
	busyboxBinary  = "/bin/busybox"
	benchDir       = "bench"
	// Limits of every container: the kernels are single-threaded, and the
	// largest EXTRALARGE kernel needs well under 4 GiB.
	containerPids   = 64
	containerMemory = 4 << 30
	containerUID    = 65534 // nobody: the kernels need no privileges
)

// containerRun names this process's containers: "<pid>-<random>", so that a
// later run can tell leftovers of a dead process from a live run's.
var containerRun = fmt.Sprintf("%d-%08x", os.Getpid(), rand.Uint32())

// ownerGone reports whether the process that made the containers of run has
// exited (their leftovers may then be removed).
func ownerGone(run string) bool {
	pidText, _, ok := strings.Cut(run, "-")
	pid, err := strconv.Atoi(pidText)
	if !ok || err != nil || pid <= 0 {
		return false
	}
	return pid != os.Getpid() && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// kernelSet is the set of kernels a container image or root filesystem
// holds: the build step adds the dataset's kernels (Prepare), Run adds any
// other kernel it is given. version counts the changes.
type kernelSet struct {
	paths   map[string]string // kernel name → musl binary
	version int
}

// add adds the kernel at path, named after its file, and returns the name.
func (s *kernelSet) add(file string) string {
	name := filepath.Base(file)
	if s.paths == nil {
		s.paths = map[string]string{}
	}
	if s.paths[name] != file {
		s.paths[name] = file
		s.version++
	}
	return name
}

// rootfsEntry is one file, symbolic link or directory of a root filesystem.
type rootfsEntry struct {
	name string // path inside the root, without the leading slash
	src  string // the file to copy; empty for a link or directory
	link string // the link's target; empty for a file or directory
}

// rootfsEntries lists the kernels under bench/ and, unless the base image
// has a shell already, busybox as /bin/busybox and /bin/sh and the mount
// points a read-only root needs.
func rootfsEntries(s kernelSet, withBusybox bool) []rootfsEntry {
	var list []rootfsEntry
	if withBusybox {
		list = append(list, rootfsEntry{name: "bin/busybox", src: busyboxBinary}, rootfsEntry{name: "bin/sh", link: "busybox"},
			rootfsEntry{name: "dev"}, rootfsEntry{name: "proc"}, rootfsEntry{name: "sys"})
	}
	names := make([]string, 0, len(s.paths))
	for name := range s.paths {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		list = append(list, rootfsEntry{name: path.Join(benchDir, name), src: s.paths[name]})
	}
	return list
}

// rootfsDigest is the content digest of a base and the entries on top of it.
func rootfsDigest(base string, entries []rootfsEntry) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "rtwasm rootfs 1\x00%s\x00", base)
	for _, e := range entries {
		sum := ""
		if e.src != "" {
			var err error
			if sum, err = toolchain.FileSHA256(e.src); err != nil {
				return "", err
			}
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", e.name, e.link, sum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeRootfsTar writes the entries under prefix, plus the extra files, as a
// tar stream with fixed owners and times, so equal inputs give equal bytes.
func writeRootfsTar(w io.Writer, prefix string, entries []rootfsEntry, extra map[string][]byte) error {
	tw := tar.NewWriter(w)
	dirs := map[string]bool{}
	for _, e := range entries {
		name := path.Join(prefix, e.name)
		if e.src == "" && e.link == "" {
			if err := writeTarDirs(tw, dirs, name); err != nil {
				return err
			}
			continue
		}
		if err := writeTarDirs(tw, dirs, path.Dir(name)); err != nil {
			return err
		}
		if err := writeTarEntry(tw, name, e); err != nil {
			return err
		}
	}
	for name, data := range extra {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	return tw.Close()
}

// writeTarDirs writes dir and its parents, each once.
func writeTarDirs(tw *tar.Writer, done map[string]bool, dir string) error {
	if dir == "." || dir == "/" || done[dir] {
		return nil
	}
	if err := writeTarDirs(tw, done, path.Dir(dir)); err != nil {
		return err
	}
	done[dir] = true
	return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, Format: tar.FormatPAX})
}

func writeTarEntry(tw *tar.Writer, name string, e rootfsEntry) error {
	if e.src == "" {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: e.link, Mode: 0o777, Format: tar.FormatPAX})
	}
	f, err := os.Open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: info.Size(), Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// materializeRootfs writes the entries into dir (created whole, through a
// temporary sibling, unless it exists already) and returns its size in bytes.
func materializeRootfs(dir string, entries []rootfsEntry) (int64, error) {
	if _, err := os.Stat(dir); err == nil {
		return treeSize(dir)
	}
	tmp := fmt.Sprintf("%s.tmp-%s", dir, containerRun)
	os.RemoveAll(tmp)
	defer os.RemoveAll(tmp)
	for _, e := range entries {
		if err := writeRootfsEntry(filepath.Join(tmp, e.name), e); err != nil {
			return 0, err
		}
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) && !isDirNotEmpty(err) {
		return 0, err
	}
	return treeSize(dir)
}

func writeRootfsEntry(dst string, e rootfsEntry) error {
	if e.src == "" && e.link == "" {
		return os.MkdirAll(dst, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if e.src == "" {
		return os.Symlink(e.link, dst)
	}
	data, err := os.ReadFile(e.src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o755)
}

// isDirNotEmpty: another process materialized the same rootfs first.
func isDirNotEmpty(err error) bool {
	return errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

func treeSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	return total, err
}

// busyboxBase makes sure Debian's busybox-static is installed and describes
// the base it makes: "scratch + busybox-static <version>".
func busyboxBase(ctx context.Context) (string, error) {
	if err := debian.Ensure(ctx, busyboxPackage); err != nil {
		return "", fmt.Errorf("the container root filesystem needs %s: %w", busyboxBinary, err)
	}
	if _, err := os.Stat(busyboxBinary); err != nil {
		return "", fmt.Errorf("package %s is installed but %s is missing: %w", busyboxPackage, busyboxBinary, err)
	}
	return "scratch + " + busyboxPackage + " " + packageVersion(ctx, busyboxPackage), nil
}

// packageVersion is a Debian package's installed version, or "?".
func packageVersion(ctx context.Context, pkg string) string {
	out, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil || len(out) == 0 {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// megabytes formats a size for probe texts.
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// Cleanup removes what rtwasm's container runtimes left behind:
// containers and runc states of processes that have exited, and with images
// also every rtwasm image no live run holds (the images are otherwise kept as
// a build cache), saying on log which images it removed and which it kept
// for whom.
func Cleanup(ctx context.Context, images bool, log io.Writer) error {
	var errs []error
	d := newDockerEngine()
	if p := d.Probe(ctx); p.Available {
		errs = append(errs, d.removeContainers(ctx, true, true))
		if images {
			errs = append(errs, d.removeImages(ctx, log))
		}
		d.Close()
	} else if images {
		fmt.Fprintf(log, "clean: no images checked: Docker is unavailable (%s)\n", p.Reason)
	}
	if bin, err := findRunc(); err == nil {
		errs = append(errs, removeRuncStates(ctx, bin, true))
	}
	return errors.Join(errs...)
}
