package toolchain

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests below build with a fake cmake (a shell script) from fake
// archives, so that every fault is exercised in milliseconds; one test,
// gated on RTWASM_WAMR_SRC, builds the real thing.

// fakeArchives writes one small archive per role into dir and points
// wamrArchives at them (restored after the test).
func fakeArchives(t *testing.T, dir string) {
	t.Helper()
	old := wamrArchives
	t.Cleanup(func() { wamrArchives = old })
	wamrArchives = nil
	for _, role := range []string{"wamr", "asmjit", "simde"} {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		body := []byte("source of " + role)
		tw.WriteHeader(&tar.Header{Name: role + "-top/README", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write(body)
		tw.Close()
		gz.Close()
		file := role + ".tar.gz"
		if err := os.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err := FileSHA256(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		wamrArchives = append(wamrArchives, wamrArchive{role, file, "https://example.invalid/" + file, sum})
	}
}

// fakeCMake is a cmake that records its calls in log and, on --build,
// runs body and then leaves a program that answers --version.
func fakeCMake(t *testing.T, dir, body string) (cmake, log string) {
	t.Helper()
	cmake, log = filepath.Join(dir, "cmake"), filepath.Join(dir, "cmake.log")
	script := `#!/bin/sh
echo "$@" >> ` + log + `
case "$1" in
--version) echo "cmake version 3.25.1 (fake)"; exit 0;;
-S) while [ "$1" != "-B" ]; do shift; done; mkdir -p "$2"; exit 0;;
--build)
  ` + body + `
  prog=$4
  printf '#!/bin/sh\necho "%s 2.4.5"\n' "$prog" > "$2/$prog-2.4.5"
  chmod +x "$2/$prog-2.4.5"; ln -s "$prog-2.4.5" "$2/$prog";;
esac
`
	if err := os.WriteFile(cmake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return cmake, log
}

// fakeLLVM is an LLVM CMake directory announcing version.
func fakeLLVM(t *testing.T, version string) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "LLVMConfig.cmake"), []byte("set(LLVM_PACKAGE_VERSION "+version+")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// fakeWAMR is a config building from fake archives with a fake cmake.
func fakeWAMR(t *testing.T, cmakeBody string) (WAMRConfig, string) {
	src := t.TempDir()
	fakeArchives(t, src)
	cmake, log := fakeCMake(t, t.TempDir(), cmakeBody)
	return WAMRConfig{CacheDir: t.TempDir(), SrcDir: src, CMake: cmake, LLVMDir: fakeLLVM(t, "19.1.7")}, log
}

func calls(t *testing.T, log string) int {
	b, _ := os.ReadFile(log)
	return strings.Count(string(b), "--build")
}

// cacheEntries lists what the WAMR cache holds: entries and leftovers.
func cacheEntries(t *testing.T, cfg WAMRConfig) []string {
	entries, err := os.ReadDir(cfg.wamrRoot())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWAMRBuildsOnceAndRecordsProvenance(t *testing.T) {
	cfg, log := fakeWAMR(t, "")
	ctx := context.Background()
	builds, err := BuildWAMR(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != len(WAMRModes) || calls(t, log) != len(WAMRModes) {
		t.Fatalf("%d builds from %d compiles, want %d of each", len(builds), calls(t, log), len(WAMRModes))
	}
	for _, b := range builds {
		if !b.BuiltHere || b.Version == "" || !strings.Contains(b.Source, WAMRSrcVar+"="+cfg.SrcDir) ||
			!slices.Contains(b.CMakeFlags, "-DFETCHCONTENT_FULLY_DISCONNECTED=ON") {
			t.Errorf("%s: provenance %+v lacks the version, the source or the flags", b.Mode, b)
		}
		if out, err := exec.Command(b.Path, "--version").Output(); err != nil || !strings.Contains(string(out), "2.4.5") {
			t.Errorf("%s: cached binary %s does not run: %v", b.Mode, b.Path, err)
		}
		wantLLVM := map[string]string{"interp": "none", "fast-jit": "none", "llvm-jit": "linked statically",
			"multi-tier": "linked statically", "wamrc": "linked dynamically"}[b.Mode]
		if !strings.Contains(b.LLVM, wantLLVM) {
			t.Errorf("%s: LLVM %q, want %q", b.Mode, b.LLVM, wantLLVM)
		}
	}
	again, err := BuildWAMR(ctx, cfg)
	if err != nil || len(again) != len(builds) || calls(t, log) != len(WAMRModes) {
		t.Fatalf("an unchanged key rebuilt: %d compiles in all (%v)", calls(t, log), err)
	}
	cached, err := CachedWAMR(ctx, cfg)
	if err != nil || len(cached) != len(WAMRModes) {
		t.Fatalf("CachedWAMR found %d builds (%v), want %d", len(cached), err, len(WAMRModes))
	}
	// Another LLVM rebuilds only the modes that link it.
	cfg.LLVMDir = fakeLLVM(t, "19.1.8")
	if _, err := BuildWAMR(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if n := calls(t, log) - len(WAMRModes); n != 3 {
		t.Fatalf("a new LLVM version rebuilt %d modes, want 3 (llvm-jit, multi-tier, wamrc)", n)
	}
}

func TestWAMRKeyStableAndInvalidated(t *testing.T) {
	cfg := WAMRConfig{LLVMDir: "/llvm"}
	tools := wamrTools{cc: "cc 12", cxx: "c++ 12", cmake: "cmake 3.25", llvm: "19.1.7"}
	jit, interp := WAMRModes[2], WAMRModes[0]
	base := jit.key(cfg, tools)
	if jit.key(cfg, tools) != base {
		t.Fatal("the key is not stable")
	}
	changed := map[string]string{}
	t2 := tools
	t2.cc = "cc 13"
	changed["compiler"] = jit.key(cfg, t2)
	t2 = tools
	t2.llvm = "19.1.8"
	changed["LLVM"] = jit.key(cfg, t2)
	t2 = tools
	t2.cmake = "cmake 3.26"
	changed["cmake"] = jit.key(cfg, t2)
	m := jit
	m.Flags = append(slices.Clone(jit.Flags), "-DWAMR_BUILD_SIMD=0")
	changed["flags"] = m.key(cfg, tools)
	changed["mode"] = WAMRModes[3].key(cfg, tools)
	old := wamrArchives
	wamrArchives = slices.Clone(old)
	wamrArchives[1].sha256 = strings.Repeat("0", 64)
	changed["archive"] = jit.key(cfg, tools)
	wamrArchives = old
	for what, k := range changed {
		if k == base {
			t.Errorf("a changed %s keeps the key", what)
		}
	}
	t2 = tools
	t2.llvm = "19.1.8"
	if interp.key(cfg, t2) != interp.key(cfg, tools) {
		t.Error("the interp build, which has no LLVM, changes key with LLVM's version")
	}
}

func TestWAMRWrongSHA256CachesNothing(t *testing.T) {
	cfg, log := fakeWAMR(t, "")
	if err := os.WriteFile(filepath.Join(cfg.SrcDir, wamrArchives[1].file), []byte("corrupted"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := BuildWAMR(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "sha256") || !strings.Contains(err.Error(), WAMRSrcVar) ||
		!strings.Contains(err.Error(), wamrArchives[1].file) {
		t.Fatalf("error %v, want a checksum error naming the file and %s", err, WAMRSrcVar)
	}
	if left := cacheEntries(t, cfg); len(left) > 0 || calls(t, log) > 0 {
		t.Fatalf("a corrupted archive left %v in the cache after %d compiles", left, calls(t, log))
	}
	if _, err := os.Stat(filepath.Join(cfg.SrcDir, wamrArchives[1].file)); err != nil {
		t.Error("the user's archive was deleted")
	}
}

func TestWAMRMissingArchiveNamesTheVariable(t *testing.T) {
	cfg, _ := fakeWAMR(t, "")
	os.Remove(filepath.Join(cfg.SrcDir, wamrArchives[2].file))
	_, err := BuildWAMR(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), WAMRSrcVar) || !strings.Contains(err.Error(), wamrArchives[2].file) {
		t.Fatalf("error %v, want one naming %s and the missing file", err, WAMRSrcVar)
	}
	if left := cacheEntries(t, cfg); len(left) > 0 {
		t.Fatalf("left %v in the cache", left)
	}
}

func TestWAMRDownloadFailureNamesBothSources(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	cfg, _ := fakeWAMR(t, "")
	cfg.SrcDir, cfg.BaseURL = "", srv.URL
	_, err := BuildWAMR(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), WAMRSrcVar) {
		t.Fatalf("error %v, want the download's failure and %s", err, WAMRSrcVar)
	}
	if left := cacheEntries(t, cfg); len(left) > 0 {
		t.Fatalf("left %v in the cache", left)
	}
}

func TestWAMRDownloadRecordsTheURL(t *testing.T) {
	cfg, _ := fakeWAMR(t, "")
	srv := httptest.NewServer(http.FileServer(http.Dir(cfg.SrcDir)))
	defer srv.Close()
	cfg.SrcDir, cfg.BaseURL, cfg.Modes = "", srv.URL, []string{"interp"}
	builds, err := BuildWAMR(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 1 || !strings.Contains(builds[0].Source, "downloaded") || !strings.Contains(builds[0].Source, srv.URL) {
		t.Fatalf("builds %+v, want one whose source names the download URL", builds)
	}
}

func TestWAMRCMakeFailureCachesNothing(t *testing.T) {
	cfg, _ := fakeWAMR(t, `echo "undefined reference to LLVMOrcCreateLLJIT" >&2; exit 2`)
	_, err := BuildWAMR(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "undefined reference to LLVMOrcCreateLLJIT") || !strings.Contains(err.Error(), "nothing was cached") {
		t.Fatalf("error %v, want cmake's failure quoted and that nothing was cached", err)
	}
	if left := cacheEntries(t, cfg); len(left) > 0 {
		t.Fatalf("a failed build left %v in the cache", left)
	}
}

func TestWAMRLLVMAbsentFailsClearly(t *testing.T) {
	cfg, _ := fakeWAMR(t, "")
	cfg.LLVMDir, cfg.Modes = filepath.Join(t.TempDir(), "no-llvm"), []string{"llvm-jit"}
	_, err := BuildWAMR(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "llvm-19-dev") {
		t.Fatalf("error %v, want one naming the package to install", err)
	}
	if left := cacheEntries(t, cfg); len(left) > 0 {
		t.Fatalf("left %v in the cache", left)
	}
}

func TestWAMRInterruptedBuildCachesNothing(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "compiling")
	// The "compiler" is a grandchild of cmake: cancelling must stop it too.
	cfg, _ := fakeWAMR(t, `sleep 60 & echo $! > `+marker+`; wait`)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := BuildWAMR(ctx, cfg); done <- err }()
	var pid []byte
	for deadline := time.Now().Add(20 * time.Second); len(pid) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the fake compile never started")
		}
		pid, _ = os.ReadFile(marker)
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the build did not stop when interrupted")
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("error %v, want an interruption", err)
	}
	if left := cacheEntries(t, cfg); len(left) > 0 {
		t.Fatalf("an interrupted build left %v in the cache", left)
	}
	if alive(strings.TrimSpace(string(pid)), 5*time.Second) {
		t.Errorf("the compiler (pid %s) outlived the interrupted build", strings.TrimSpace(string(pid)))
	}
}

// alive reports whether pid still runs (not a zombie) after waiting up to d.
func alive(pid string, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		b, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			return false
		}
		if f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:])); len(f) > 0 && f[0] == "Z" {
			return false
		}
	}
	return true
}

func TestWAMRUnknownModeRejected(t *testing.T) {
	cfg, _ := fakeWAMR(t, "")
	cfg.Modes = []string{"turbo"}
	if _, err := BuildWAMR(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "valid: interp, fast-jit") {
		t.Fatalf("error %v, want the list of valid modes", err)
	}
}

// TestWAMRRealBuild builds (or finds in the cache) the real WAMR 2.4.5 in
// every mode and checks what the adapter relies on.
func TestWAMRRealBuild(t *testing.T) {
	src := os.Getenv(WAMRSrcVar)
	if src == "" {
		t.Skipf("%s is not set: no WAMR sources to build (CI sets it to ../shared/wamr-src)", WAMRSrcVar)
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	builds, err := BuildWAMR(context.Background(), WAMRConfig{CacheDir: os.Getenv("RTWASM_CACHE"), SrcDir: abs, Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	wantHelp := map[string][]string{"interp": {"--interp"}, "fast-jit": {"--fast-jit"}, "llvm-jit": {"--llvm-jit"},
		"multi-tier": {"--multi-tier-jit", "--fast-jit", "--llvm-jit"}}
	for _, b := range builds {
		out, _ := exec.Command(b.Path, "--version").Output()
		if !strings.HasPrefix(string(out), strings.TrimSuffix(filepath.Base(b.Path), filepath.Ext(b.Path))+" "+WAMRVersion) {
			t.Errorf("%s: --version says %q", b.Mode, out)
		}
		help, _ := exec.Command(b.Path, "--help").CombinedOutput()
		for _, flag := range wantHelp[b.Mode] {
			if !strings.Contains(string(help), flag) {
				t.Errorf("%s: --help lacks %s", b.Mode, flag)
			}
		}
		libs, err := exec.Command("ldd", b.Path).Output()
		if err != nil {
			t.Fatal(err)
		}
		if shared := strings.Contains(string(libs), "libLLVM"); shared != (b.Mode == "wamrc") {
			t.Errorf("%s: loads libLLVM: %v, want %v (iwasm links LLVM statically):\n%s", b.Mode, shared, !shared, libs)
		}
	}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
