package runtimes

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/toolchain"
)

// readFixture reads a transcribed program output (see testdata/README.md).
func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// externalRuntimes are the runtimes that run an external CLI.
func externalRuntimes() []Runtime {
	return slices.Concat(WAMR(Env{}), Wasmer(), WasmtimeCLI())
}

func TestExternalCLIsMissingSayWhy(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, v := range []string{"RTWASM_IWASM", "RTWASM_WAMRC", "RTWASM_WASMER", "RTWASM_WASMTIME"} {
		t.Setenv(v, "")
	}
	for _, r := range externalRuntimes() {
		p := r.Probe(context.Background())
		if p.Available || !strings.Contains(p.Reason, "not found on PATH; set RTWASM_") {
			t.Errorf("%s: probe %+v, want unavailable naming the variable to set", r.ID(), p)
		}
		if res := r.Run(context.Background(), "k.wasm", nil); res.Err == nil || res.ExitStatus != -1 {
			t.Errorf("%s ran without its binary: %+v", r.ID(), res)
		}
	}
	if p := (wamr{"fast-jit", newWamrBuilt(Env{})}).Probe(context.Background()); !strings.Contains(p.Reason, "--fast-jit") {
		t.Errorf("reason %q does not say which build wamr:fast-jit needs", p.Reason)
	}
}

func TestToolPathsReadsLists(t *testing.T) {
	dir := t.TempDir()
	a := writeStandIn(t, dir, "a", "exit 0")
	b := writeStandIn(t, dir, "b", "exit 0")
	t.Setenv("RTWASM_IWASM", a+","+b+":"+a)
	got, err := toolPaths("RTWASM_IWASM", "iwasm", "a WAMR build")
	if err != nil || strings.Join(got, " ") != a+" "+b+" "+a {
		t.Fatalf("paths %q (%v)", got, err)
	}
	t.Setenv("RTWASM_IWASM", a+","+filepath.Join(dir, "missing"))
	if _, err := toolPaths("RTWASM_IWASM", "iwasm", "a WAMR build"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a missing entry gave %v, want it named", err)
	}
}

// writeStandIn writes an executable shell script: a stand-in for an
// external runtime's CLI in the tests below, which check that probing,
// the choice of binary and the command line reach a real process. A
// stand-in runs no WebAssembly and measures nothing.
func writeStandIn(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// echoArgv makes a stand-in print the command line it was started with.
const echoArgv = `printf 'stand-in argv:'; printf ' %s' "$0" "$@"; printf '\n'`

func fixturePath(t *testing.T, name string) string {
	path, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// standInIwasm is an iwasm stand-in answering --help with a transcribed
// help text.
func standInIwasm(t *testing.T, dir, build string) string {
	return writeStandIn(t, dir, "iwasm-"+build, `case "$1" in
--help) cat '`+fixturePath(t, "iwasm-help-"+build+".txt")+`'; exit 1;;
--version) cat '`+fixturePath(t, "iwasm-version.txt")+`'; exit 0;;
esac
`+echoArgv)
}

func wantArgv(t *testing.T, res Result, argv []string) {
	t.Helper()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got, want := strings.TrimSpace(string(res.Stdout)), "stand-in argv: "+strings.Join(argv, " "); got != want {
		t.Fatalf("the stand-in was started as\n%s\nwant\n%s", got, want)
	}
}

func TestWamrWithStandInBuilds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	interp, fastJIT, multiTier := standInIwasm(t, dir, "interp"), standInIwasm(t, dir, "fast-jit"), standInIwasm(t, dir, "multi-tier")
	t.Setenv("RTWASM_IWASM", multiTier+","+fastJIT+":"+interp)
	args := []string{"--iterations", "0"}
	for mode, want := range map[string]string{"interp": interp, "fast-jit": fastJIT, "llvm-jit": multiTier, "multi-tier": multiTier} {
		w := wamr{mode, newWamrBuilt(Env{})}
		p := w.Probe(ctx)
		if !p.Available || !strings.HasPrefix(p.Binary, want+" (iwasm 2.4.1; modes: ") || p.Version != "iwasm 2.4.1" {
			t.Errorf("%s: probe %+v, want the build %s", w.ID(), p, want)
			continue
		}
		wantArgv(t, w.Run(ctx, "k.wasm", args), wamrArgv(want, mode, "k.wasm", args))
	}
	t.Setenv("RTWASM_IWASM", interp)
	if p := (wamr{"fast-jit", newWamrBuilt(Env{})}).Probe(ctx); p.Available || !strings.Contains(p.Reason, "no iwasm build has --fast-jit") {
		t.Errorf("wamr:fast-jit on an interpreter-only build: %+v", p)
	}
}

func TestWamrAOTWithStandIns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	log := filepath.Join(dir, "wamrc.log")
	t.Setenv("RTWASM_IWASM", standInIwasm(t, dir, "fast-jit")+","+standInIwasm(t, dir, "interp"))
	t.Setenv("RTWASM_WAMRC", writeStandIn(t, dir, "wamrc", `if [ "$1" = --version ]; then echo 'wamrc 2.4.1'; exit 0; fi
echo "$@" >> '`+log+`'
[ "$1" = -o ] && cp "$3" "$2"`))
	w := wamrAOT{wamr{"aot", newWamrBuilt(Env{})}}
	p := w.Probe(ctx)
	if !p.Available || !strings.Contains(p.Version, "wamrc 2.4.1") || !strings.HasPrefix(p.Binary, filepath.Join(dir, "iwasm-interp")) {
		t.Fatalf("probe %+v, want the interpreter build and wamrc named", p)
	}
	wasm := filepath.Join(dir, "k.wasm")
	os.WriteFile(wasm, []byte("\x00asm\x01\x00\x00\x00"), 0o644)
	a := toolchain.Artifact{Name: "k", Path: wasm, SHA256: "0123"}
	aot, err := w.Prepare(ctx, a, filepath.Join(dir, "prepared"))
	if err != nil || filepath.Ext(aot) != ".aot" {
		t.Fatalf("prepare: %q, %v", aot, err)
	}
	if again, err := w.Prepare(ctx, a, filepath.Join(dir, "prepared")); err != nil || again != aot {
		t.Fatalf("second prepare: %q, %v", again, err)
	}
	if calls, _ := os.ReadFile(log); strings.Count(string(calls), "\n") != 1 {
		t.Errorf("wamrc ran %q, want once", calls)
	}
	args := []string{"--iterations", "0"}
	wantArgv(t, w.Run(ctx, aot, args), wamrArgv(filepath.Join(dir, "iwasm-interp"), "aot", aot, args))
	if res := w.Run(ctx, wasm, args); res.Err == nil {
		t.Error("wamr:aot ran a .wasm")
	}
}

func TestWasmerWithStandIn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bin := writeStandIn(t, dir, "wasmer", `if [ "$1" = -vV ]; then cat '`+fixturePath(t, "wasmer-vV-cranelift.txt")+`'; exit 0; fi
[ -d "$4" ] || { echo "no cache directory $4" >&2; exit 3; }
`+echoArgv)
	t.Setenv("RTWASM_WASMER", bin)
	w := wasmer{"cranelift"}
	if p := w.Probe(ctx); !p.Available || p.Binary != bin || p.Version != "wasmer 4.4.0 (0000000 2024-10-04)" {
		t.Fatalf("probe %+v", p)
	}
	res := w.Run(ctx, "k.wasm", []string{"--iterations", "0"})
	fields := strings.Fields(string(res.Stdout))
	if res.Err != nil || len(fields) < 7 {
		t.Fatalf("run: %v %q", res.Err, res.Stdout)
	}
	cache := fields[6] // stand-in argv: wasmer run --cranelift --cache-dir DIR …
	wantArgv(t, res, wasmerArgv(bin, "cranelift", cache, "k.wasm", []string{"--iterations", "0"}))
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("the per-run cache directory %s was left behind", cache)
	}
	if p := (wasmer{"singlepass"}).Probe(ctx); p.Available || !strings.Contains(p.Reason, "no singlepass backend (it has: cranelift)") {
		t.Errorf("wasmer:singlepass on a Cranelift-only build: %+v", p)
	}
}

func TestWasmtimeCLIWithStandIn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bin := writeStandIn(t, dir, "wasmtime", `if [ "$1" = --version ]; then cat '`+fixturePath(t, "wasmtime-version.txt")+`'; exit 0; fi
if [ "$*" = "run -C help" ]; then cat '`+fixturePath(t, "wasmtime-run-C-help.txt")+`'; exit 0; fi
if [ "$1" = compile ]; then
  case "$*" in *compiler=winch*) echo "Error: winch support was disabled at compile time" >&2; exit 1;; esac
  exit 0
fi
`+echoArgv)
	t.Setenv("RTWASM_WASMTIME", bin)
	w := wasmtimeCLI{"cranelift"}
	if p := w.Probe(ctx); !p.Available || p.Binary != bin || p.Version != "wasmtime 25.0.1 (0000000 2024-09-24)" {
		t.Fatalf("probe %+v", p)
	}
	args := []string{"--iterations", "0"}
	wantArgv(t, w.Run(ctx, "k.wasm", args), wasmtimeCLIArgv(bin, "cranelift", "k.wasm", args))
	if p := (wasmtimeCLI{"winch"}).Probe(ctx); p.Available || !strings.Contains(p.Reason, "cannot compile with winch") {
		t.Errorf("wasmtime-cli:winch on a build that refuses winch: %+v", p)
	}
	old := writeStandIn(t, dir, "wasmtime13", `cat '`+fixturePath(t, "wasmtime-13-version.txt")+`'`)
	t.Setenv("RTWASM_WASMTIME", old)
	if p := w.Probe(ctx); p.Available || !strings.Contains(p.Reason, "older than the -C option syntax") {
		t.Errorf("wasmtime 13: %+v", p)
	}
}
