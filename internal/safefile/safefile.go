// Package safefile writes and reads files inside a data or run directory
// without following links out of it. It imports nothing of rtwasm: run,
// reports, fleet and the pipeline all write through it.
package safefile

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// Every write inside a data or run directory goes through these functions: the
// directory is opened as an os.Root, so no path (and no link planted in it)
// reaches outside it, and a file is either written aside and renamed over its
// name (a link at the name is replaced, never followed) or opened only if it
// is a regular file. rtwasm runs as root on shared data directories, where a
// planted link could otherwise overwrite any file.

// WriteFile writes data to name (slash-separated, inside dir) atomically.
func WriteFile(dir, name string, data []byte) error { return WriteMode(dir, name, data, 0o644) }

// WriteMode is WriteFile with the file's permission bits.
func WriteMode(dir, name string, data []byte, perm os.FileMode) error {
	return writeWith(dir, name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteWith writes name inside dir atomically with write: into a fresh
// temporary file beside it, synced, then renamed over name.
func WriteWith(dir, name string, write func(io.Writer) error) error {
	return writeWith(dir, name, 0o644, write)
}

func writeWith(dir, name string, perm os.FileMode, write func(io.Writer) error) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	defer root.Close()
	if sub := filepath.Dir(name); sub != "." {
		if err := root.MkdirAll(sub, 0o755); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
	}
	tmp := filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+"."+randomSuffix()+".tmp")
	f, err := root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		root.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// OpenInPlace opens name inside dir for writing in place (a journal, a lock,
// an append-only log), creating it if missing; an existing name that is not
// a regular file (a link, a FIFO) is refused.
func OpenInPlace(dir, name string, flag int) (*os.File, error) {
	path := filepath.Join(dir, name)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	if err := regularOrMissing(root, name, path); err != nil {
		return nil, err
	}
	f, err := root.OpenFile(name, flag|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		return nil, err
	}
	// The name may have been swapped between the check and the open.
	if err := sameRegular(root, name, path, f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func regularOrMissing(root *os.Root, name, path string) error {
	fi, err := root.Lstat(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return notRegular(path, fi.Mode())
	}
	return nil
}

func sameRegular(root *os.Root, name, path string, f *os.File) error {
	opened, err := f.Stat()
	if err != nil {
		return err
	}
	named, err := root.Lstat(name)
	if err != nil {
		return err
	}
	if !named.Mode().IsRegular() || !os.SameFile(opened, named) {
		return notRegular(path, named.Mode())
	}
	return nil
}

func notRegular(path string, mode os.FileMode) error {
	return fmt.Errorf("%s is not a regular file (%s); rtwasm never follows links or reads devices in a run directory: remove it and retry", path, mode.Type())
}

// OpenRegular opens path for reading only if it is a regular file (not a
// link, FIFO or device), so a planted link cannot make rtwasm read, or
// echo in an error, another file's bytes.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, notRegular(path, os.ModeSymlink)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, fi.Mode())
	}
	return f, nil
}

// ReadRegular reads a whole regular file (see OpenRegular).
func ReadRegular(path string) ([]byte, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// RemoveAll removes name (slash-separated, inside dir) and what it holds,
// never following a link out of dir.
func RemoveAll(dir, name string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return root.RemoveAll(name)
}

// Rename renames from to to, both names inside dir; a link at to is
// replaced, never followed.
func Rename(dir, from, to string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return root.Rename(from, to)
}
