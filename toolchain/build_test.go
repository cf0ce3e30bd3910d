package toolchain

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var hello = Job{Name: "hello", Defines: []string{"-DGREETING=1"},
	Sources: map[string][]byte{"hello.c": []byte("int main(void) { return GREETING - 1; }\n")}}

// resolve finds the compilers for targets; the wasi-sdk download is pointed
// at a local 404 so tests use the Debian fallback without the network.
func resolve(t *testing.T, targets ...Target) Set {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	set, err := Resolve(context.Background(), Config{CacheDir: t.TempDir(), WasiSDKURL: srv.URL}, targets...)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestBuildCacheCompilesOnce(t *testing.T) {
	ctx := context.Background()
	set := resolve(t, Glibc)
	cache := t.TempDir()
	job := hello
	first, err := Build(ctx, set[Glibc], job, cache)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || first.SHA256 == "" || first.Bytes == 0 {
		t.Fatalf("first build: %+v, want a fresh artifact with a digest", first)
	}
	info, _ := os.Stat(first.Path)
	second, err := Build(ctx, set[Glibc], job, cache)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := os.Stat(second.Path)
	if !second.Cached || second.Path != first.Path || !again.ModTime().Equal(info.ModTime()) || second.SHA256 != first.SHA256 {
		t.Fatalf("second build recompiled: %+v", second)
	}
	job.Defines = []string{"-DGREETING=2"}
	third, err := Build(ctx, set[Glibc], job, cache)
	if err != nil {
		t.Fatal(err)
	}
	if third.Cached || third.Key == first.Key {
		t.Fatalf("changed defines reused the cache: %+v", third)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(cache, "*", ".build-*")); len(leftovers) > 0 {
		t.Fatalf("work directories left behind: %v", leftovers)
	}
}

func TestBuildRebuildsCorruptedArtifact(t *testing.T) {
	ctx := context.Background()
	set := resolve(t, Wasm, Glibc)
	for _, target := range []Target{Wasm, Glibc} {
		t.Run(string(target), func(t *testing.T) {
			cache := t.TempDir()
			var log bytes.Buffer
			job := hello
			job.Log = &log
			first, err := Build(ctx, set[target], job, cache)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(first.Path)
			if err := os.Truncate(first.Path, first.Bytes/2); err != nil {
				t.Fatal(err)
			}
			second, err := Build(ctx, set[target], job, cache)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(second.Path)
			if second.Cached || second.Rebuilt == "" || !bytes.Equal(got, want) || second.SHA256 != first.SHA256 {
				t.Fatalf("truncated artifact: %+v (%d bytes), want a rebuild identical to the first build (%d bytes)", second, len(got), len(want))
			}
			if !strings.Contains(log.String(), "rebuilding hello") || !strings.Contains(log.String(), "failed its checksum") {
				t.Fatalf("log %q does not say the artifact was rebuilt and why", log.String())
			}
			os.Remove(first.Path + ".sha256")
			third, err := Build(ctx, set[target], job, cache)
			if err != nil {
				t.Fatal(err)
			}
			if third.Cached || !strings.Contains(third.Rebuilt, "no recorded checksum") {
				t.Fatalf("artifact without a recorded checksum was trusted: %+v", third)
			}
			if fourth, err := Build(ctx, set[target], job, cache); err != nil || !fourth.Cached {
				t.Fatalf("intact artifact not reused: %+v, %v", fourth, err)
			}
		})
	}
}

func TestBuildReportsCompilerErrors(t *testing.T) {
	set := resolve(t, Glibc)
	_, err := Build(context.Background(), set[Glibc], Job{Name: "broken", Sources: map[string][]byte{"broken.c": []byte("int main( {")}}, t.TempDir())
	if err == nil {
		t.Fatal("a syntax error built")
	}
}

func TestBuildRefusesACacheOthersMayWrite(t *testing.T) {
	set := resolve(t, Glibc)
	cache := t.TempDir()
	if err := os.Chmod(cache, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), set[Glibc], hello, cache)
	if err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Fatalf("error %v, want a world-writable cache refused with the fix", err)
	}
}

func TestDefaultCacheDirIsNeverSharedTemp(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if dir, err := DefaultCacheDir(); err == nil {
		t.Fatalf("no HOME gave %q, want an error naming RTWASM_CACHE", dir)
	}
	t.Setenv("HOME", "/home/someone")
	if dir, err := DefaultCacheDir(); err != nil || dir != "/home/someone/.cache/rtwasm/toolchain" {
		t.Fatalf("DefaultCacheDir() = %q, %v", dir, err)
	}
}
