package runtimes

import (
	"context"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/toolchain"
)

// native runs the kernel compiled to machine code: "native:glibc" is the
// ordinary dynamic binary, "native:musl" the static one the container uses.
type native struct {
	libc   string
	target toolchain.Target
}

// Native returns the native runtimes: the glibc and the static musl build.
func Native() []Runtime {
	return []Runtime{native{"glibc", toolchain.Glibc}, native{"musl", toolchain.Musl}}
}

func (n native) ID() string               { return "native:" + n.libc }
func (n native) Target() toolchain.Target { return n.target }
func (n native) ColdStart() string        { return run.ColdProcess }

func (n native) Probe(ctx context.Context) Probe {
	return Probe{Available: true, Version: "direct exec (" + string(n.target) + ")"}
}

func (n native) Run(ctx context.Context, artifact string, args []string) Result {
	return RunProcess(ctx, append([]string{artifact}, args...))
}
