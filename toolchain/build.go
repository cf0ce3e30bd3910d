package toolchain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	Log     io.Writer         // told when a cached artifact is rebuilt; nil means os.Stderr
}

// Artifact is a compiled program in the build cache.
type Artifact struct {
	Name     string
	Target   Target
	Path     string
	SHA256   string
	Bytes    int64  // file size, debug sections stripped
	Key      string // cache key: digest of compiler, flags, defines and sources
	Compiler string
	Cached   bool   // true when nothing was compiled
	Rebuilt  string // why a cached artifact was rebuilt, if one was
}

// Build compiles job with c into cacheDir, keyed by everything that affects
// the output. A build whose key exists already compiles nothing, provided
// the cached file still has the SHA-256 recorded when it was built; one
// that does not is rebuilt, and job.Log is told.
func Build(ctx context.Context, c Compiler, job Job, cacheDir string) (Artifact, error) {
	if err := ownedDir(cacheDir); err != nil {
		return Artifact{}, err
	}
	key := cacheKey(c.Provenance(), job)
	dir := filepath.Join(cacheDir, key[:24])
	out := filepath.Join(dir, job.Name+extension(c.Target()))
	a := Artifact{Name: job.Name, Target: c.Target(), Path: out, Key: key, Compiler: c.Provenance().Name}
	sum, err := verifyCached(out)
	if err == nil {
		a.Cached = true
		return a, a.describe(sum)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		a.Rebuilt = err.Error()
		log := job.Log
		if log == nil {
			log = os.Stderr
		}
		fmt.Fprintf(log, "toolchain: rebuilding %s for %s: %v\n", job.Name, a.Target, err)
	}
	if sum, err = compile(ctx, c, job, dir, out); err != nil {
		return a, err
	}
	return a, a.describe(sum)
}

// verifyCached returns the digest of the cached file out if it matches the
// one recorded beside it; fs.ErrNotExist means nothing is cached.
func verifyCached(out string) (string, error) {
	if _, err := os.Stat(out); err != nil {
		return "", err
	}
	recorded, err := os.ReadFile(out + ".sha256")
	if err != nil {
		return "", fmt.Errorf("cached %s has no recorded checksum (%v)", out, errors.Unwrap(err))
	}
	want, _, _ := strings.Cut(string(recorded), " ")
	got, err := FileSHA256(out)
	if err != nil {
		return "", fmt.Errorf("cached %s is unreadable: %v", out, err)
	}
	if got != want {
		return "", fmt.Errorf("cached %s failed its checksum (sha256 %s, recorded %s at build time)", out, got, want)
	}
	return got, nil
}

// compile builds into a private work directory (also the compiler's TMPDIR),
// refuses an output with debug sections, records its digest beside out and
// only then moves it to out, so out never exists without its checksum.
func compile(ctx context.Context, c Compiler, job Job, dir, out string) (string, error) {
	srcs, err := writeSources(filepath.Join(dir, "src"), job.Sources)
	if err != nil {
		return "", err
	}
	work, err := os.MkdirTemp(dir, ".build-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	tmp := filepath.Join(work, filepath.Base(out))
	cmd := c.Command(ctx, tmp, job.Defines, srcs)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "TMPDIR="+work)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("compile %s for %s: %v\n%s\n%s", job.Name, c.Target(), err, strings.Join(cmd.Args, " "), lastLines(msg, 20))
	}
	if debug, err := DebugSections(tmp); err != nil {
		return "", fmt.Errorf("compile %s for %s: %w", job.Name, c.Target(), err)
	} else if len(debug) > 0 {
		return "", fmt.Errorf("compile %s for %s: the output keeps debug sections %v despite %v; the linker ignored the flag", job.Name, c.Target(), debug, StripFlags)
	}
	sum, err := FileSHA256(tmp)
	if err != nil {
		return "", err
	}
	if err := writeAtomic(out+".sha256", []byte(sum+"  "+filepath.Base(out)+"\n")); err != nil {
		return "", err
	}
	return sum, os.Rename(tmp, out)
}

func (a *Artifact) describe(sum string) error {
	info, err := os.Stat(a.Path)
	if err != nil {
		return err
	}
	a.Bytes, a.SHA256 = info.Size(), sum
	return nil
}

func cacheKey(p Provenance, job Job) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%q\x00%q\x00%q\x00", p.Target, p.Name, p.Path, p.Version, p.Flags, p.Libs, job.Defines)
	for _, name := range slices.Sorted(maps.Keys(job.Sources)) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(job.Sources[name]))
		h.Write(job.Sources[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeSources writes the files into dir and returns the .c paths, sorted.
// Each file is replaced whole, so a concurrent build of the same key never
// reads a half-written source.
func writeSources(dir string, files map[string][]byte) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var srcs []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(dir, name)
		if err := writeAtomic(path, files[name]); err != nil {
			return nil, err
		}
		if strings.HasSuffix(name, ".c") {
			srcs = append(srcs, path)
		}
	}
	return srcs, nil
}

// writeAtomic writes data to a fresh file beside path, then renames it.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func extension(t Target) string {
	if t == Wasm {
		return ".wasm"
	}
	return ""
}
