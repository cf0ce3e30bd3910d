package runtimes

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/harness"
	"github.com/rtwasm/rtwasm/internal/testkit"
	"github.com/rtwasm/rtwasm/toolchain"
)

func TestNodeArgv(t *testing.T) {
	args := []string{"--iterations", "0"}
	common := []string{"node", "--no-warnings", "--no-turbo-fast-api-calls"}
	for mode, flags := range map[string][]string{
		"liftoff":  {"--liftoff-only"},
		"turbofan": {"--no-liftoff", "--no-wasm-lazy-compilation"},
		"tiered":   {},
	} {
		want := append(append(append([]string{}, common...), flags...), "run.mjs", "k.wasm", "--iterations", "0")
		if got := nodeArgv("node", "run.mjs", mode, "k.wasm", args); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: argv %q, want %q", mode, got, want)
		}
	}
}

func TestParseNodeProbe(t *testing.T) {
	v, err := parseNodeProbe("node 20.20.2 v8 11.3.244.8-node.38 clock_res 1 clock_granularity 1000\n")
	want := "Node.js v20.20.2 (V8 11.3.244.8-node.38), node:wasi preview1; guest CLOCK_REALTIME steps of 1000 ns (clock_res_get reports 1 ns)"
	if err != nil || v != want {
		t.Errorf("version %q (%v), want %q", v, err, want)
	}
	if _, err := parseNodeProbe("node: bad option: --liftoff-only\n"); err == nil {
		t.Error("an error message was taken for the probe's answer")
	}
}

// nodeOrSkip skips when this host has no node.
func nodeOrSkip(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not found on PATH")
	}
}

func TestNodeScriptIsWrittenOnce(t *testing.T) {
	nodeOrSkip(t)
	_, script, err := nodeSetup()
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(script); err != nil || !bytes.Equal(b, nodeScript) {
		t.Fatalf("%s does not hold the embedded script (%v)", script, err)
	}
	if again, _ := writeNodeScript(nodeDir); again != script {
		t.Errorf("second write went to %s, not %s", again, script)
	}
}

// TestNodeScriptReplacedIsRewritten: a script changed after set-up (another
// user's code, a truncation) is never what node runs: the next use
// rewrites it, and its directory is private.
func TestNodeScriptReplacedIsRewritten(t *testing.T) {
	nodeOrSkip(t)
	_, script, err := nodeSetup()
	if err != nil {
		t.Fatal(err)
	}
	if err := privateDir(filepath.Dir(script)); err != nil {
		t.Fatalf("script directory not private: %v", err)
	}
	if err := os.WriteFile(script, []byte("process.exit(0)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, again, err := nodeSetup(); err != nil || again != script {
		t.Fatalf("nodeSetup after replacement: %s, %v", again, err)
	}
	if b, err := os.ReadFile(script); err != nil || !bytes.Equal(b, nodeScript) {
		t.Fatalf("replaced script not rewritten (%v)", err)
	}
	os.Remove(script)
	os.Symlink("/etc/passwd", script)
	if _, _, err := nodeSetup(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(script); err != nil || !info.Mode().IsRegular() {
		t.Fatalf("a symlink in place of the script was kept (%v)", err)
	}
}

// TestNodeRuns runs a kernel on each V8 tier and checks the timestamps, that
// they step as the probe says the guest clock does, and the exit status.
func TestNodeRuns(t *testing.T) {
	nodeOrSkip(t)
	input := testkit.Kernel(t, toolchain.Wasm, "2mm").Path
	for _, n := range []nodeRuntime{{"liftoff"}, {"turbofan"}, {"tiered"}} {
		p := n.Probe(context.Background())
		var step int64
		if _, err := fmt.Sscanf(p.Version[strings.Index(p.Version, "steps of"):], "steps of %d ns", &step); !p.Available || err != nil {
			t.Fatalf("%s: probe %+v (%v)", n.ID(), p, err)
		}
		res := n.Run(context.Background(), input, []string{"--iterations", "2"})
		if res.Err != nil {
			t.Fatalf("%s: %v", n.ID(), res.Err)
		}
		tl, err := harness.ParseTimeline(res.Stdout)
		if err != nil || len(tl.IterationEnds) != 2 {
			t.Fatalf("%s: %+v %v", n.ID(), tl, err)
		}
		for _, ts := range append(tl.IterationEnds, tl.MainStart, tl.MainEnd) {
			if ts%step != 0 {
				t.Errorf("%s: timestamp %d is not a multiple of the probed %d ns step", n.ID(), ts, step)
			}
		}
		if res := n.Run(context.Background(), input, []string{"--bogus"}); res.ExitStatus != 2 || res.Err == nil {
			t.Errorf("%s: the guest's exit status 2 became %d (%v)", n.ID(), res.ExitStatus, res.Err)
		}
	}
}
