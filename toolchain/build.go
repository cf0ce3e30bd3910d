package toolchain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Job is one program to compile.
type Job struct {
	Name    string            // output base name, e.g. "gemm"
	Sources map[string][]byte // file name → contents; .c files are compiled
	Defines []string          // -D flags
}

// Artifact is a compiled program in the build cache.
type Artifact struct {
	Name     string
	Target   Target
	Path     string
	SHA256   string
	Bytes    int64
	Key      string // cache key: digest of compiler, flags, defines and sources
	Compiler string
	Cached   bool // true when nothing was compiled
}

// Build compiles job with c into cacheDir, keyed by everything that affects
// the output; a build whose key exists already compiles nothing.
func Build(ctx context.Context, c Compiler, job Job, cacheDir string) (Artifact, error) {
	key := cacheKey(c.Provenance(), job)
	dir := filepath.Join(cacheDir, key[:24])
	out := filepath.Join(dir, job.Name+extension(c.Target()))
	a := Artifact{Name: job.Name, Target: c.Target(), Path: out, Key: key, Compiler: c.Provenance().Name}
	if _, err := os.Stat(out); err == nil {
		a.Cached = true
		return a, a.describe()
	}
	srcs, err := writeSources(filepath.Join(dir, "src"), job.Sources)
	if err != nil {
		return a, err
	}
	tmp := out + ".tmp"
	cmd := c.Command(ctx, tmp, job.Defines, srcs)
	if msg, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return a, fmt.Errorf("compile %s for %s: %v\n%s\n%s", job.Name, c.Target(), err, strings.Join(cmd.Args, " "), lastLines(msg, 20))
	}
	if err := os.Rename(tmp, out); err != nil {
		return a, err
	}
	return a, a.describe()
}

func (a *Artifact) describe() error {
	info, err := os.Stat(a.Path)
	if err != nil {
		return err
	}
	a.Bytes = info.Size()
	a.SHA256, err = FileSHA256(a.Path)
	return err
}

func cacheKey(p Provenance, job Job) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%q\x00%q\x00", p.Target, p.Name, p.Path, p.Version, p.Flags, job.Defines)
	for _, name := range slices.Sorted(maps.Keys(job.Sources)) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(job.Sources[name]))
		h.Write(job.Sources[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeSources writes the files into dir and returns the .c paths, sorted.
func writeSources(dir string, files map[string][]byte) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var srcs []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return nil, err
		}
		if strings.HasSuffix(name, ".c") {
			srcs = append(srcs, path)
		}
	}
	return srcs, nil
}

func extension(t Target) string {
	if t == Wasm {
		return ".wasm"
	}
	return ""
}
