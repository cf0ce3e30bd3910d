package artifact

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// writeTarGz archives the tree at dir as top/… into out: files in sorted
// order, owner root, the given mtime, so the same tree gives the same bytes.
func writeTarGz(out, dir, top string, mtime time.Time) error {
	files, odd, err := listFiles(dir)
	if err != nil {
		return err
	}
	if len(odd) > 0 {
		return fmt.Errorf("bundle: not regular files: %s", strings.Join(odd, ", "))
	}
	if _, err := os.Stat(filepath.Join(dir, SumsFile)); err == nil {
		files = append(files, SumsFile)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, name := range files {
		if err := addFile(tw, filepath.Join(dir, filepath.FromSlash(name)), path.Join(top, name), mtime); err != nil {
			f.Close()
			return err
		}
	}
	if err := errors.Join(tw.Close(), gz.Close()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func addFile(tw *tar.Writer, src, name string, mtime time.Time) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	mode := int64(0o644)
	if info.Mode()&0o111 != 0 {
		mode = 0o755
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: info.Size(), Mode: mode, ModTime: mtime, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}
