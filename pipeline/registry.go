package pipeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/runtimes/container"
)

// Registry returns every runtime rtwasm knows, in report order: native code
// first, then the embedded engines, Node.js, the external CLIs, and the
// containers last. Adding a runtime means adding its constructor here.
func Registry(env runtimes.Env) []runtimes.Runtime {
	return slices.Concat(
		runtimes.Native(),
		runtimes.Runner(env),
		runtimes.WasmtimeCLI(),
		runtimes.Node(),
		runtimes.WAMR(env),
		runtimes.Wasmer(),
		container.Docker(),
		container.Runc(),
	)
}

// RuntimeIDs returns every registered runtime id once, in registry order.
func RuntimeIDs() []string {
	var ids []string
	for _, r := range Registry(runtimes.Env{}) {
		if !slices.Contains(ids, r.ID()) {
			ids = append(ids, r.ID())
		}
	}
	return ids
}

// SelectRuntimes returns the registered runtimes with the given ids, in
// every cold-start model listed (an id may have a process and an embedded
// variant).
func SelectRuntimes(env runtimes.Env, ids, coldStarts []string) ([]runtimes.Runtime, error) {
	all := Registry(env)
	var list []runtimes.Runtime
	for _, id := range ids {
		found := false
		for _, r := range all {
			if r.ID() == id {
				found = true
				if slices.Contains(coldStarts, r.ColdStart()) {
					list = append(list, r)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown runtime %q; valid: %s", id, strings.Join(RuntimeIDs(), ", "))
		}
	}
	return list, nil
}
