package runtimes

import (
	"reflect"
	"strings"
	"testing"
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
