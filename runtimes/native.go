package runtimes

import (
	"context"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// native runs the kernel compiled to machine code: "native:glibc" is the
// ordinary dynamic binary, "native:musl" the static one the container uses,
// both built by clang like the WebAssembly; the "-gcc" variants are the same
// programs built by gcc, so the compiler's share of a difference is measured.
type native struct {
	libc   string
	target toolchain.Target
}

// Native returns the native runtimes: glibc and static musl, by clang and by gcc.
func Native() []Runtime {
	return []Runtime{native{"glibc", toolchain.Glibc}, native{"musl", toolchain.Musl},
		native{"glibc-gcc", toolchain.GlibcGCC}, native{"musl-gcc", toolchain.MuslGCC}}
}

func (n native) ID() string               { return "native:" + n.libc }
func (n native) Target() toolchain.Target { return n.target }
func (n native) ColdStart() string        { return run.ColdProcess }

func (n native) Probe(ctx context.Context) Probe {
	return Probe{Available: true, Version: "direct exec (" + string(n.target) + ")"}
}

func (n native) Run(ctx context.Context, artifact string, args []string) Result {
	return runProcess(ctx, append([]string{artifact}, args...), true)
}

// LocksMemory: the C harness calls mlockall when RTWASM_MLOCK=1.
func (n native) LocksMemory() bool { return true }
