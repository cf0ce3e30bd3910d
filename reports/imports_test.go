package reports

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/internal/testkit"
)

// TestImportsAreTheRunRecord: the report depends on the run record alone.
// It imports run, stats, host, paper and internal/safefile of rtwasm, and
// links no runtime, engine, toolchain, catalogue, explain or apt installer,
// so rendering a run needs none of what measured it.
func TestImportsAreTheRunRecord(t *testing.T) {
	const mod = "github.com/rtwasm/rtwasm/"
	allowed := []string{"run", "stats", "host", "paper", "internal/safefile"}
	for name, paths := range testkit.Imports(t) {
		for _, p := range paths {
			if rest, ok := strings.CutPrefix(p, mod); ok && !slices.Contains(allowed, rest) {
				t.Errorf("%s imports %s: reports may import only %v of rtwasm", name, p, allowed)
			}
		}
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, mod+"run") {
		t.Fatalf("go list -deps gave %v, without run", deps)
	}
	forbidden := []string{"runtimes", "engine", "toolchain", "kernels", "explain", "internal/debian", "pipeline", "harness"}
	for _, d := range deps {
		for _, f := range forbidden {
			if d == mod+f || strings.HasPrefix(d, mod+f+"/") {
				t.Errorf("reports links %s (via run, stats or host): the report must read the run record alone", d)
			}
		}
	}
}
