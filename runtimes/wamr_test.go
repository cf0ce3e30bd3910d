package runtimes

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/toolchain"
)

func TestWamrArgv(t *testing.T) {
	args := []string{"--iterations", "0"}
	for mode, want := range map[string][]string{
		"interp":     {"/opt/iwasm", "--interp", "k.wasm", "--iterations", "0"},
		"fast-jit":   {"/opt/iwasm", "--fast-jit", "k.wasm", "--iterations", "0"},
		"llvm-jit":   {"/opt/iwasm", "--llvm-jit", "k.wasm", "--iterations", "0"},
		"multi-tier": {"/opt/iwasm", "--multi-tier-jit", "k.wasm", "--iterations", "0"},
	} {
		if got := wamrArgv("/opt/iwasm", mode, "k.wasm", args); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: argv %q, want %q", mode, got, want)
		}
	}
	// An AOT module takes no mode switch: iwasm recognises it by its header.
	if got, want := wamrArgv("/opt/iwasm", "aot", "k.aot", args), []string{"/opt/iwasm", "k.aot", "--iterations", "0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("aot: argv %q, want %q", got, want)
	}
	if got, want := wamrcArgv("out/k.aot", "k.wasm"), []string{"-o", "out/k.aot", "k.wasm"}; !reflect.DeepEqual(got, want) {
		t.Errorf("wamrc argv %q, want %q", got, want)
	}
}

func TestParseIwasmHelp(t *testing.T) {
	for file, want := range map[string][]string{
		"iwasm-help-interp.txt":     {"interp"},
		"iwasm-help-fast-jit.txt":   {"interp", "fast-jit"},
		"iwasm-help-multi-tier.txt": {"interp", "fast-jit", "llvm-jit", "multi-tier"},
	} {
		got, err := parseIwasmHelp(readFixture(t, file))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: modes %q (%v), want %q", file, got, err, want)
		}
	}
	if _, err := parseIwasmHelp("Usage: wasmtime [OPTIONS] <WASM>\n  --interp\n"); err == nil {
		t.Error("another program's help was taken for iwasm's")
	}
}

// fixtureBuilds are the three transcribed builds, listed richest first so
// that the choice cannot come from the order alone.
func fixtureBuilds(t *testing.T) []iwasmBuild {
	var builds []iwasmBuild
	for _, name := range []string{"multi-tier", "fast-jit", "interp"} {
		modes, err := parseIwasmHelp(readFixture(t, "iwasm-help-"+name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		builds = append(builds, iwasmBuild{path: "/opt/wamr/" + name + "/iwasm", version: "iwasm 2.4.1", modes: modes})
	}
	return builds
}

func TestChooseIwasmPicksTheLeanestBuild(t *testing.T) {
	builds := fixtureBuilds(t)
	for mode, want := range map[string]string{
		"interp":     "/opt/wamr/interp/iwasm", // the fast interpreter, not the JIT builds' classic one
		"fast-jit":   "/opt/wamr/fast-jit/iwasm",
		"llvm-jit":   "/opt/wamr/multi-tier/iwasm",
		"multi-tier": "/opt/wamr/multi-tier/iwasm",
		"aot":        "/opt/wamr/interp/iwasm",
	} {
		b, err := chooseIwasm(builds, mode)
		if err != nil || b.path != want {
			t.Errorf("%s: chose %q (%v), want %q", mode, b.path, err, want)
		}
	}
	if b, _ := chooseIwasm(builds, "fast-jit"); !strings.Contains(b.String(), "modes: interp, fast-jit") {
		t.Errorf("the build's description %q does not name its modes", b.String())
	}
}

func TestChooseIwasmNamesTheMissingBuild(t *testing.T) {
	fastJITOnly := fixtureBuilds(t)[1:2]
	_, err := chooseIwasm(fastJITOnly, "llvm-jit")
	if err == nil {
		t.Fatal("a build without --llvm-jit was chosen for wamr:llvm-jit")
	}
	for _, want := range []string{"--llvm-jit", "/opt/wamr/fast-jit/iwasm", "RTWASM_IWASM", "-DWAMR_BUILD_JIT=1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("reason %q does not mention %q", err, want)
		}
	}
}

// TestWamrBadEntryDisablesOnlyItself: a missing binary and a non-iwasm in
// RTWASM_IWASM are skipped (and named by doctor); the good build serves.
func TestWamrBadEntryDisablesOnlyItself(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	interp := standInIwasm(t, dir, "interp")
	notIwasm := writeStandIn(t, dir, "not-iwasm", "echo hello")
	t.Setenv("RTWASM_IWASM", filepath.Join(dir, "missing")+","+notIwasm+","+interp)
	if p := (wamr{"interp", newWamrBuilt(Env{})}).Probe(ctx); !p.Available || !strings.HasPrefix(p.Binary, interp) {
		t.Fatalf("wamr:interp with one good build among bad entries: %+v", p)
	}
	if p := (wamr{"fast-jit", newWamrBuilt(Env{})}).Probe(ctx); p.Available || !strings.Contains(p.Reason, "unusable RTWASM_IWASM entries") {
		t.Errorf("wamr:fast-jit: %+v, want unavailable naming the bad entries", p)
	}
	lines := strings.Join(WamrServing(ctx, Env{}), "\n")
	for _, want := range []string{"wamr:interp: served by " + interp, "skipped: \"" + filepath.Join(dir, "missing"), "skipped: \"" + notIwasm} {
		if !strings.Contains(lines, want) {
			t.Errorf("doctor lines lack %q:\n%s", want, lines)
		}
	}
}

// TestWamrServingWarnsAboutOtherTiers: a mode served by a build with other
// JIT tiers is flagged, and iwasm/wamrc versions that differ are reported.
func TestWamrServingWarnsAboutOtherTiers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("RTWASM_IWASM", standInIwasm(t, dir, "multi-tier"))
	t.Setenv("RTWASM_WAMRC", writeStandIn(t, dir, "wamrc", `echo 'wamrc 2.4.5'`))
	lines := strings.Join(WamrServing(ctx, Env{}), "\n")
	for _, want := range []string{"WARNING wamr:interp: its build also carries fast-jit, llvm-jit, multi-tier",
		"WARNING wamr:fast-jit: its build also carries llvm-jit, multi-tier", "iwasm is 2.4.1 but wamrc is 2.4.5"} {
		if !strings.Contains(lines, want) {
			t.Errorf("doctor lines lack %q:\n%s", want, lines)
		}
	}
	if p := (wamrAOT{wamr{"aot", newWamrBuilt(Env{})}}).Probe(ctx); !strings.Contains(p.Version, "WARNING: iwasm is 2.4.1 but wamrc is 2.4.5") {
		t.Errorf("wamr:aot probe does not report the mismatch: %+v", p)
	}
}

// TestWamrAOTKeyFollowsWamrc: the AOT cache key changes with wamrc's version.
func TestWamrAOTKeyFollowsWamrc(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("RTWASM_IWASM", standInIwasm(t, dir, "interp"))
	wasm := filepath.Join(dir, "k.wasm")
	os.WriteFile(wasm, []byte("\x00asm\x01\x00\x00\x00"), 0o644)
	a := toolchain.Artifact{Name: "k", Path: wasm, SHA256: "0123"}
	var outs []string
	for _, v := range []string{"2.4.1", "2.4.5"} { // one path, two versions
		t.Setenv("RTWASM_WAMRC", writeStandIn(t, dir, "wamrc", `if [ "$1" = --version ]; then echo 'wamrc `+v+`'; exit 0; fi
[ "$1" = -o ] && cp "$3" "$2"`))
		out, err := (wamrAOT{wamr{"aot", newWamrBuilt(Env{})}}).Prepare(ctx, a, filepath.Join(dir, "prepared"))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	if outs[0] == outs[1] {
		t.Errorf("wamrc 2.4.1 and 2.4.5 share the AOT file %s", outs[0])
	}
}

// TestWamrUsesTheBuildsRtwasmMade: with RTWASM_IWASM and RTWASM_WAMRC unset,
// the builds of go tool mage wamr serve each mode (the leanest one) and say
// they were built here; set variables win; with neither, the reason names
// RTWASM_WAMR_SRC.
func TestWamrUsesTheBuildsRtwasmMade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("PATH", "/usr/bin:/bin") // no iwasm or wamrc on PATH
	t.Setenv("RTWASM_IWASM", "")
	t.Setenv("RTWASM_WAMRC", "")
	env := Env{WAMR: &WAMRBuilds{}}
	for _, b := range []string{"multi-tier", "fast-jit", "interp"} {
		env.WAMR.Builds = append(env.WAMR.Builds, toolchain.WAMRBuild{Mode: b, Path: standInIwasm(t, dir, b), LLVM: "none", BuiltHere: true})
	}
	env.WAMR.Builds = append(env.WAMR.Builds, toolchain.WAMRBuild{Mode: "wamrc", Path: writeStandIn(t, dir, "wamrc", `echo 'wamrc 2.4.1'`)})
	for _, r := range WAMR(env) {
		p := r.Probe(ctx)
		if !p.Available || !strings.Contains(p.Binary, "built here by go tool mage wamr") {
			t.Errorf("%s: %+v, want a build made here", r.ID(), p)
		}
	}
	if p := WAMR(env)[0].Probe(ctx); !strings.HasPrefix(p.Binary, filepath.Join(dir, "iwasm-interp")) {
		t.Errorf("wamr:interp served by %s, want the interp build", p.Binary)
	}
	if p := WAMR(env)[4].Probe(ctx); !strings.Contains(p.Binary, filepath.Join(dir, "wamrc")) {
		t.Errorf("wamr:aot compiles with %s, want the built wamrc", p.Binary)
	}
	given := standInIwasm(t, t.TempDir(), "fast-jit")
	t.Setenv("RTWASM_IWASM", given)
	if p := WAMR(env)[1].Probe(ctx); !strings.HasPrefix(p.Binary, given) || strings.Contains(p.Binary, "built here") {
		t.Errorf("RTWASM_IWASM=%s set, but wamr:fast-jit is served by %s", given, p.Binary)
	}
	t.Setenv("RTWASM_IWASM", "")
	none := Env{WAMR: &WAMRBuilds{WhyNot: "none built yet: set RTWASM_WAMR_SRC …"}}
	for _, r := range WAMR(none) {
		if p := r.Probe(ctx); p.Available || !strings.Contains(p.Reason, "RTWASM_WAMR_SRC") {
			t.Errorf("%s without builds: %+v, want a reason naming RTWASM_WAMR_SRC", r.ID(), p)
		}
	}
}
