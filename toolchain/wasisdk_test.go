package toolchain

import (
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
	if _, statErr := os.Stat(filepath.Join(cache, filepath.Base(WasiSDKURL))); !os.IsNotExist(statErr) {
		t.Fatalf("the bad download was kept: %v", statErr)
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

func TestUntarRefusesEscapingPaths(t *testing.T) {
	if err := untarGz(filepath.Join("testdata", "escape.tar.gz"), t.TempDir()); err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Fatalf("error %v, want an escaping entry refused", err)
	}
}
