package artifact

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/toolchain"
)

// SumsFile lists every other file of a bundle with its SHA-256, in the
// format of sha256sum, so `sha256sum -c SHA256SUMS` checks it too.
const SumsFile = "SHA256SUMS"

// listFiles returns every regular file under root (slash paths relative
// to it, sorted), except SumsFile at the top. Anything else (a symlink, a
// device) is returned as odd: a bundle holds files only.
func listFiles(root string) (files, odd []string, err error) {
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() || rel == SumsFile:
		case d.Type().IsRegular():
			files = append(files, rel)
		default:
			odd = append(odd, rel)
		}
		return nil
	})
	slices.Sort(files)
	return files, odd, err
}

// writeSums writes SumsFile for every file under root.
func writeSums(root string) (int, error) {
	files, odd, err := listFiles(root)
	if err != nil {
		return 0, err
	}
	if len(odd) > 0 {
		return 0, fmt.Errorf("bundle: not regular files: %s", strings.Join(odd, ", "))
	}
	var b strings.Builder
	for _, f := range files {
		sum, err := toolchain.FileSHA256(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, f)
	}
	return len(files), os.WriteFile(filepath.Join(root, SumsFile), []byte(b.String()), 0o644)
}

// readSums parses SumsFile: path → hex SHA-256.
func readSums(root string) (map[string]string, error) {
	f, err := os.Open(filepath.Join(root, SumsFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		sum, path, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != sha256.Size*2 || path == "" {
			return nil, fmt.Errorf("%s line %d: want \"<sha256>  <path>\", have %q", SumsFile, n, sc.Text())
		}
		sums[path] = sum
	}
	return sums, sc.Err()
}
