package toolchain

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/internal/debian"
)

// ClangPackage is the Debian package of the clang every clang target uses.
const ClangPackage = "clang-19"

// The native targets' other Debian packages.
const (
	GlibcPackage   = "libc6-dev"
	MuslPackage    = "musl-dev"
	GCCPackage     = "gcc"
	MuslGCCPackage = "musl-tools"
)

// DebianPackages are every Debian package the toolchain installs for some
// target (as root on Debian or Ubuntu); the Dockerfile installs the same,
// which a test holds it to.
func DebianPackages() []string {
	all := append([]string{ClangPackage, GlibcPackage, MuslPackage, GCCPackage, MuslGCCPackage}, DebianWasmPackages...)
	slices.Sort(all)
	return slices.Compact(all)
}

// clang19 returns clang-19's path, installing it (with libcPkg) if needed.
func clang19(ctx context.Context, libcPkg string) (string, error) {
	if err := debian.Ensure(ctx, ClangPackage, libcPkg); err != nil {
		return "", err
	}
	path, err := exec.LookPath("clang-19")
	if err != nil {
		return "", fmt.Errorf("clang-19 not on PATH after installing %s %s; run: apt-get install -y %s", ClangPackage, libcPkg, ClangPackage)
	}
	return path, nil
}

func resolveGlibcClang(ctx context.Context) (Compiler, error) {
	path, err := clang19(ctx, GlibcPackage)
	if err != nil {
		return nil, err
	}
	return newCompiler(ctx, Glibc, "debian-clang-19", path, "debian packages clang-19 libc6-dev", nil, []string{"-lm"})
}

// resolveMuslClang drives clang-19 by hand against Debian's musl-dev: clang
// has no musl driver for Debian's multiarch layout (--target=*-linux-musl
// picks glibc's headers and crt files), so headers, start files and libc are
// named explicitly and nothing of the host's libc is seen.
func resolveMuslClang(ctx context.Context) (Compiler, error) {
	path, err := clang19(ctx, MuslPackage)
	if err != nil {
		return nil, err
	}
	include, lib := muslDirs()
	for _, f := range []string{filepath.Join(include, "stdio.h"), filepath.Join(lib, "crt1.o"), filepath.Join(lib, "libc.a")} {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("musl for clang: %v; install it with: apt-get install -y musl-dev", err)
		}
	}
	res, err := exec.CommandContext(ctx, path, "-print-resource-dir").Output()
	if err != nil {
		return nil, fmt.Errorf("clang-19 -print-resource-dir: %v; reinstall it with: apt-get install --reinstall -y %s", err, ClangPackage)
	}
	flags := []string{"-nostdinc", "-isystem", include, "-isystem", filepath.Join(strings.TrimSpace(string(res)), "include"),
		"-static", "-nostdlib", filepath.Join(lib, "crt1.o"), filepath.Join(lib, "crti.o")}
	libs := []string{"-L" + lib, "-lc", filepath.Join(lib, "crtn.o")}
	return newCompiler(ctx, Musl, "debian-clang-19", path, "debian packages clang-19 musl-dev", flags, libs)
}

// muslDirs are musl-dev's multiarch header and library directories.
func muslDirs() (include, lib string) {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i386", "riscv64": "riscv64"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	return "/usr/include/" + arch + "-linux-musl", "/usr/lib/" + arch + "-linux-musl"
}

func resolveGlibcGCC(ctx context.Context) (Compiler, error) {
	path, err := exec.LookPath("cc")
	if err != nil {
		if err := debian.Ensure(ctx, GCCPackage, GlibcPackage); err != nil {
			return nil, err
		}
		if path, err = exec.LookPath("cc"); err != nil {
			return nil, fmt.Errorf("cc not on PATH after installing gcc; run: apt-get install -y gcc libc6-dev")
		}
	}
	return newCompiler(ctx, GlibcGCC, "cc", path, "system", nil, []string{"-lm"})
}

func resolveMuslGCC(ctx context.Context) (Compiler, error) {
	if err := debian.Ensure(ctx, MuslGCCPackage); err != nil {
		return nil, err
	}
	path, err := exec.LookPath("musl-gcc")
	if err != nil {
		return nil, fmt.Errorf("musl-gcc not found after installing musl-tools (run: apt-get install -y musl-tools): %w", err)
	}
	return newCompiler(ctx, MuslGCC, "musl-gcc", path, "debian package musl-tools", []string{"-static"}, []string{"-lm"})
}
