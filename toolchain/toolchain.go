// Package toolchain finds the C compilers rtwasm builds kernels with, one
// per target, and compiles with a verified, content-addressed cache.
//
// Every compiler gets the same optimisation flags (CommonFlags) so that
// native and WebAssembly builds compute bit-identical results; the native
// targets without a suffix use the same clang as the WebAssembly fallback,
// as the paper did, and the -gcc targets measure the compiler's effect.
// It owns compilers, artifacts, the wasi-sdk download and the WAMR builds
// (wamr.go: the paper's runtime built from pinned sources with CMake). It
// imports only run, for the record types it fills (Provenance, WAMRBuild,
// the WebAssembly target's name): no other rtwasm package.
package toolchain

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
)

// Target is what a compiler produces.
type Target string

// The build targets. Glibc and Musl are clang builds; GlibcGCC and MuslGCC
// are the same programs built with gcc.
const (
	Wasm     Target = run.TargetWasm
	Glibc    Target = "native-glibc"
	Musl     Target = "native-musl"
	GlibcGCC Target = "native-glibc-gcc"
	MuslGCC  Target = "native-musl-gcc"
)

// Targets lists every target.
var Targets = []Target{Wasm, Glibc, Musl, GlibcGCC, MuslGCC}

// CommonFlags are used by every compiler: optimise, but never contract
// a*b+c into a fused multiply-add, and never tune for the build host.
var CommonFlags = []string{"-O3", "-ffp-contract=off"}

// StripFlags drop debug sections at link time (Debian's wasi-libc carries
// ~130 KB of DWARF a wasi-sdk build has not) but keep symbols and names.
var StripFlags = []string{"-Wl,--strip-debug"}

// Compiler is one C compiler for one target.
type Compiler interface {
	Target() Target
	// Provenance says which compiler this is and how it was obtained.
	Provenance() Provenance
	// Command compiles srcs (with the -D flags in defines) into out.
	Command(ctx context.Context, out string, defines, srcs []string) *exec.Cmd
}

// Provenance says which compiler built one target, and how it was obtained;
// the run record owns the type, which its manifest holds.
type Provenance = run.Provenance

// gccLike is a compiler driven like gcc or clang: path, flags, sources, -o out.
type gccLike struct {
	prov Provenance
}

func (c gccLike) Target() Target         { return Target(c.prov.Target) }
func (c gccLike) Provenance() Provenance { return c.prov }

func (c gccLike) Command(ctx context.Context, out string, defines, srcs []string) *exec.Cmd {
	args := slices.Concat(c.prov.Flags, defines, srcs, c.prov.Libs, []string{"-o", out})
	return exec.CommandContext(ctx, c.prov.Path, args...)
}

// newCompiler describes the compiler at path, asking it for its version.
// flags go before CommonFlags and StripFlags, libs after the sources.
func newCompiler(ctx context.Context, target Target, name, path, source string, flags, libs []string) (gccLike, error) {
	out, err := exec.CommandContext(ctx, path, "--version").CombinedOutput()
	if err != nil {
		return gccLike{}, fmt.Errorf("%s (%s) does not run: %v", name, path, err)
	}
	version, _, _ := strings.Cut(string(out), "\n")
	return gccLike{Provenance{Target: string(target), Name: name, Path: path, Version: strings.TrimSpace(version),
		Flags: slices.Concat(flags, CommonFlags, StripFlags), Libs: libs, Source: source}}, nil
}

// Config says where to cache downloads and where to log what happens.
type Config struct {
	CacheDir string    // downloads and unpacked SDKs; "" means DefaultCacheDir
	Log      io.Writer // progress and fallback notes
	// WasiSDKURL overrides the release URL (tests point it at a local server).
	WasiSDKURL string
}

// Set holds one compiler per target.
type Set map[Target]Compiler

// Resolve finds a compiler for every target in targets, installing Debian
// packages where it may. The returned error names what is missing.
func Resolve(ctx context.Context, cfg Config, targets ...Target) (Set, error) {
	if err := cfg.defaultCacheDir(); err != nil {
		return nil, err
	}
	set := Set{}
	for _, t := range targets {
		var c Compiler
		var err error
		switch t {
		case Wasm:
			c, err = resolveWasm(ctx, cfg)
		case Glibc:
			c, err = resolveGlibcClang(ctx)
		case Musl:
			c, err = resolveMuslClang(ctx)
		case GlibcGCC:
			c, err = resolveGlibcGCC(ctx)
		case MuslGCC:
			c, err = resolveMuslGCC(ctx)
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
