package toolchain

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestWasiSDKChecksumMismatchDeletesDownload(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("not the release"))
	}))
	defer srv.Close()
	cache := t.TempDir()
	_, err := WasiSDK(context.Background(), Config{CacheDir: cache, WasiSDKURL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("error %v, want a checksum mismatch", err)
	}
	if left, _ := os.ReadDir(cache); len(left) > 0 {
		t.Fatalf("the bad download left %v in the cache", left[0].Name())
	}
}

func TestWasmFallsBackAndSaysWhy(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	cfg := Config{CacheDir: t.TempDir(), WasiSDKURL: srv.URL}
	for range 2 {
		c, err := resolveWasm(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		p := c.Provenance()
		if p.Name != "debian-clang-19" || !strings.Contains(p.Note, "404") {
			t.Fatalf("provenance %+v, want the Debian fallback with the download's failure in its note", p)
		}
	}
	if n := requests.Load(); n != 1 {
		t.Fatalf("%d download attempts for two resolutions, want 1", n)
	}
}

// entry is one crafted tar entry: a file (body), a directory (dir), a
// symlink (symlink) or a hard link (link).
type entry struct {
	name, body, symlink, link string
	dir                       bool
}

func writeTarGz(t *testing.T, entries ...entry) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		switch {
		case e.dir:
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case e.symlink != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, e.symlink
		case e.link != "":
			h.Typeflag, h.Linkname = tar.TypeLink, e.link
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.body))
	}
	tw.Close()
	gz.Close()
	path := filepath.Join(t.TempDir(), "a.tar.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUntarKeepsLinksInside(t *testing.T) {
	dir := t.TempDir()
	archive := writeTarGz(t, entry{name: "sdk/bin/", dir: true}, entry{name: "sdk/bin/clang-17", body: "clang"},
		entry{name: "sdk/bin/clang", symlink: "clang-17"}, entry{name: "sdk/lib/libc.a", body: "libc"},
		entry{name: "sdk/share/libc.a", link: "sdk/lib/libc.a"})
	if err := UntarGz(archive, dir); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"sdk/bin/clang": "clang", "sdk/share/libc.a": "libc"} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
}

// Each case unpacks into <outside>/target; an escape would write <outside>/x
// or make x a link to <outside>/secret.
func TestUntarRefusesEntriesOutsideTheTarget(t *testing.T) {
	for name, entries := range map[string]func(outside string) []entry{
		"dot-dot":        func(string) []entry { return []entry{{name: "../x", body: "x"}} },
		"nested dot-dot": func(string) []entry { return []entry{{name: "sdk/../../x", body: "x"}} },
		"absolute":       func(o string) []entry { return []entry{{name: filepath.Join(o, "x"), body: "x"}} },
		"symlink out": func(o string) []entry {
			return []entry{{name: "out", symlink: o}, {name: "out/x", body: "x"}}
		},
		"relative symlink": func(string) []entry {
			return []entry{{name: "sdk/out", symlink: "../.."}, {name: "sdk/out/x", body: "x"}}
		},
		// each link alone points inside; together they lead out
		"symlink chain": func(string) []entry {
			return []entry{{name: "a", symlink: "."}, {name: "a/b", symlink: ".."}, {name: "a/b/x", body: "x"}}
		},
		"hard link out": func(o string) []entry { return []entry{{name: "x", link: filepath.Join(o, "secret")}} },
		"hard link via symlinks": func(string) []entry {
			return []entry{{name: "a", symlink: "."}, {name: "a/b", symlink: ".."}, {name: "x", link: "a/b/secret"}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			outside := t.TempDir()
			os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600)
			dir := filepath.Join(outside, "target")
			os.Mkdir(dir, 0o700)
			err := UntarGz(writeTarGz(t, entries(outside)...), dir)
			if err == nil || !strings.Contains(err.Error(), "escapes") {
				t.Errorf("error %v, want the entry refused as escaping", err)
			}
			if _, err := os.Stat(filepath.Join(outside, "x")); err == nil {
				t.Error("a file was written outside the target directory")
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "x")); len(b) > 0 {
				t.Errorf("x inside the target reads %q from outside", b)
			}
		})
	}
}

func TestUntarRefusesEscapingPaths(t *testing.T) {
	if err := UntarGz(filepath.Join("testdata", "escape.tar.gz"), t.TempDir()); err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Fatalf("error %v, want an escaping entry refused", err)
	}
}
