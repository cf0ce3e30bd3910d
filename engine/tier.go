package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// tier is a module compiled by one engine (or engine mode).
type tier interface {
	// start instantiates the module and runs its _start with the harness
	// arguments. When _start returns, the instance stays alive for calls;
	// when the guest exits through proc_exit, the error is an exitStatus.
	start(ctx context.Context, args []string, stdout, stderr io.Writer) (instance, error)
	close(ctx context.Context)
}

// instance is a module instance whose _start has returned.
type instance interface {
	// call runs an exported function without arguments: the harness
	// exports rtwasm_job (init+kernel) and rtwasm_dump.
	call(ctx context.Context, name string) error
	close(ctx context.Context)
}

// exitStatus is a guest's proc_exit with a status.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("guest exited with status %d", int(e)) }

// runStart runs the module's _start once, as a command, and returns the
// guest's exit status.
func runStart(ctx context.Context, t tier, args []string, stdout, stderr io.Writer) (int, error) {
	inst, err := t.start(ctx, args, stdout, stderr)
	var exit exitStatus
	if errors.As(err, &exit) {
		return int(exit), nil
	}
	if err != nil {
		return 0, err
	}
	inst.close(ctx)
	return 0, nil
}
