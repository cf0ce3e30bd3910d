// Package toolchain finds the C compilers rtwasm builds kernels with, one
// per target, and compiles with a content-addressed cache.
//
// Every compiler gets the same optimisation flags (CommonFlags) so that
// native and WebAssembly builds compute bit-identical results.
package toolchain

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Target is what a compiler produces.
type Target string

// The build targets.
const (
	Wasm  Target = "wasm32-wasi"
	Glibc Target = "native-glibc"
	Musl  Target = "native-musl"
)

// Targets lists every target.
var Targets = []Target{Wasm, Glibc, Musl}

// CommonFlags are used by every compiler: optimise, but never contract
// a*b+c into a fused multiply-add, and never tune for the build host.
var CommonFlags = []string{"-O3", "-ffp-contract=off"}

// Compiler is one C compiler for one target.
type Compiler interface {
	Target() Target
	// Provenance says which compiler this is and how it was obtained.
	Provenance() Provenance
	// Command compiles srcs (with the -D flags in defines) into out.
	Command(ctx context.Context, out string, defines, srcs []string) *exec.Cmd
}

// Provenance says which compiler built one target, and how it was obtained.
type Provenance struct {
	Target  string   `json:"target"`
	Name    string   `json:"name"`    // e.g. wasi-sdk-21, debian-clang-19, cc, musl-gcc
	Path    string   `json:"path"`    // the compiler executable
	Version string   `json:"version"` // first line of --version
	Flags   []string `json:"flags"`
	Source  string   `json:"source"`         // how it was obtained
	Note    string   `json:"note,omitempty"` // e.g. why a fallback was used
}

// gccLike is a compiler driven like gcc or clang: path, flags, sources, -o out.
type gccLike struct {
	prov Provenance
}

func (c gccLike) Target() Target         { return Target(c.prov.Target) }
func (c gccLike) Provenance() Provenance { return c.prov }

func (c gccLike) Command(ctx context.Context, out string, defines, srcs []string) *exec.Cmd {
	args := append(append(append([]string{}, c.prov.Flags...), defines...), srcs...)
	args = append(args, "-lm", "-o", out)
	return exec.CommandContext(ctx, c.prov.Path, args...)
}

// newCompiler describes the compiler at path, asking it for its version.
func newCompiler(ctx context.Context, target Target, name, path, source string, flags []string) (Compiler, error) {
	out, err := exec.CommandContext(ctx, path, "--version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s (%s) does not run: %v", name, path, err)
	}
	version, _, _ := strings.Cut(string(out), "\n")
	return gccLike{Provenance{Target: string(target), Name: name, Path: path, Version: strings.TrimSpace(version),
		Flags: append(flags, CommonFlags...), Source: source}}, nil
}

// Config says where to cache downloads and where to log what happens.
type Config struct {
	CacheDir string    // downloads and unpacked SDKs
	Log      io.Writer // progress and fallback notes
	// WasiSDKURL overrides the release URL (tests point it at a local server).
	WasiSDKURL string
}

// Set holds one compiler per target.
type Set map[Target]Compiler

// Resolve finds a compiler for every target in targets, installing Debian
// packages where it may. The returned error names what is missing.
func Resolve(ctx context.Context, cfg Config, targets ...Target) (Set, error) {
	set := Set{}
	for _, t := range targets {
		var c Compiler
		var err error
		switch t {
		case Wasm:
			c, err = resolveWasm(ctx, cfg)
		case Glibc:
			c, err = resolveGlibc(ctx)
		case Musl:
			c, err = resolveMusl(ctx)
		default:
			err = fmt.Errorf("unknown target %q", t)
		}
		if err != nil {
			return nil, err
		}
		set[t] = c
	}
	return set, nil
}

// Provenances lists the set's compilers in target order.
func (s Set) Provenances() []Provenance {
	var list []Provenance
	for _, t := range Targets {
		if c, ok := s[t]; ok {
			list = append(list, c.Provenance())
		}
	}
	return list
}

func resolveGlibc(ctx context.Context) (Compiler, error) {
	path, err := exec.LookPath("cc")
	if err != nil {
		if err := EnsurePackages(ctx, "gcc", "libc6-dev"); err != nil {
			return nil, err
		}
		if path, err = exec.LookPath("cc"); err != nil {
			return nil, err
		}
	}
	return newCompiler(ctx, Glibc, "cc", path, "system", nil)
}

func resolveMusl(ctx context.Context) (Compiler, error) {
	if err := EnsurePackages(ctx, "musl-tools"); err != nil {
		return nil, err
	}
	path, err := exec.LookPath("musl-gcc")
	if err != nil {
		return nil, fmt.Errorf("musl-gcc not found after installing musl-tools: %w", err)
	}
	return newCompiler(ctx, Musl, "musl-gcc", path, "debian package musl-tools", []string{"-static"})
}
