package artifact

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/toolchain"
)

// source says where the bundle's source tree came from.
type source struct {
	Commit string // the git commit archived; "" when not a git checkout
	Files  int
}

func (s source) String() string {
	if s.Commit == "" {
		return fmt.Sprintf("not a git checkout: the source tree as found (%d files; build/, data/runs/, data/artifacts/ and .git left out)", s.Files)
	}
	return fmt.Sprintf("git commit %s (`git archive`, %d files)", s.Commit, s.Files)
}

// skipped are the directories of a plain source tree that are outputs,
// not source: build caches, runs and bundles.
var skipped = []string{"build", "data/runs", "data/artifacts"}

// copySource writes the source tree of srcDir into dst: `git archive` of
// HEAD when srcDir is in a git checkout, refusing uncommitted changes (the
// bundle's source must be exactly what re-renders its report); else the
// files of the tree.
func copySource(srcDir, dst string) (source, error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return source{}, err
	}
	if _, err := gitOut(srcDir, "rev-parse", "--show-toplevel"); err != nil {
		n, err := copyTree(srcDir, dst)
		return source{Files: n}, err
	}
	if dirty, err := gitOut(srcDir, "status", "--porcelain"); err != nil || len(dirty) > 0 {
		if err != nil {
			return source{}, err
		}
		lines := strings.Split(strings.TrimSpace(string(dirty)), "\n")
		return source{}, fmt.Errorf("the checkout %s has uncommitted changes (%s): commit or stash them first, "+
			"so that the bundle's source is exactly a commit", srcDir, strings.Join(lines[:min(5, len(lines))], "; "))
	}
	commit, err := gitOut(srcDir, "rev-parse", "HEAD")
	if err != nil {
		return source{}, err
	}
	tarball := dst + ".tar.gz"
	defer os.Remove(tarball)
	if _, err := gitOut(srcDir, "archive", "--format=tar.gz", "-o", tarball, "HEAD"); err != nil {
		return source{}, err
	}
	if err := toolchain.UntarGz(tarball, dst); err != nil {
		return source{}, err
	}
	files, _, err := listFiles(dst)
	return source{Commit: strings.TrimSpace(string(commit)), Files: len(files)}, err
}

func gitOut(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// copyTree copies the regular files of a plain source tree.
func copyTree(srcDir, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(srcDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(srcDir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && rel != "." && (d.Name() == ".git" || slices.Contains(skipped, rel)) {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		n++
		return copyFile(p, filepath.Join(dst, filepath.FromSlash(rel)))
	})
	return n, err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm()|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// keepRunFile says whether a run directory's file belongs in the bundle:
// not the writer's lock, temporary files or executables (a fleet run's
// compiled targets), which are rebuilt.
func keepRunFile(rel string, mode fs.FileMode) bool {
	base := path.Base(rel)
	return mode.IsRegular() && mode&0o111 == 0 && base != "lock" && !strings.HasSuffix(base, ".tmp")
}
