package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// bigWriter writes bigLines numbered lines to stdout, then the same to
// stderr: 8 MiB each, more than any pipe holds, so a runtime that drops
// what a full pipe refuses (Node's WASI did) loses bytes in the middle.
const bigWriter = `#include <stdio.h>
int main(void) {
	for (int i = 0; i < %[1]d; i++)
		printf("%%07d abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW\n", i);
	fflush(stdout);
	for (int i = 0; i < %[1]d; i++)
		fprintf(stderr, "%%07d abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW\n", i);
	return 0;
}
`

const bigLines = 8 << 20 / 72 // 72-byte lines

// TestEveryByteArrives writes 8 MiB to stdout and to stderr through each
// local runtime (native, wazero and Wasmtime in both models, Node.js in
// every tier, the external CLIs found here, docker, runc) and checks every
// byte arrives, in order.
func TestEveryByteArrives(t *testing.T) {
	ctx := context.Background()
	var want bytes.Buffer
	for i := 0; i < bigLines; i++ {
		fmt.Fprintf(&want, "%07d abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW\n", i)
	}
	dir := t.TempDir()
	runner, pure, err := BuildRunners(ctx, dir, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	env := runtimes.Env{Runner: runner, PureRunner: pure, EngineCache: filepath.Join(dir, "engine-cache")}
	built := map[toolchain.Target]toolchain.Artifact{}
	ids := []string{"native:glibc", "native:musl", "wazero:interp", "wazero:compiler", "wasmtime:cranelift", "wasmtime:pulley",
		"node:liftoff", "node:turbofan", "node:tiered", "wamr:interp", "wamr:fast-jit",
		"wasmer:cranelift", "wasmtime-cli:cranelift", "docker:engine", "runc:bundle"}
	// The hybrids are not here: they drive the harness protocol, which this
	// program does not speak; cross-verify checks their dumps.
	for _, r := range Registry(env) {
		if !slices.Contains(ids, r.ID()) {
			continue
		}
		t.Run(r.ID()+"/"+r.ColdStart(), func(t *testing.T) {
			p := r.Probe(ctx)
			if s, ok := r.(runtimes.SetUpper); ok && p.Available {
				p = s.SetUp(ctx, p)
			}
			if !p.Available {
				t.Skipf("not on this host: %s", p.Reason)
			}
			a, ok := built[r.Target()]
			if !ok {
				set, err := toolchain.Resolve(ctx, toolchain.Config{}, r.Target())
				if err != nil {
					t.Fatal(err)
				}
				job := toolchain.Job{Name: "bigwrite", Sources: map[string][]byte{"bigwrite.c": fmt.Appendf(nil, bigWriter, bigLines)}}
				if a, err = toolchain.Build(ctx, set[r.Target()], job, dir); err != nil {
					t.Fatal(err)
				}
				built[r.Target()] = a
			}
			input := a.Path
			if pr, ok := r.(runtimes.Preparer); ok {
				if in, err := pr.Prepare(ctx, a, filepath.Join(dir, "prepared")); err != nil {
					t.Fatal(err)
				} else if in != "" {
					input = in
				}
			}
			if c, ok := r.(runtimes.Closer); ok {
				defer c.Close()
			}
			res := r.Run(ctx, input, nil)
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			for _, s := range []struct {
				name string
				got  []byte
			}{{"stdout", res.Stdout}, {"stderr", res.Stderr}} {
				if !bytes.Equal(s.got, want.Bytes()) {
					i := 0
					for i < min(len(s.got), want.Len()) && s.got[i] == want.Bytes()[i] {
						i++
					}
					t.Errorf("%s: %d of %d bytes, first difference at byte %d: %q", s.name, len(s.got), want.Len(), i, s.got[max(0, i-20):min(len(s.got), i+100)])
				}
			}
		})
	}
}
